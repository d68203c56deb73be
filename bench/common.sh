# Helpers shared by the bench/*.sh scripts; sourced, never run.
# Expects $root (the source tree) and $work (the run's temporary folder) to be set.
# shellcheck shell=bash disable=SC2034,SC2154

build="${MARQUEE_BUILD_DIR:-$root/build}"

# Configures the build folder (tests on: the benchmark helpers live in tests/CMakeLists.txt) and
# builds the given targets. One compiler at a time on a shared machine: the build lock, when flock
# exists (the lock /work/wt/build.sh and bench/lists.sh take).
bench_build() {
  "$root/scripts/setup.sh" bench
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMARQUEE_BUILD_TESTS=ON >/dev/null
  if command -v flock >/dev/null; then
    flock "${MARQUEE_BUILD_LOCK:-/tmp/marquee-build.lock}" cmake --build "$build" -j2 --target "$@" >/dev/null
  else
    cmake --build "$build" -j2 --target "$@" >/dev/null
  fi
}

# A loopback port nothing listens on (bash's /dev/tcp: a refused connection means free), below
# Linux's ephemeral range (32768-60999), where a client socket of this run (wrk's, the database
# connection's) may hold the port without listening and make the server's bind fail.
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  echo "no free loopback port" >&2; return 1
}

# Waits until the URL answers 2xx (10 s at most); returns 1 when it never did.
wait_http() {
  for _ in $(seq 100); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  return 1
}

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }

# CPU time (user + system, in clock ticks, all threads) of the given processes, summed.
cpu_ticks() {
  local p t=0 v
  for p in "$@"; do
    v=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null) || v=0
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
clk_tck=$(getconf CLK_TCK)

# CPU time (clock ticks) the whole machine spent busy so far, every process and the hypervisor's
# steal included: what a measured process did not use of it went to others (another engineer's
# build, test or benchmark on a shared machine).
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# Resident set (kB) of the given processes, summed.
rss_kb() {
  local p t=0 v
  for p in "$@"; do
    v=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null) || v=0
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

# "rps p99-in-ms non-2xx/3xx socket-errors" of a `wrk --latency` output file.
wrk_figures() {
  awk '/^Requests\/sec/ {rps = $2}
       $1 == "99%" { v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                     p99 = v * ((u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1) }
       /Non-2xx or 3xx/ {bad = $5}
       /Socket errors/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
       END { printf "%s %.3f %d %d\n", rps, p99, bad, err }' "$1"
}

# Median of the numbers on standard input (one a line; the lower middle of an even count).
median() { sort -g | awk '{a[NR] = $1} END {print (NR ? a[int((NR + 1) / 2)] : 0)}'; }

# Runs a command while watching for a compiler or a test binary (another engineer's build or
# test run on a shared machine); creates $work/busy when one ran at any time during it.
watch_busy() {
  rm -f "$work/busy"
  "$@" &
  local cpid=$!
  while kill -0 "$cpid" 2>/dev/null; do
    { pgrep -x cc1plus || pgrep '^tst_'; } >/dev/null && touch "$work/busy"
    sleep 0.5
  done
  wait "$cpid"
}
busy_note() { if [ -f "$work/busy" ]; then echo " (disturbed: a compiler or test ran meanwhile)"; fi; }

# Threads of a process.
threads_of() { awk '/^Threads/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# A key pair for this run ($work/key.pem, $work/pub.pem: Marquee's CLERK_JWT_KEY), then
# make_token <user id> [lifetime in s, default 3600] prints an RS256 token of that user (session
# sess_<user id>) as Clerk would sign it.
bench_keys() {
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
  openssl pkey -in "$work/key.pem" -pubout -out "$work/pub.pem"
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
make_token() {
  local header payload sig now
  now=$(date +%s)
  header=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
  payload=$(printf '{"sub":"%s","azp":"http://localhost:5173","sid":"sess_%s","iat":%d,"nbf":%d,"exp":%d}' \
    "$1" "$1" "$now" "$now" $((now + ${2:-3600})) | b64url)
  sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$work/key.pem" -binary | b64url)
  echo "$header.$payload.$sig"
}
