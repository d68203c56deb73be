#!/usr/bin/env bash
# Cached catalogue answer: Marquee (full pipeline: access log, CORS, request id, ETag, security
# headers) against nginx serving the same body as a static file. Alternating wrk rounds on
# loopback; prints each round, the medians and the ratio Marquee/nginx.
#   bench/catalogue-hit.sh [rounds=3] [seconds=5] [connections=64]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"; secs="${2:-5}"; conns="${3:-64}"
build="${MARQUEE_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target marquee >/dev/null

work="$(mktemp -d)"
mport=18111; nport=18112
cleanup() { kill "$mpid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; sleep 0.2; rm -rf "$work"; }
trap cleanup EXIT

# Marquee on the demo catalogue: the answer comes from the in-memory cache layer.
env -u TMDB_API_KEY PORT=$mport DATABASE_URL="sqlite://$work/m.db" ALLOWED_ORIGINS=http://localhost:5173 \
  "$build/app/marquee" --headless 2>"$work/marquee.log" &
mpid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$mport/health" >/dev/null && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$mport/api/movies/trending" -o "$work/trending.json"
mkdir -p "$work/www/api/movies" && cp "$work/trending.json" "$work/www/api/movies/trending"

cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log $work/nginx-access.log;
  default_type application/json;
  etag on;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf"
sleep 0.3

run() { # url -> "rps p99ms"
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H 'Origin: http://localhost:5173' "$1" > "$work/wrk.out"
  local rps p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$work/wrk.out")
  echo "$rps $p99"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

bytes=$(wc -c < "$work/trending.json")
echo "body: $bytes bytes; $rounds alternating rounds of ${secs}s, wrk -t2 -c$conns"
: > "$work/m"; : > "$work/n"
for i in $(seq "$rounds"); do
  read -r mr mp < <(run "http://127.0.0.1:$mport/api/movies/trending")
  read -r nr np < <(run "http://127.0.0.1:$nport/api/movies/trending")
  printf 'round %d  marquee %10.0f req/s  p99 %6.2f ms   nginx %10.0f req/s  p99 %6.2f ms\n' "$i" "$mr" "$mp" "$nr" "$np"
  echo "$mr $mp" >> "$work/m"; echo "$nr $np" >> "$work/n"
done
mr=$(cut -d' ' -f1 "$work/m" | median); mp=$(cut -d' ' -f2 "$work/m" | median)
nr=$(cut -d' ' -f1 "$work/n" | median); np=$(cut -d' ' -f2 "$work/n" | median)
printf 'median   marquee %10.0f req/s  p99 %6.2f ms   nginx %10.0f req/s  p99 %6.2f ms\n' "$mr" "$mp" "$nr" "$np"
awk -v a="$mr" -v b="$nr" 'BEGIN {printf "ratio marquee/nginx: %.2fx (target >= 0.80x)\n", a/b}'
awk -v p="$mp" 'BEGIN {printf "marquee p99 %.2f ms (target < 3 ms): %s\n", p, (p < 3 ? "met" : "NOT met")}'
echo "marquee RSS after the run: $(awk '/VmRSS/ {print $2, $3}' /proc/$mpid/status)"
