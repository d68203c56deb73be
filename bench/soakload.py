#!/usr/bin/env python3
"""Steady-rate mixed load for bench/soak.sh (wrk2 is not packaged in Debian 12).

Open loop, as wrk2: request i is due at start + i / rate whatever happened to the earlier ones, so
a slow server shows as latency (counted from the due time) and a backlog, never as a lower rate
it chose itself. The requests go out on a pool of kept-alive HTTP/1.1 connections (one request
at a time on each); a request waits in the queue while every connection is busy.

Kinds (weights from --mix, drawn by a seeded generator, so every run asks the same sequence):
  hit    GET one of --hit-paths (answers already cached)             expects 200
  miss   GET /api/movies/<growing id>, every other one .../credits   expects 200
         (never cached yet: each one upstream call)
  read   GET /api/watchlist?limit=20 with one of --tokens             expects 200
  write  POST /api/watchlist, a new tmdbId each, one of --tokens      expects 201
Anything else (another status, a connection error, a timeout) is an error of that kind.

Prints every --report seconds:
  at <s> due <n> done <n> rate <req/s> p99 <ms, misses left out> backlog <n> errors <n>
and at the end, for bench/soak.sh to read:
  kind <kind> done <n> p50 <ms> p99 <ms> max <ms> service-p99 <ms>
  status <kind> <status> <count>
  total due <n> done <n> seconds <s> achieved <req/s> errors <n> unfinished <n> max-backlog <n> cpu <s>
"""

import argparse
import asyncio
import random
import socket
import sys
import time

EXPECTED = {"hit": 200, "miss": 200, "read": 200, "write": 201}


def pct(sorted_values, q):
    if not sorted_values:
        return 0.0
    i = max(0, min(len(sorted_values) - 1, int(len(sorted_values) * q + 0.5) - 1))
    return sorted_values[i]


class Connection:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def ensure(self):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            sock = self.writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def exchange(self, raw):
        """Sends one request, reads its whole answer; returns the status."""
        await self.ensure()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            value = value.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value:
                chunked = True
            elif name == b"connection" and value == b"close":
                close = True
        if chunked:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            self.close()
        return status


class Load:
    def __init__(self, args):
        self.args = args
        self.host = "127.0.0.1"
        self.hit_paths = [p.strip() for p in open(args.hit_paths) if p.strip()]
        self.tokens = [t.strip() for t in open(args.tokens) if t.strip()]
        mix = {}
        for part in args.mix.split(","):
            k, _, w = part.partition("=")
            if k not in EXPECTED:
                sys.exit(f"soakload: unknown kind {k!r} in --mix")
            mix[k] = float(w)
        self.kinds = [k for k in mix if mix[k] > 0]
        self.weights = [mix[k] for k in self.kinds]
        self.rng = random.Random(15)
        self.n = {"hit": 0, "miss": 0, "read": 0, "write": 0}
        self.latency = {k: [] for k in EXPECTED}   # ms from the due time
        self.service = {k: [] for k in EXPECTED}   # ms from the send
        self.status = {}                            # (kind, status) -> count
        self.errors = 0
        self.done = 0
        self.interval = []                          # latencies of the current report interval
        self.max_backlog = 0

    def request(self, kind):
        i = self.n[kind]
        self.n[kind] += 1
        host = f"Host: {self.host}:{self.args.port}\r\n"
        if kind == "hit":
            path = self.hit_paths[i % len(self.hit_paths)]
            return f"GET {path} HTTP/1.1\r\n{host}\r\n".encode()
        if kind == "miss":  # a title page (1.5 KB upstream) and the next title's credits (77 KB)
            tail = "" if i % 2 == 0 else "/credits"
            return f"GET /api/movies/{self.args.miss_start + i}{tail} HTTP/1.1\r\n{host}\r\n".encode()
        token = self.tokens[i % len(self.tokens)]
        if kind == "read":
            return (f"GET /api/watchlist?limit=20 HTTP/1.1\r\n{host}"
                    f"Authorization: Bearer {token}\r\n\r\n").encode()
        body = ('{"tmdbId":%d,"contentType":"movie","title":"Soak %d","posterPath":"/s.jpg",'
                '"overview":"x","releaseDate":"2001-01-01","voteAverage":7.5}'
                % (self.args.write_start + i, i)).encode()
        return (f"POST /api/watchlist HTTP/1.1\r\n{host}Authorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    def record(self, kind, status, due, sent, end):
        key = (kind, status)
        self.status[key] = self.status.get(key, 0) + 1
        if status != EXPECTED[kind]:
            self.errors += 1
        lat = (end - due) * 1000.0
        self.latency[kind].append(lat)
        self.service[kind].append((end - sent) * 1000.0)
        if kind != "miss":  # the interval's p99 is that of what the cache or the database answers
            self.interval.append(lat)
        self.done += 1

    async def worker(self, queue):
        conn = Connection(self.host, self.args.port)
        loop = asyncio.get_running_loop()
        while True:
            item = await queue.get()
            if item is None:
                conn.close()
                return
            due, kind, raw = item
            sent = loop.time()
            try:
                status = await asyncio.wait_for(conn.exchange(raw), self.args.timeout)
            except asyncio.TimeoutError:
                status = "timeout"
                conn.close()
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
                status = "connection"
                conn.close()
            self.record(kind, status, due, sent, loop.time())

    async def reporter(self, queue, start):
        loop = asyncio.get_running_loop()
        last_done, last_t = 0, start
        while True:
            await asyncio.sleep(self.args.report)
            now = loop.time()
            lat = sorted(self.interval)
            self.interval = []
            print(f"at {now - start:6.1f} due {self.due:8d} done {self.done:8d} "
                  f"rate {(self.done - last_done) / (now - last_t):8.1f} p99 {pct(lat, 0.99):8.2f} "
                  f"backlog {queue.qsize():6d} errors {self.errors}", flush=True)
            last_done, last_t = self.done, now

    async def run(self):
        args = self.args
        loop = asyncio.get_running_loop()
        queue = asyncio.Queue()
        workers = [asyncio.create_task(self.worker(queue)) for _ in range(args.conns)]
        total = int(args.rate * args.seconds)
        start = loop.time()
        self.due = 0
        rep = asyncio.create_task(self.reporter(queue, start))
        while self.due < total:
            now = loop.time()
            upto = min(total, int((now - start) * args.rate) + 1)
            while self.due < upto:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                queue.put_nowait((start + self.due / args.rate, kind, self.request(kind)))
                self.due += 1
            self.max_backlog = max(self.max_backlog, queue.qsize())
            # The next request's due time, at least a millisecond away (fewer, larger batches).
            await asyncio.sleep(max(0.001, start + self.due / args.rate - loop.time()))
        for _ in workers:
            queue.put_nowait(None)
        finished, pending = await asyncio.wait(workers, timeout=args.timeout + 5)
        for t in pending:
            t.cancel()
        rep.cancel()
        elapsed = loop.time() - start
        for kind in EXPECTED:
            lat = sorted(self.latency[kind])
            svc = sorted(self.service[kind])
            if lat:
                print(f"kind {kind} done {len(lat)} p50 {pct(lat, 0.5):.2f} p99 {pct(lat, 0.99):.2f} "
                      f"max {lat[-1]:.2f} service-p99 {pct(svc, 0.99):.2f}")
        for (kind, status), count in sorted(self.status.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            print(f"status {kind} {status} {count}")
        print(f"total due {self.due} done {self.done} seconds {elapsed:.1f} "
              f"achieved {self.done / elapsed:.1f} errors {self.errors} "
              f"unfinished {self.due - self.done} max-backlog {self.max_backlog} "
              f"cpu {time.process_time():.1f}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--rate", type=float, default=2000)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--conns", type=int, default=32)
    p.add_argument("--mix", default="hit=80,miss=1,read=14,write=5")
    p.add_argument("--hit-paths", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("--miss-start", type=int, default=1_000_000)
    p.add_argument("--write-start", type=int, default=10_000_000)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--report", type=float, default=10)
    asyncio.run(Load(p.parse_args()).run())


if __name__ == "__main__":
    main()
