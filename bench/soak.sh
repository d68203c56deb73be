#!/usr/bin/env bash
# Soak (issue 15, part 4): a steady request rate of mixed traffic for minutes against one Marquee
# with MARQUEE_WORKERS workers, on SQLite, with a fake TMDB (300 ms a request) for the misses and
# real RS256 tokens (CLERK_JWT_KEY, as bench/lists.sh) for the lists:
#   hit    a cached catalogue answer (30 paths fetched before the clock starts)   80 %
#   miss   a title not cached yet (/api/movies/<growing id>, every other one its /credits,
#          77 KB, so the memory cache reaches its limit): one upstream call each            1 %
#   read   GET /api/watchlist?limit=20 of one of 256 users                        14 %
#   write  POST /api/watchlist, a new title each, round-robin over the 256 users   5 %
# The load comes from bench/soakload.py (open loop, as wrk2, which Debian does not package:
# requests are due at a fixed rate whatever the answers' latency; a slow server shows as latency
# counted from the due time and as a backlog). Marquee's resident set is sampled every 10 s.
# Reference, measured first in the same run: the generator alone for 10 s at the same rate
# against a bare QHttpServer answering one cached body (bench/bareqhttpserver.cpp): the latency
# a Python client adds by itself (p50 ~1.5 ms, p99 ~7 ms here); Marquee's latencies are read
# against it.
# Prints the rate achieved every 10 s, the RSS samples, RSS at start and end, the answers by kind
# and status (every status other than the expected 200/201, a connection error or a timeout is
# an error: there must be none), latency per kind, and Marquee's warnings and errors.
#   bench/soak.sh [minutes=10] [rate=2000] [workers=2]
# minutes may be a fraction (0.5). Environment: MARQUEE_SOAK_MIX (default
# "hit=80,miss=1,read=14,write=5"), MARQUEE_SOAK_DELAY_MS (the fake's delay, default 300),
# MARQUEE_SOAK_CONNECTIONS (default 32), MARQUEE_BUILD_DIR.
# The misses stay below the upstream throttle (MARQUEE_TMDB_RATE, default 40/s): at 2,000 req/s
# 1 % is 20 misses/s. The rate limiter is off (RATE_LIMIT_GENERAL=0): every request comes from
# one loopback address, which the limiter would refuse past 300 a minute.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-10}"; rate="${2:-2000}"; workers="${3:-2}"
mix="${MARQUEE_SOAK_MIX:-hit=80,miss=1,read=14,write=5}"
delay="${MARQUEE_SOAK_DELAY_MS:-300}"
conns="${MARQUEE_SOAK_CONNECTIONS:-32}"
secs=$(awk -v m="$minutes" 'BEGIN {printf "%d", m * 60}')
[ "$secs" -ge 10 ] || { echo "usage: bench/soak.sh [minutes>=0.17] [rate] [workers]" >&2; exit 2; }
key=0123456789abcdef0123456789abcdef

work="$(mktemp -d)"
fpid=""; mpid=""; spid=""; bpid=""
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
cleanup() {
  local p
  for p in "$spid" "$mpid" "$fpid" "$bpid"; do
    [ -z "$p" ] || { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v python3 >/dev/null || { echo "python3 is needed (bench/soakload.py)" >&2; exit 1; }
bench_build marquee marquee_fake_tmdb marquee_bare_qhttpserver

# Tokens of 256 users, valid for the whole run (bench/lists.sh's recipe).
bench_keys
for i in $(seq 1 256); do make_token "user_soak$i" $((secs + 3600)); done > "$work/tokens.txt"

"$build/tests/marquee_fake_tmdb" "$delay" "$key" > "$work/fake.out" &
fpid=$!
for _ in $(seq 100); do grep -q '^port' "$work/fake.out" 2>/dev/null && break; sleep 0.1; done
fport=$(awk '/^port/ {print $2}' "$work/fake.out")
[ -n "$fport" ] || { echo "the fake TMDB did not start" >&2; exit 1; }
calls() { awk '/^calls/ {c = $2} END {print c + 0}' "$work/fake.out"; }

mport=$(free_port)
# The access log (one line a request) is counted, not kept: at 2,000 req/s it would fill /tmp.
PORT=$mport DATABASE_URL="sqlite://$work/m.db" TMDB_API_KEY=$key TMDB_BASE_URL="http://127.0.0.1:$fport/3" \
  CLERK_JWT_KEY="$(cat "$work/pub.pem")" ALLOWED_ORIGINS=http://localhost:5173 RATE_LIMIT_GENERAL=0 \
  MARQUEE_WORKERS="$workers" MARQUEE_TMDB_TIMEOUT=60s LOG_LEVEL=info \
  "$build/app/marquee" --headless 2> >(awk -v out="$work/marquee.log" -v cnt="$work/access.count" '
      / marquee\.access / {n++; if (n % 10000 == 0) {print n > cnt; close(cnt)}; next}
      {print >> out; fflush(out)}
      END {print n + 0 > cnt}') &
mpid=$!
wait_http "http://127.0.0.1:$mport/health" \
  || { echo "Marquee did not start:" >&2; tail -20 "$work/marquee.log" >&2; exit 1; }

# What the hits ask: filled once here (each a miss now, a hit during the run).
{
  for p in /api/trending /api/movies/trending /api/movies/top-rated /api/movies/now-playing \
           /api/movies/upcoming /api/tv/popular /api/tv/top-rated /api/movies/genres /api/tv/genres; do
    echo "$p"
  done
  for pg in 1 2 3 4 5; do echo "/api/movies/popular?page=$pg"; done
  for id in $(seq 1 16); do echo "/api/movies/$id"; done
} > "$work/hits.txt"
while read -r p; do printf 'url = "http://127.0.0.1:%s%s"\noutput = "/dev/null"\n' "$mport" "$p"; done \
  < "$work/hits.txt" > "$work/hits.cfg"
curl -s --no-progress-meter -Z --parallel-max 8 -K "$work/hits.cfg" -w '%{http_code}\n' 2>/dev/null \
  | sort | uniq -c | awk '{printf "%s%s x %s", s, $1, $2; s = ", "} END {print ""}' > "$work/fill.txt"
echo "hit paths filled: $(wc -l < "$work/hits.txt") paths, answers $(cat "$work/fill.txt")"
# Every user exists before the clock starts (a user's first request creates it).
while read -r t; do
  curl -fs -o /dev/null "http://127.0.0.1:$mport/api/watchlist?limit=1" -H "Authorization: Bearer $t"
done < "$work/tokens.txt"

# The reference: the generator alone, against a server that does nothing but answer.
curl -fs -o "$work/hit-body.json" "http://127.0.0.1:$mport$(head -1 "$work/hits.txt")"
bport=$(free_port)
"$build/tests/marquee_bare_qhttpserver" "$bport" "$work/hit-body.json" --path "$(head -1 "$work/hits.txt")" > "$work/bare.out" 2>&1 &
bpid=$!
wait_http "http://127.0.0.1:$bport$(head -1 "$work/hits.txt")" || { echo "bare QHttpServer did not start" >&2; exit 1; }
head -1 "$work/hits.txt" > "$work/ref-hits.txt"
python3 "$root/bench/soakload.py" --port "$bport" --rate "$rate" --seconds 10 --conns "$conns" --mix hit=1 \
  --hit-paths "$work/ref-hits.txt" --tokens "$work/tokens.txt" --report 100 > "$work/ref.out"
kill "$bpid" 2>/dev/null || true; wait "$bpid" 2>/dev/null || true; bpid=""
awk '/^kind / {printf "reference: the generator alone, 10 s at %s req/s against a bare QHttpServer: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", r, $6, $8, $10}
     /^total / {printf "  achieved %.1f req/s, errors %d\n", $9, $11}' r="$rate" "$work/ref.out"

# RSS every 10 s (and once at the start); every second, whether a compiler or a test binary
# (another engineer's build or test run on a shared machine) is running.
sample() {
  local t0 t i=0
  t0=$(now_ms)
  while kill -0 "$mpid" 2>/dev/null; do
    if [ $((i % 10)) -eq 0 ]; then
      t=$(now_ms)
      echo "$(( (t - t0) / 1000 )) $(rss_kb "$mpid") $(threads_of "$mpid")" >> "$work/rss.txt"
    fi
    { pgrep -x cc1plus || pgrep '^tst_'; } >/dev/null && echo "$i" >> "$work/busy.txt"
    i=$((i + 1))
    sleep 1
  done
}
: > "$work/busy.txt"
: > "$work/rss.txt"
sample &
spid=$!
calls0=$(calls)
ticks0=$(cpu_ticks "$mpid"); fticks0=$(cpu_ticks "$fpid"); m0=$(machine_ticks); t0=$(now_ms)
echo "soak: ${minutes} min at ${rate} req/s, mix $mix, $conns connections, MARQUEE_WORKERS=$workers, fake TMDB ${delay} ms"
echo "every 10 s (p99 in ms from the due time, of hits, reads and writes; misses left out):"
python3 "$root/bench/soakload.py" --port "$mport" --rate "$rate" --seconds "$secs" --conns "$conns" \
  --mix "$mix" --hit-paths "$work/hits.txt" --tokens "$work/tokens.txt" --report 10 \
  | tee "$work/load.out" | awk '/^at / {print "  " $0}'
ticks1=$(cpu_ticks "$mpid"); fticks1=$(cpu_ticks "$fpid"); m1=$(machine_ticks); t1=$(now_ms)
end_rss=$(rss_kb "$mpid")
kill "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; spid=""
alive=yes; kill -0 "$mpid" 2>/dev/null || alive="NO (it exited)"
health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/health" || true)

echo
echo "== resident set (sampled every 10 s)"
awk '{printf "%s%ds %.1f MB", (NR % 6 == 1 ? (NR > 1 ? "\n  " : "  ") : "  "), $1, $2 / 1024} END {print ""}' "$work/rss.txt"
awk -v e="$end_rss" 'NR == 1 {s = $2} {if ($2 > m) m = $2}
  END {if (e > m) m = e; printf "RSS start %.1f MB, end %.1f MB, max %.1f MB, growth %+.1f MB\n", s / 1024, e / 1024, m / 1024, (e - s) / 1024}' "$work/rss.txt"
echo "threads in the process: $(awk 'END {print $3}' "$work/rss.txt")"

echo
echo "== answers"
awk '/^status / {printf "  %-6s %-10s %8d%s\n", $2, $3, $4,
       (($2 == "write" && $3 == "201") || ($2 != "write" && $3 == "200") ? "" : "   <- error")}' "$work/load.out"
awk '/^kind / {printf "  %-6s %8d answered  latency from due time p50 %7.2f ms  p99 %8.2f ms  max %8.2f ms  (service p99 %.2f ms)\n", $2, $4, $6, $8, $10, $12}' "$work/load.out"
awk -v r="$(awk '/^kind / {print $8}' "$work/ref.out")" '/^kind hit / {printf "hit p99 %.2f ms against the generator'"'"'s own %.2f ms (bare QHttpServer): %.1fx\n", $8, r, $8 / r}' "$work/load.out"
awk '/^total / {printf "due %d, answered %d in %.1f s: achieved %.1f req/s (asked %s); errors %d; unanswered %d; largest backlog %d; load generator CPU %.1f s\n",
       $3, $5, $7, $9, r, $11, $13, $15, $17}' r="$rate" "$work/load.out"
echo "upstream calls during the run: $(( $(calls) - calls0 ))"
awk -v a="$ticks0" -v b="$ticks1" -v fa="$fticks0" -v fb="$fticks1" -v m0="$m0" -v m1="$m1" -v h="$clk_tck" \
    -v s="$(( t1 - t0 ))" -v g="$(awk '/^total / {print $17}' "$work/load.out")" 'BEGIN { s /= 1000
  others = ((m1 - m0) - (b - a) - (fb - fa)) / h - g; if (others < 0) others = 0
  printf "CPU, in cores: Marquee %.2f, load generator %.2f, fake TMDB %.2f, the rest of the machine %.2f (of 2)\n",
    (b - a) / h / s, g / s, (fb - fa) / h / s, others / s }'
echo "access log lines: $(cat "$work/access.count" 2>/dev/null || echo 0) (counted, not kept)"
echo "Marquee still running: $alive; GET /health: $health"
[ -s "$work/busy.txt" ] && echo "disturbed: a compiler or test ran during $(wc -l < "$work/busy.txt") of the run's seconds"
echo "Marquee's warnings and errors: $(grep -cE ' (WARNING|WARN|ERROR|CRITICAL|FATAL) ' "$work/marquee.log" || true)"
grep -E ' (WARNING|WARN|ERROR|CRITICAL|FATAL) ' "$work/marquee.log" | sed -E 's/^[^ ]+ //' | sort | uniq -c | sort -rn | head -10 | sed 's/^/  /' || true
errors=$(awk '/^total / {print $11 + $13}' "$work/load.out")
echo "errors (must be 0): ${errors:-unknown}"
