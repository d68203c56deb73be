#!/usr/bin/env bash
# Authenticated watchlist reads and writes on one event loop (issue 5 targets: >= 15k reads/s,
# >= 10k writes/s). A key pair is generated here, Marquee verifies the token with CLERK_JWT_KEY
# (no network); reads are GET /api/watchlist?limit=20 over 20 stored items; writes are
# POST /api/watchlist with a new tmdbId each (every 201 is a committed row).
#   bench/lists.sh [seconds=5] [connections=64]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-5}"; conns="${2:-64}"
build="${MARQUEE_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh" bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target marquee >/dev/null

work="$(mktemp -d)"; port=18114
cleanup() { kill "$mpid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/pub.pem"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
payload=$(printf '{"sub":"user_bench","azp":"http://localhost:5173","sid":"sess_bench","iat":%d,"nbf":%d,"exp":%d}' "$now" "$now" $((now + 3600)) | b64url)
sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/key.pem" -binary | b64url)
token="$header.$payload.$sig"

PORT=$port DATABASE_URL="sqlite://$work/m.db" CLERK_JWT_KEY="$(cat "$work/pub.pem")" ALLOWED_ORIGINS=http://localhost:5173 \
  RATE_LIMIT_GENERAL=0 LOG_LEVEL=info "$build/app/marquee" --headless 2>"$work/marquee.log" &
mpid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
for i in $(seq 1 20); do
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/watchlist" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"tmdbId\":$i,\"contentType\":\"movie\",\"title\":\"Title $i\",\"posterPath\":\"/p$i.jpg\",\"overview\":\"An overview of title $i.\",\"releaseDate\":\"1999-10-15\",\"voteAverage\":8.4}"
done

cat > "$work/write.lua" <<'LUA'
local counter = 1
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) n = 0 end
request = function()
  n = n + 1
  local body = string.format('{"tmdbId":%d,"contentType":"movie","title":"Bench %d","posterPath":"/b.jpg","overview":"x","releaseDate":"2001-01-01","voteAverage":7.5}', tid * 10000000 + n, n)
  return wrk.format("POST", "/api/watchlist", nil, body)
end
LUA
run() { wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $token" "$@" > "$work/wrk.out"; }
summary() {
  local rps p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk.out")
  printf '%-7s %10.0f req/s  p99 %-8s non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps"
}
echo "one event loop, SQLite WAL, wrk -t2 -c$conns, ${secs}s each"
run "http://127.0.0.1:$port/api/watchlist?limit=20"
reads=$(summary reads | tee /dev/stderr | tail -1)
run -H 'Content-Type: application/json' -s "$work/write.lua" "http://127.0.0.1:$port"
writes=$(summary writes | tee /dev/stderr | tail -1)
rows=$(curl -fs "http://127.0.0.1:$port/api/watchlist?limit=1" -H "Authorization: Bearer $token" | sed -E 's/.*"total":([0-9]+).*/\1/')
echo "rows stored: $rows"
awk -v r="$reads" -v w="$writes" 'BEGIN { printf "reads %s (target 15000), writes %s (target 10000)\n", (r >= 15000 ? "met" : "NOT met"), (w >= 10000 ? "met" : "NOT met") }'
