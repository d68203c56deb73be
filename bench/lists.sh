#!/usr/bin/env bash
# Authenticated watchlist reads and writes on SQLite and on PostgreSQL, with 1 and 2 workers
# (MARQUEE_WORKERS: event loops on one port; list reads run on the loop that took the connection,
# each loop on its own database connection; writes go to the primary loop's group commit on
# SQLite and to the database workers on PostgreSQL; 1 is the single event loop of before).
# Targets: SQLite (issue 5) >= 15k reads/s, >= 10k writes/s; PostgreSQL (issue 13) >= 8k reads/s,
# >= 4k writes/s, p99 under 20 ms, one server; issue 15 asks for the figures with 1 and 2 workers.
# A key pair is generated here, Marquee verifies the tokens with CLERK_JWT_KEY (no network); reads
# are GET /api/watchlist?limit=20 over one user's 20 stored items; writes are POST /api/watchlist
# with a new tmdbId each, round-robin over 256 users (every 201 is a committed row). Each backend
# and worker count gets a fresh database and a fresh server; the last lines say, per backend and
# worker count, whether its targets were met, and what more workers gave (ratio to the first
# worker count), and whether "database is locked" reached the log.
#   bench/lists.sh [seconds=5] [connections=64] [sqlite|postgresql|both=both] [workers="1 2"]
# (the third argument may also come from MARQUEE_BENCH_DB; `postgres` and `pg` are accepted; the
# fourth from MARQUEE_BENCH_WORKERS, e.g. "1" for one server with one event loop only).
# PostgreSQL: a throwaway PostgreSQL 15 cluster (Debian's postgresql package) is made here with
# initdb in a temporary folder, on a free loopback port, run as the postgres user when this runs
# as root, with the default durability settings (fsync, synchronous_commit and full_page_writes
# on: a 201 is a row on disk), and removed on exit. MARQUEE_BENCH_PG_OPTS adds server options for
# a diagnostic run, e.g. "-c log_statement=all" (its log is kept: MARQUEE_BENCH_KEEP_LOG=path).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-5}"; conns="${2:-64}"; which_db="${3:-${MARQUEE_BENCH_DB:-both}}"
workers="${4:-${MARQUEE_BENCH_WORKERS:-1 2}}"
case "$which_db" in
  sqlite) backends=(sqlite) ;;
  postgresql|postgres|pg) backends=(postgresql) ;;
  both|all) backends=(sqlite postgresql) ;;
  *) echo "usage: bench/lists.sh [seconds] [connections] [sqlite|postgresql|both] [workers]" >&2; exit 2 ;;
esac
for w in $workers; do
  [[ "$w" =~ ^[1-9][0-9]?$ ]] || { echo "bench/lists.sh: workers must be numbers from 1 to 99, not '$w'" >&2; exit 2; }
done
work="$(mktemp -d)"; mpid=""; pgdir=""; pgbin=""
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
bench_build marquee
as_pg=()
[ "$(id -u)" -eq 0 ] && as_pg=(runuser -u postgres --)
pg_stop() {
  [ -n "$pgdir" ] || return 0
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    (cd / && "${as_pg[@]}" env -u PGDATA -u PGHOST -u PGPORT "$pgbin/pg_ctl" -D "$pgdir/data" \
      -m fast -w -t 30 stop >/dev/null 2>&1) || true
  fi
  if [ -n "${MARQUEE_BENCH_KEEP_LOG:-}" ] && [ -f "$pgdir/server.log" ]; then
    cp "$pgdir/server.log" "$MARQUEE_BENCH_KEEP_LOG"
  fi
  rm -rf "$pgdir"; pgdir=""
}
marquee_stop() {
  [ -n "$mpid" ] || return 0
  kill "$mpid" 2>/dev/null || true
  wait "$mpid" 2>/dev/null || true
  mpid=""
}
cleanup() { marquee_stop; pg_stop; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The recipe of tests/support/pgcluster.cpp, without its fsync=off/synchronous_commit=off/
# full_page_writes=off (those are for tests only: a benchmark runs with real durability).
pg_start() {
  pgbin=""
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] && { pgbin="/usr/lib/postgresql/$v/bin"; break; }
  done
  [ -n "$pgbin" ] || { echo "PostgreSQL server binaries not found (install the Debian package postgresql)" >&2; return 1; }
  pgdir="$(mktemp -d /tmp/marquee-bench-pg-XXXXXX)"
  [ ${#as_pg[@]} -eq 0 ] || chown postgres: "$pgdir"
  (cd / && "${as_pg[@]}" env -u PGDATA -u PGHOST -u PGPORT "$pgbin/initdb" -D "$pgdir/data" \
    -A trust -U marquee -E UTF8 --no-locale --no-sync >"$work/initdb.log" 2>&1) \
    || { cat "$work/initdb.log" >&2; return 1; }
  local try
  for try in 1 2 3; do
    pgport=$(free_port)
    if (cd / && "${as_pg[@]}" env -u PGDATA -u PGHOST -u PGPORT "$pgbin/pg_ctl" -D "$pgdir/data" \
        -l "$pgdir/server.log" -w -t 30 \
        -o "-p $pgport -k '$pgdir' -c listen_addresses=127.0.0.1 ${MARQUEE_BENCH_PG_OPTS:-}" \
        start >/dev/null 2>&1); then
      env -u PGDATA -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE -u PGOPTIONS "$pgbin/psql" -X -q \
        -h 127.0.0.1 -p "$pgport" -U marquee -d postgres -v ON_ERROR_STOP=1 \
        -c 'CREATE DATABASE marquee OWNER marquee' >/dev/null
      return 0
    fi
    grep -qE 'could not bind|already in use' "$pgdir/server.log" 2>/dev/null || break
  done
  echo "PostgreSQL did not start:" >&2; tail -15 "$pgdir/server.log" >&2 || true
  return 1
}
pg_setting() {
  env -u PGOPTIONS "$pgbin/psql" -X -A -t -h 127.0.0.1 -p "$pgport" -U marquee -d marquee -c "SHOW $1"
}

bench_keys
token=$(make_token user_bench)
# Writes go round-robin to 256 users, so that no list reaches MARQUEE_LIST_MAX_ITEMS (5000) in a
# run (256 x 5000 rows) and each add's cap check counts a realistic list, not one ever-growing one.
writers=256
for i in $(seq 1 $writers); do make_token "user_w$i"; done > "$work/writers.txt"

{
  echo 'local tokens = {'
  sed 's/.*/  "&",/' "$work/writers.txt"
  echo '}'
  cat <<'LUA'
local counter = 1
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
function init(args) n = 0 end
request = function()
  n = n + 1
  local body = string.format('{"tmdbId":%d,"contentType":"movie","title":"Bench %d","posterPath":"/b.jpg","overview":"x","releaseDate":"2001-01-01","voteAverage":7.5}', tid * 10000000 + n, n)
  return wrk.format("POST", "/api/watchlist", {
    ["Authorization"] = "Bearer " .. tokens[(n + tid) % #tokens + 1],
    ["Content-Type"] = "application/json" }, body)
end
LUA
} > "$work/write.lua"

wrk_timed() { local TIMEFORMAT='%U %S'; { time wrk "$@" > "$work/wrk.out"; } 2> "$work/wrk.time"; }
# wrk, and whether it was disturbed: a compiler or a test binary (another engineer's build or test
# run on a shared machine) ran at any time during it, or the rest of the machine (everything but
# Marquee, its PostgreSQL and wrk: another engineer's benchmark, say) used more than 0.2 cores.
run() {
  rm -f "$work/busy"
  local measured=("$mpid") m0 m1 c0 c1 t0 t1
  [ -z "$pgdir" ] || [ ! -f "$pgdir/data/postmaster.pid" ] || {
    measured+=("$(head -1 "$pgdir/data/postmaster.pid")")
    mapfile -t -O ${#measured[@]} measured < <(pgrep -P "${measured[1]}")
  }
  c0=$(cpu_ticks "${measured[@]}"); m0=$(machine_ticks); t0=$(date +%s%3N)
  wrk_timed -t2 -c"$conns" -d"${secs}s" --latency "$@" &
  local wpid=$!
  while kill -0 "$wpid" 2>/dev/null; do
    { pgrep -x cc1plus || pgrep '^tst_'; } >/dev/null && touch "$work/busy"
    sleep 0.5
  done
  wait "$wpid"
  c1=$(cpu_ticks "${measured[@]}"); m1=$(machine_ticks); t1=$(date +%s%3N)
  others=$(awk -v c="$((c1 - c0))" -v m="$((m1 - m0))" -v h="$(getconf CLK_TCK)" -v s="$(( t1 - t0 ))e-3" \
    -v w="$(awk '{print $1 + $2}' "$work/wrk.time" | tail -1)" \
    'BEGIN {o = ((m - c) / h - w) / s; printf "%.2f", (o < 0 ? 0 : o)}')
  awk -v o="$others" 'BEGIN {exit !(o > 0.2)}' && touch "$work/busy"
  return 0
}
# Prints "<label> <req/s> req/s  p99 <p99> non-2xx <n>" to stderr and "<req/s> <p99 in ms>" to
# stdout.
summary() {
  local rps p99 p99ms non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$work/wrk.out")
  p99ms=$(awk '$1=="99%" { v=$2; u=v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                            f = (u=="us") ? 0.001 : (u=="s") ? 1000 : (u=="m") ? 60000 : 1;
                            printf "%.2f", v * f }' "$work/wrk.out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$work/wrk.out")
  printf '%-7s %10.0f req/s  p99 %-8s non-2xx %s%s\n' "$1" "$rps" "$p99" "${non2xx:-0}" \
    "$([ -f "$work/busy" ] && echo "  (disturbed: a compiler or test ran meanwhile, or others used $others cores)")" >&2
  echo "$rps $p99ms"
}

finals=()
others=0
: > "$work/figures"   # backend workers reads/s writes/s
bench_one() {
  local backend="$1" w="$2" url describe read_target write_target p99_target
  if [ "$backend" = sqlite ]; then
    url="sqlite://$work/m-w$w.db"; read_target=15000; write_target=10000; p99_target=""
    describe="SQLite WAL (synchronous=NORMAL)"
  else
    pg_start
    url="postgresql://marquee@127.0.0.1:$pgport/marquee"; read_target=8000; write_target=4000; p99_target=20
    describe="PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') (fsync=$(pg_setting fsync), synchronous_commit=$(pg_setting synchronous_commit), full_page_writes=$(pg_setting full_page_writes))"
  fi
  local port; port=$(free_port)
  PORT=$port DATABASE_URL="$url" CLERK_JWT_KEY="$(cat "$work/pub.pem")" ALLOWED_ORIGINS=http://localhost:5173 \
    RATE_LIMIT_GENERAL=0 LOG_LEVEL=info MARQUEE_WORKERS="$w" "$build/app/marquee" --headless \
    2>"$work/marquee-$backend-$w.log" &
  mpid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port/health" >/dev/null \
    || { echo "Marquee did not start on $backend:" >&2; tail -20 "$work/marquee-$backend-$w.log" >&2; exit 1; }
  [ -z "${MARQUEE_BENCH_PID_FILE:-}" ] || echo "$mpid" > "$MARQUEE_BENCH_PID_FILE"
  for i in $(seq 1 20); do
    curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/api/watchlist" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' \
      -d "{\"tmdbId\":$i,\"contentType\":\"movie\",\"title\":\"Title $i\",\"posterPath\":\"/p$i.jpg\",\"overview\":\"An overview of title $i.\",\"releaseDate\":\"1999-10-15\",\"voteAverage\":8.4}"
  done
  # The writers' accounts exist before the clock starts (a user's first request creates it).
  while read -r t; do
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/watchlist?limit=1" -H "Authorization: Bearer $t"
  done < "$work/writers.txt"

  echo "MARQUEE_WORKERS=$w, $describe, wrk -t2 -c$conns, ${secs}s each"
  local reads writes rows
  run -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/watchlist?limit=20"
  reads=$(summary reads)
  run -s "$work/write.lua" "http://127.0.0.1:$port"
  writes=$(summary writes)
  rows=0
  while read -r t; do
    n=$(curl -fs "http://127.0.0.1:$port/api/watchlist?limit=1" -H "Authorization: Bearer $t" | sed -E 's/.*"total":([0-9]+).*/\1/')
    rows=$((rows + n))
  done < "$work/writers.txt"
  echo "rows written: $rows (over $writers users)"
  local locked
  locked=$(grep -ci 'database is locked' "$work/marquee-$backend-$w.log" || true)
  [ "$locked" -eq 0 ] || echo "\"database is locked\" in Marquee's log: $locked lines"
  grep -qi 'event loop' "$work/marquee-$backend-$w.log" \
    || echo "(Marquee's log says nothing about its event loops: MARQUEE_WORKERS not in this build?)"
  marquee_stop
  [ "$backend" = sqlite ] || pg_stop
  echo "$backend $w ${reads% *} ${writes% *}" >> "$work/figures"
  finals+=("$(awk -v b="$backend, $w worker(s)" -v r="${reads% *}" -v rp="${reads#* }" -v w="${writes% *}" -v wp="${writes#* }" \
      -v rt="$read_target" -v wt="$write_target" -v pt="$p99_target" 'BEGIN {
    ok = (r >= rt && w >= wt && (pt == "" || (rp < pt && wp < pt)));
    printf "%-25s reads %6.0f/s (p99 %.1f ms), writes %6.0f/s (p99 %.1f ms); target reads >= %d, writes >= %d%s: %s\n",
      b ":", r, rp, w, wp, rt, wt, (pt == "" ? "" : ", p99 < " pt " ms"), (ok ? "met" : "NOT met") }')")
}

for b in "${backends[@]}"; do
  for w in $workers; do
    bench_one "$b" "$w"
    echo
  done
done
printf '%s\n' "${finals[@]}"
# What more workers gave: each worker count against the first one, same backend, same run.
awk 'first[$1] == "" {first[$1] = $2; r[$1] = $3; wr[$1] = $4; next}
     {printf "%-10s %d workers vs %d: reads %.2fx, writes %.2fx\n", $1 ":", $2, first[$1], $3 / r[$1], $4 / wr[$1]}' "$work/figures"
