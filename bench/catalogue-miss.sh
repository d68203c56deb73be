#!/usr/bin/env bash
# Catalogue misses against a slow fake TMDB (300 ms a request by default): every request asks for
# a title not yet cached, so each one needs an upstream call. Shows the sustained upstream rate
# (the shared throttle, MARQUEE_TMDB_RATE, default 40/s) and that QNetworkAccessManager's 6
# connections per host do not cap it.
#   bench/catalogue-miss.sh [seconds=10] [delay-ms=300] [rate=40] [connections=64]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-10}"; delay="${2:-300}"; rate="${3:-40}"; conns="${4:-64}"
build="${MARQUEE_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMARQUEE_BUILD_TESTS=ON >/dev/null
# One compiler at a time on a shared machine: the build lock, when flock exists.
if command -v flock >/dev/null; then
  flock "${MARQUEE_BUILD_LOCK:-/tmp/marquee-build.lock}" cmake --build "$build" -j2 --target marquee marquee_fake_tmdb >/dev/null
else
  cmake --build "$build" -j2 --target marquee marquee_fake_tmdb >/dev/null
fi

work="$(mktemp -d)"
key=0123456789abcdef0123456789abcdef
cleanup() { kill "$fpid" "$mpid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$build/tests/marquee_fake_tmdb" "$delay" "$key" > "$work/fake.out" &
fpid=$!
for _ in $(seq 50); do grep -q '^port' "$work/fake.out" 2>/dev/null && break; sleep 0.1; done
fport=$(awk '/^port/ {print $2}' "$work/fake.out")
mport=18113
PORT=$mport DATABASE_URL="sqlite://$work/m.db" TMDB_API_KEY=$key TMDB_BASE_URL="http://127.0.0.1:$fport/3" \
  MARQUEE_TMDB_RATE=$rate MARQUEE_TMDB_TIMEOUT=60s LOG_LEVEL=warning "$build/app/marquee" --headless 2>"$work/marquee.log" &
mpid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$mport/health" >/dev/null && break; sleep 0.1; done

cat > "$work/miss.lua" <<'LUA'
-- Each wrk thread asks for its own range of ids, so no request is a hit or joins another's call.
local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  n = 0
end
request = function()
  n = n + 1
  return wrk.format("GET", "/api/movies/" .. (tid * 1000000 + n) .. "/credits")
end
LUA
calls() { awk '/^calls/ {c=$2} END {print c+0}' "$work/fake.out"; }
before=$(calls)
start=$(date +%s.%N)
wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s -s "$work/miss.lua" "http://127.0.0.1:$mport" > "$work/wrk.out"
end=$(date +%s.%N)
sleep 1.2
after=$(calls)
echo "upstream delay ${delay} ms, throttle ${rate}/s, ${conns} clients, ${secs}s"
grep -E 'Requests/sec|requests in|Non-2xx|Socket errors' "$work/wrk.out" | sed 's/^ */  wrk: /'
awk -v a="$before" -v b="$after" -v s="$start" -v e="$end" -v r="$rate" 'BEGIN {
  rate = (b - a) / (e - s);
  printf "sustained upstream rate: %.1f calls/s (throttle %d/s; %.0f%% of it)\n", rate, r, 100 * rate / r }'
