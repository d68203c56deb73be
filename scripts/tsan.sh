#!/usr/bin/env bash
# The tests of code that runs on more than one thread, built with ThreadSanitizer in their own
# build folder (CI runs it after the tests). Only these targets are compiled. Qt itself is not
# instrumented: tests/tsan.supp names the reports that lie entirely inside Qt's libraries; a race
# with a frame of ours fails the run.
# Usage: scripts/tsan.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARQUEE_TSAN_BUILD_DIR:-$root/build-tsan}"
tests=(tst_serverthread)

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
for t in "${tests[@]}"; do
  echo "tsan: $t"
  "$build/tests/$t" -silent
done
echo "tsan: ${#tests[@]} test program(s) clean"
