#!/usr/bin/env bash
# Cached catalogue answer, three servers side by side, for each worker count W:
#   - Marquee, full pipeline (request id, CORS for an allowed Origin, security headers, rate-limit
#     headers, ETag/Cache-Control/X-Cache, access log), MARQUEE_WORKERS=W;
#   - a bare QHttpServer 6.4 route answering the same bytes with the same headers from memory,
#     nothing else (bench/bareqhttpserver.cpp), W threads on one port (SO_REUSEPORT);
#   - nginx (access log on) serving the same bytes as a static file, worker_processes W.
# The body is Marquee's own cached GET /api/movies/trending (demo catalogue).
# Two load setups, both measured in the same run (issue 15 asked why its figures and
# docs/performance.md's disagree): wrk with 1 thread and wrk with 2 threads, same connections.
# Rounds alternate between the servers (each round in another order); medians (of the undisturbed
# rounds when every server has some) are printed, with the ratios Marquee/bare and Marquee/nginx,
# p99s, the CPU each server and wrk used (in cores: wrk runs on the same 2 cores and takes
# 0.4-0.8 of them, so W=2 leaves a server ~1.2 cores, not 2), and the resident sets. A round is marked
# disturbed when a compiler or a test binary ran meanwhile or when the rest of the machine
# (/proc/stat less the server and wrk) used more than 0.2 cores: on a shared machine, rerun then.
#   bench/catalogue-hit.sh [rounds=3] [seconds=5] [connections=64] [workers="1 2"]
# Environment: MARQUEE_BENCH_WRK_THREADS (default "1 2"): the wrk setups to run;
# MARQUEE_BENCH_RATE_LIMIT (default 1000000, the highest RATE_LIMIT_GENERAL allowed): the rate
# limiter stays on (its headers are part of the pipeline), but every client on loopback is one
# client: past 1,000,000 requests a minute Marquee answers 429, which the rounds report
# (non-2xx) and which makes the figure worthless; 0 turns the tier (and its headers) off.
# MARQUEE_BENCH_NGINX_REUSEPORT=on: nginx's workers get a listening socket each (`listen ...
# reuseport`, as Marquee's workers and the bare server's threads have) instead of sharing one.
# MARQUEE_BUILD_DIR (default build/).
# Every server must answer 200 with the whole body before the rounds start (an earlier version of
# this script measured nginx's 403, its temporary folder unreadable to nginx's workers when run
# as root, and Marquee's 429s past RATE_LIMIT_GENERAL's 300 a minute).
# Targets (issue 15): Marquee >= 0.85x bare at W=1, p99 < 3 ms at 64 connections, >= 0.8x nginx
# at W=1 and W=2. Nothing here fails on a missed target: the figures are for reading.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"; secs="${2:-5}"; conns="${3:-64}"; workers="${4:-1 2}"
setups="${MARQUEE_BENCH_WRK_THREADS:-1 2}"
rate_limit="${MARQUEE_BENCH_RATE_LIMIT:-1000000}"
nginx_reuseport=""; [ "${MARQUEE_BENCH_NGINX_REUSEPORT:-off}" = on ] && nginx_reuseport=" reuseport"
origin=http://localhost:5173

work="$(mktemp -d)"
mpid=""; bpid=""
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
stop_servers() {
  [ -z "$mpid" ] || { kill "$mpid" 2>/dev/null || true; wait "$mpid" 2>/dev/null || true; mpid=""; }
  [ -z "$bpid" ] || { kill "$bpid" 2>/dev/null || true; wait "$bpid" 2>/dev/null || true; bpid=""; }
  if [ -f "$work/nginx.pid" ]; then
    kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$work/nginx.pid" ] || break; sleep 0.1; done
    rm -f "$work/nginx.pid"
  fi
}
cleanup() { stop_servers; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

bench_build marquee marquee_bare_qhttpserver

# wrk under bash's `time`: its own CPU (user + system seconds) lands in $work/wrk.time.
timed_wrk() {
  local TIMEFORMAT='%U %S'
  { time wrk "$@" > "$work/wrk.out" 2>&1; } 2> "$work/wrk.time"
}
# run <server pids...> -- <wrk threads> <url>: one round; prints
# "rps p99ms non2xx sockerr server-cores wrk-cores disturbed others-cores". Disturbed: a compiler
# or a test ran meanwhile, or the machine's other processes used more than 0.2 cores.
run() {
  local pids=()
  while [ "$1" != -- ]; do pids+=("$1"); shift; done
  shift
  local t="$1" url="$2" before after m0 m1 t0 t1
  before=$(cpu_ticks "${pids[@]}"); m0=$(machine_ticks); t0=$(now_ms)
  watch_busy timed_wrk -t"$t" -c"$conns" -d"${secs}s" --latency -H "Origin: $origin" "$url"
  after=$(cpu_ticks "${pids[@]}"); m1=$(machine_ticks); t1=$(now_ms)
  local wcpu
  wcpu=$(awk '{print $1 + $2}' "$work/wrk.time" | tail -1)
  echo "$(wrk_figures "$work/wrk.out") $(awk -v a="$before" -v b="$after" -v m0="$m0" -v m1="$m1" -v w="$wcpu" \
    -v h="$clk_tck" -v s="$(( t1 - t0 ))e-3" -v busy="$([ -f "$work/busy" ] && echo 1 || echo 0)" 'BEGIN {
      others = ((m1 - m0) - (b - a)) / h / s - w / s; if (others < 0) others = 0
      printf "%.2f %.2f %d %.2f", (b - a) / h / s, w / s, (busy || others > 0.2), others }')"
}

# nginx's workers run as another user when this runs as root: the body must be readable to them.
mkdir -p "$work/www/api/movies"; chmod 755 "$work" "$work/www" "$work/www/api" "$work/www/api/movies"
: > "$work/results"   # W setup server round rps p99 non2xx sockerr scpu wcpu disturbed others
: > "$work/rss"
url_path=/api/movies/trending
# Marquee with W workers on a new port; the first request fills the cache (MISS), the second is
# the hit every round measures: its body and header lines are what the other two servers answer.
# With the rate limiter on, Marquee is started afresh before each of its rounds: every request
# here comes from one client, and a process that served 1,000,000 of them in a minute answers 429
# (at 50,000 req/s, within four 5 s rounds).
start_marquee() {
  [ -z "$mpid" ] || { kill "$mpid" 2>/dev/null || true; wait "$mpid" 2>/dev/null || true; mpid=""; }
  mport=$(free_port)
  env -u TMDB_API_KEY PORT="$mport" DATABASE_URL="sqlite://$work/m$W.db" ALLOWED_ORIGINS="$origin" \
    RATE_LIMIT_GENERAL="$rate_limit" MARQUEE_WORKERS="$W" MARQUEE_WARMUP=off \
    "$build/app/marquee" --headless 2>>"$work/marquee-$W.log" &
  mpid=$!
  wait_http "http://127.0.0.1:$mport/health" \
    || { echo "Marquee did not start:" >&2; tail -20 "$work/marquee-$W.log" >&2; exit 1; }
  curl -fs -o /dev/null -H "Origin: $origin" "http://127.0.0.1:$mport$url_path"
  curl -fs -D "$work/hit-headers-$W.txt" -o "$work/body-$W.json" -H "Origin: $origin" "http://127.0.0.1:$mport$url_path"
}
for W in $workers; do
  start_marquee
  tr -d '\r' < "$work/hit-headers-$W.txt" > "$work/hit-headers.txt"
  if [ ! -f "$work/www/api/movies/trending" ]; then
    install -m 644 "$work/body-$W.json" "$work/www/api/movies/trending"
    bytes=$(wc -c < "$work/body-$W.json")
    echo "body: $bytes bytes (Marquee's cached GET $url_path, demo catalogue); the bare server answers it with Marquee's header lines:"
    awk -F: 'NR > 1 && NF > 1 {printf "%s%s", sep, $1; sep = ", "} END {print ""}' "$work/hit-headers.txt" | fold -s -w 96 | sed 's/^/  /'
  elif ! cmp -s "$work/body-$W.json" "$work/www/api/movies/trending"; then
    echo "note: Marquee with $W workers answered another body than with the first worker count" >&2
  fi
  grep -qi '^x-cache: *HIT' "$work/hit-headers.txt" || echo "note: the second request was not an X-Cache: HIT" >&2

  bport=$(free_port)
  "$build/tests/marquee_bare_qhttpserver" "$bport" "$work/www/api/movies/trending" --threads "$W" \
    --headers "$work/hit-headers.txt" > "$work/bare.out" 2>&1 &
  bpid=$!
  wait_http "http://127.0.0.1:$bport$url_path" || { echo "bare QHttpServer did not start:" >&2; cat "$work/bare.out" >&2; exit 1; }

  nport=$(free_port)
  cat > "$work/nginx.conf" <<NGINX
worker_processes $W;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log $work/nginx-access.log;
  default_type application/json;
  etag on;
  server { listen 127.0.0.1:$nport$nginx_reuseport; root $work/www; }
}
NGINX
  nginx -c "$work/nginx.conf"
  wait_http "http://127.0.0.1:$nport$url_path" || { echo "nginx did not start:" >&2; tail -5 "$work/nginx-error.log" >&2; exit 1; }
  npids=("$(cat "$work/nginx.pid")")
  mapfile -t -O 1 npids < <(pgrep -P "${npids[0]}")

  # Every server answers 200 with the whole body before any round: a 403 (nginx unable to read
  # the file) or a 429 (the rate limiter) is small and fast, and would be measured instead.
  for u in "$mport" "$bport" "$nport"; do
    got=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Origin: $origin" "http://127.0.0.1:$u$url_path")
    [ "$got" = "200 $bytes" ] || { echo "port $u answered '$got', not '200 $bytes'" >&2; exit 1; }
  done
  threads_before=$(threads_of "$mpid")
  echo
  echo "== $W worker(s): Marquee MARQUEE_WORKERS=$W ($threads_before threads in the process), bare QHttpServer --threads $W, nginx worker_processes $W"
  for t in $setups; do
    echo "-- wrk -t$t -c$conns, $rounds alternating rounds of ${secs}s"
    for i in $(seq "$rounds"); do
      order=(m b n); [ $((i % 3)) -eq 2 ] && order=(b n m); [ $((i % 3)) -eq 0 ] && order=(n m b)
      line="round $i"
      for s in "${order[@]}"; do
        case $s in
          m) [ "$rate_limit" -eq 0 ] || start_marquee
             r=$(run "$mpid" -- "$t" "http://127.0.0.1:$mport$url_path"); name=marquee ;;
          b) r=$(run "$bpid" -- "$t" "http://127.0.0.1:$bport$url_path"); name=bare ;;
          n) r=$(run "${npids[@]}" -- "$t" "http://127.0.0.1:$nport$url_path"); name=nginx ;;
        esac
        echo "$W $t $name $i $r" >> "$work/results"
        line+=$(echo "$name $r" | awk '{printf "  %s %7.0f req/s p99 %6.2f ms cpu %.2f wrk %.2f%s%s", $1, $2, $3, $6, $7,
                 ($4 + $5 > 0 ? " !! " $4 " non-2xx, " $5 " socket errors" : ""), ($8 ? " (disturbed: others " $9 ")" : "")}')
      done
      echo "$line"
    done
  done
  echo "$W $(rss_kb "$mpid") $(rss_kb "$bpid") $(rss_kb "${npids[@]}") $(threads_of "$mpid")" >> "$work/rss"
  if grep -qi 'event loop' "$work/marquee-$W.log"; then
    echo "Marquee's log on its event loops:"; grep -i 'event loop' "$work/marquee-$W.log" | head -3 | sed 's/^/  /'
  else
    echo "Marquee's log says nothing about its event loops (MARQUEE_WORKERS not in this build?)"
  fi
  stop_servers
done

# Medians per (W, setup, server) and the table.
sel() { # W setup server column clean|all: that column of the matching (undisturbed) rounds
  awk -v w="$1" -v t="$2" -v s="$3" -v c="$4" -v only="$5" \
    '$1 == w && $2 == t && $3 == s && (only == "all" || !$11) {print $c}' "$work/results"
}
clean() { # W setup server: how many of its rounds were undisturbed
  awk -v w="$1" -v t="$2" -v s="$3" '$1 == w && $2 == t && $3 == s && !$11 {n++} END {print n + 0}' "$work/results"
}
sum() { awk '{n += $1} END {print n + 0}'; }
: > "$work/medians"
echo
echo "== medians of the undisturbed rounds, or of all when a server had none (req/s, p99 ms; cpu: cores the server used, wrk: cores wrk used; 2 cores in all)"
for t in $setups; do
  echo "-- wrk -t$t -c$conns"
  printf '%-3s %-22s %-22s %-22s %-8s %-8s %-8s\n' W marquee bare nginx M/bare M/nginx bare/ng
  for W in $workers; do
    # The undisturbed rounds when every server has some (a ratio of a quiet round to a disturbed
    # one means nothing), else every round, and the figures say so.
    only=clean
    for s in marquee bare nginx; do [ "$(clean "$W" "$t" "$s")" -gt 0 ] || only=all; done
    row=()
    for s in marquee bare nginx; do
      row+=("$(sel "$W" "$t" "$s" 5 "$only" | median) $(sel "$W" "$t" "$s" 6 "$only" | median) $(sel "$W" "$t" "$s" 9 "$only" | median) $(sel "$W" "$t" "$s" 10 "$only" | median) $(sel "$W" "$t" "$s" 7 "$only" | sum) $(clean "$W" "$t" "$s")")
    done
    echo "$W ${row[0]} ${row[1]} ${row[2]}" | awk '{
      printf "%-3s %7.0f %6.2f ms %3.1f/%3.1f %7.0f %6.2f ms %3.1f/%3.1f %7.0f %6.2f ms %3.1f/%3.1f %-8s %-8s %-8s%s%s\n",
        $1, $2, $3, $4, $5, $8, $9, $10, $11, $14, $15, $16, $17,
        sprintf("%.2fx", $2 / $8), sprintf("%.2fx", $2 / $14), sprintf("%.2fx", $8 / $14),
        ($6 + $12 + $18 > 0 ? "  !! non-2xx answers in some rounds: not a valid figure" : ""),
        sprintf("  undisturbed rounds %d/%d/%d%s", $7, $13, $19, ($7 * $13 * $19 == 0 ? ": medians of all rounds, DISTURBED" : "")) }'
    echo "$W $t $(echo "${row[0]}" | cut -d' ' -f1,2) $(echo "${row[1]}" | cut -d' ' -f1) $(echo "${row[2]}" | cut -d' ' -f1) $only" >> "$work/medians"
  done
  echo "   (each server column: req/s, p99, cpu/wrk cores)"
done

echo
echo "== targets (issue 15), per wrk setup"
awk -v c="$conns" '{
  w = $1; t = $2; m = $3; p = $4; b = $5; n = $6; d = ($7 == "all" ? "; from disturbed rounds: rerun" : "")
  if (w == 1) printf "wrk -t%s: W=1 Marquee/bare %.2fx (target >= 0.85x: %s%s)\n", t, m / b, (m / b >= 0.85 ? "met" : "NOT met"), d;
  printf "wrk -t%s: W=%s Marquee/nginx %.2fx (target >= 0.80x: %s%s)\n", t, w, m / n, (m / n >= 0.8 ? "met" : "NOT met"), d;
  if (c == 64) printf "wrk -t%s: W=%s Marquee p99 %.2f ms at 64 connections (target < 3 ms: %s%s)\n", t, w, p, (p < 3 ? "met" : "NOT met"), d;
}' "$work/medians"

echo
echo "== resident sets after each worker count's rounds (Marquee's: after its last round)"
awk '{printf "W=%s: Marquee %.1f MB (%d threads), bare QHttpServer %.1f MB, nginx (master + workers) %.1f MB\n", $1, $2 / 1024, $5, $3 / 1024, $4 / 1024}' "$work/rss"
