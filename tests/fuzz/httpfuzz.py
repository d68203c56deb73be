#!/usr/bin/env python3
"""A bounded HTTP fuzz run against a `marquee` binary (built with AddressSanitizer and
UndefinedBehaviorSanitizer by scripts/fuzz.sh).

For --seconds it throws random and malformed requests at the server from several connections at
once: mutations of valid requests (framing, headers, bodies, chunking, pipelining), random bytes,
truncated requests and abrupt disconnects. Throughout, a fresh connection must get
`GET /health` -> 200 within two seconds, and the server's resident memory is recorded. At the
end the server is stopped with SIGTERM and must exit 0; any sanitizer report in its output, a
failed health check or a crash fails the run (exit 1). The mutations follow --seed; the
interleaving of the connections follows the timing of the run.
"""

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

VALID = [
    b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/movies/popular?page=2 HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173\r\n\r\n",
    b"GET /api/movies/550?append=videos,credits HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"x\"\r\n\r\n",
    b"GET /api/search?query=fight+club HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /api/tv/1399/season/1/episode/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"HEAD /api/movies/trending HTTP/1.1\r\nHost: x\r\n\r\n",
    b"OPTIONS /api/watchlist HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173\r\n"
    b"Access-Control-Request-Method: POST\r\n\r\n",
    b"POST /api/watchlist HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a.b.c\r\n"
    b"Content-Type: application/json\r\nContent-Length: 47\r\n\r\n"
    b"{\"tmdbId\":550,\"contentType\":\"movie\",\"title\":\"F\"}",
    b"POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n",
    b"POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 2\r\nExpect: 100-continue\r\n\r\n{}",
    b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"DELETE /api/favorites/movie/550 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer x\r\n\r\n",
]

NASTY_HEADERS = [
    b"Content-Length: 5\r\nContent-Length: 6\r\n",
    b"Content-Length: -1\r\n",
    b"Content-Length: 99999999999999999999999\r\n",
    b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
    b"Transfer-Encoding : chunked\r\n",
    b"Bad Name: x\r\n",
    b"X-Folded: a\r\n  b\r\n",
    b"X-Ctl: \x01\x02\x7f\r\n",
    b"NoColonHere\r\n",
    b"Upgrade: websocket\r\nConnection: Upgrade\r\n",
    b"X-Long: " + b"a" * 9000 + b"\r\n",
    b"Expect: 100-continue\r\nContent-Length: 70000\r\n",
]

CHUNKED_BODIES = [
    b"1\r\nx\r\n7fffffffffffffff\r\n",
    b"ffffffffffffffffffff\r\n",
    b"zz\r\nabc\r\n0\r\n\r\n",
    b"3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n",
    b"5\nhello\n0\n\n",
    b"-1\r\n",
    b"0\r\n\r\n",
]


def mutate(rng: random.Random, req: bytes) -> bytes:
    choice = rng.randrange(12)
    b = bytearray(req)
    if choice == 0 and b:  # flip bytes
        for _ in range(rng.randrange(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if choice == 1 and b:  # truncate
        return bytes(b[: rng.randrange(len(b))])
    if choice == 2:  # insert a nasty header after the request line
        end = req.find(b"\r\n") + 2
        return req[:end] + rng.choice(NASTY_HEADERS) + req[end:]
    if choice == 3:  # chunked body of any kind
        return (b"POST /api/webhooks/clerk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Type: application/json\r\n\r\n" + rng.choice(CHUNKED_BODIES))
    if choice == 4:  # random bytes
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))
    if choice == 5:  # pipelined burst
        return b"".join(rng.choice(VALID) for _ in range(rng.randrange(2, 200)))
    if choice == 6:  # odd request lines
        line = rng.choice([b"GET  /health  HTTP/1.1", b"GET /health HTTP/9.9", b"GET /health",
                           b"G\x00T /health HTTP/1.1", b"GET " + b"/a" * 5000 + b" HTTP/1.1",
                           b"GET /%zz%00 HTTP/1.1", b"\r\n\r\n\t GET /health HTTP/1.1",
                           b"GET http://evil/ HTTP/1.1", b"BREW /health HTTP/1.1"])
        return line + b"\r\nHost: x\r\n\r\n"
    if choice == 7:  # bare LF line endings
        return req.replace(b"\r\n", b"\n")
    if choice == 8:  # huge header block
        return req[:-2] + b"X-Pad: " + b"p" * rng.randrange(100, 40000) + b"\r\n\r\n"
    if choice == 9:  # body larger than declared or than the limit
        return (b"POST /api/watchlist HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(rng.choice([10, 65536, 65537, 1 << 20])).encode()
                + b"\r\n\r\n" + b"{" * rng.randrange(0, 70000))
    if choice == 10:  # JSON garbage in a valid frame
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
        return (b"POST /api/favorites HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Authorization: Bearer x.y.z\r\nContent-Length: " + str(len(body)).encode()
                + b"\r\n\r\n" + body)
    return req


def worker(port, seed, deadline, stats, lock):
    rng = random.Random(seed)
    while time.time() < deadline:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.settimeout(0.05)
            for _ in range(rng.randrange(1, 6)):
                payload = mutate(rng, rng.choice(VALID))
                # Sometimes in pieces, to exercise partial reads.
                if rng.random() < 0.3 and len(payload) > 1:
                    cut = rng.randrange(1, len(payload))
                    s.sendall(payload[:cut])
                    time.sleep(rng.random() * 0.01)
                    s.sendall(payload[cut:])
                else:
                    s.sendall(payload)
                with lock:
                    stats["sent"] += 1
                if rng.random() < 0.2:
                    break  # drop the connection without reading
                try:
                    s.recv(65536)
                except socket.timeout:
                    pass
            if rng.random() < 0.5:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
        except OSError:
            with lock:
                stats["errors"] += 1


def health(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.settimeout(2)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.startswith(b"HTTP/1.1 200 ")
    except OSError:
        return False


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
            return int(m.group(1)) // 1024 if m else -1
    except OSError:
        return -1


SANITIZER = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: \w+Sanitizer")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--workers", type=int, default=6)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="marquee-fuzz-")
    log_path = os.path.join(work, "server.log")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TMDB_", "CLERK_", "MARQUEE_", "RATE_LIMIT_", "CACHE_TTL_"))}
    env.update({"PORT": "0", "HOST": "127.0.0.1", "HOME": work, "XDG_DATA_HOME": work,
                "DATABASE_URL": f"sqlite://{work}/fuzz.db", "LOG_LEVEL": "warning",
                "NODE_ENV": "development", "MARQUEE_IDLE_TIMEOUT": "2s",
                "RATE_LIMIT_GENERAL": "0", "RATE_LIMIT_SEARCH": "0", "RATE_LIMIT_SENSITIVE": "0",
                "ASAN_OPTIONS": "halt_on_error=1:detect_leaks=1:abort_on_error=0",
                "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
                "LSAN_OPTIONS": "suppressions=" + os.path.join(os.path.dirname(__file__), "lsan.supp")})
    log = open(log_path, "wb")
    # LOG_LEVEL=warning hides the "listening" line: ask for a fixed free port instead.
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    env["PORT"] = str(port)
    server = subprocess.Popen([args.binary, "--headless"], env=env, stdout=log, stderr=log, cwd=work)
    start = time.time()
    while not health(port):
        if server.poll() is not None or time.time() - start > 30:
            print(open(log_path, "rb").read().decode(errors="replace")[-4000:])
            print("httpfuzz: the server did not start")
            return 1
        time.sleep(0.2)

    stats = {"sent": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.time() + args.seconds
    threads = [threading.Thread(target=worker, args=(port, args.seed + i, deadline, stats, lock))
               for i in range(args.workers)]
    for t in threads:
        t.start()
    failures, checks, peak = [], 0, 0
    while time.time() < deadline:
        time.sleep(1)
        checks += 1
        peak = max(peak, rss_mb(server.pid))
        if server.poll() is not None:
            failures.append(f"the server exited with {server.returncode} during the run")
            break
        if not health(port):
            failures.append(f"/health failed at {time.time() - (deadline - args.seconds):.1f} s")
    for t in threads:
        t.join()
    if server.poll() is None:
        if not health(port):
            failures.append("/health failed after the run")
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=30)
            if code != 0:
                failures.append(f"the server exited with {code} after SIGTERM")
        except subprocess.TimeoutExpired:
            server.kill()
            failures.append("the server did not stop within 30 s of SIGTERM")
    log.close()
    output = open(log_path, "rb").read().decode(errors="replace")
    reports = [line for line in output.splitlines() if SANITIZER.search(line)]
    if reports:
        failures.append(f"{len(reports)} sanitizer report line(s)")
        print(output[-12000:])
    print(f"httpfuzz: {stats['sent']} requests from {args.workers} connections in "
          f"{args.seconds:.0f} s (seed {args.seed}), {stats['errors']} connection errors, "
          f"{checks} health checks, peak RSS {peak} MB")
    for f in failures:
        print("httpfuzz: FAIL:", f)
    if not failures:
        print("httpfuzz: 1 passed, 0 failed")
        return 0
    print("httpfuzz: 0 passed, 1 failed")
    return 1


if __name__ == "__main__":
    sys.exit(main())
