#!/usr/bin/env bash
# A bounded fuzz run (CI runs it after the tests): builds only the `marquee` binary with
# AddressSanitizer and UndefinedBehaviorSanitizer in its own build folder, then throws random and
# malformed HTTP at it for FUZZ_SECONDS (default 60) with /health checked throughout.
# Fails on any sanitizer report, a failed health check, a crash or an unclean exit.
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${MARQUEE_ASAN_BUILD_DIR:-$root/build-asan}"
seconds="${1:-${FUZZ_SECONDS:-60}}"

"$root/scripts/setup.sh" fuzz
# -O1 -g1: quick to compile, still good stack traces in sanitizer reports.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DMARQUEE_BUILD_TESTS=OFF -DMARQUEE_BUILD_UI=OFF -DMARQUEE_SANITIZE=address,undefined >/dev/null
cmake --build "$build" -j "${MARQUEE_JOBS:-2}" --target marquee
exec python3 "$root/tests/fuzz/httpfuzz.py" --binary "$build/app/marquee" --seconds "$seconds"
