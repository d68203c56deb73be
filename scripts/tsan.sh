#!/usr/bin/env bash
# The tests of code that runs on more than one thread, built with ThreadSanitizer in their own
# build folder (CI runs it after the tests). Only these targets are compiled. Qt itself is not
# instrumented: tests/tsan.supp names the reports that lie entirely inside Qt's libraries; a race
# with a frame of ours fails the run.
# Usage: scripts/tsan.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARQUEE_TSAN_BUILD_DIR:-$root/build-tsan}"
tests=(tst_serverthread tst_pipeline tst_catalogue tst_lists tst_auth tst_ratelimits)

"$root/scripts/setup.sh" test
# -O1 -g1: quick to compile, still good stack traces in reports.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DMARQUEE_BUILD_TESTS=ON -DMARQUEE_BUILD_UI=OFF -DMARQUEE_SANITIZE=thread >/dev/null
cmake --build "$build" -j "${MARQUEE_JOBS:-2}" --target "${tests[@]}"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/tsan.supp"
export QT_QPA_PLATFORM=offscreen
# As `marquee` runs (app/main.cpp): the plain Unix event dispatcher, not glib's.
export QT_NO_GLIB=1
# With four event loops (MARQUEE_WORKERS): requests on other threads than the primary one, the
# catalogue's memory layer, statistics, rate limiter and connection caps shared between them.
for t in "${tests[@]}"; do
  echo "tsan: $t (4 event loops)"
  MARQUEE_TEST_WORKERS=4 "$build/tests/$t" -silent
done
# PostgreSQL (a throwaway cluster, as the *_postgresql tests make): list reads on every loop's
# own connection, list writes on the database workers, a shared database's session re-reads.
pg_tests=(tst_lists tst_auth)
for t in "${pg_tests[@]}"; do
  echo "tsan: $t (4 event loops, PostgreSQL)"
  # The test starts its cluster (initdb, pg_ctl) with QProcess once threads run: fork + exec.
  TSAN_OPTIONS="$TSAN_OPTIONS die_after_fork=0" MARQUEE_TEST_WORKERS=4 \
    MARQUEE_TEST_DATABASE=postgresql "$build/tests/$t" -silent
done
echo "tsan: ${#tests[@]} test program(s) clean, ${#pg_tests[@]} of them on PostgreSQL too"

# This folder is also the headless build (-DMARQUEE_BUILD_UI=OFF): `marquee` built without the
# window's module, started with a display in its environment, says it runs headless, serves, and
# stops on SIGTERM with exit 0 (instrumented as well: no race on the way).
cmake --build "$build" -j "${MARQUEE_JOBS:-2}" --target marquee
smoke="$(mktemp -d)"
trap 'rm -rf "$smoke"' EXIT
env -u QT_QPA_PLATFORM DISPLAY=:99 "$build/app/marquee" --port 0 \
  --database-url "sqlite://$smoke/marquee.db" 2>"$smoke/stderr" &
pid=$!
for _ in $(seq 200); do grep -q "listening on" "$smoke/stderr" && break; sleep 0.1; done
port="$(grep -o 'listening on http://[^ ]*' "$smoke/stderr" | sed 's/.*://')"
fail() { echo "headless build: $1" >&2; cat "$smoke/stderr" >&2; kill -9 $pid 2>/dev/null; exit 1; }
[ -n "$port" ] || fail "did not listen"
grep -q "running headless" "$smoke/stderr" || fail "did not say it runs headless"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
head -1 <&3 | grep -q " 200 " || fail "/health did not answer 200"
exec 3<&-
kill -TERM $pid
code=0
wait $pid || code=$?
[ $code -eq 0 ] || fail "exit code $code after SIGTERM"
echo "headless build: serves, exits 0 on SIGTERM"
