#!/usr/bin/env bash
# The README's two commands:
#   scripts/dev.sh run  [marquee flags...]   install what is missing, build, start the server
#   scripts/dev.sh test [ctest flags...]     install what is missing, build, run every test
#   scripts/dev.sh package                   build the .deb and .tar.gz into build/packages
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"; shift || true
build="${MARQUEE_BUILD_DIR:-$root/build}"
jobs="${MARQUEE_JOBS:-2}"

configure_and_build() {
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$build" -j "$jobs"
}

case "$cmd" in
  run)
    "$root/scripts/setup.sh" build
    configure_and_build -DMARQUEE_BUILD_TESTS=OFF
    exec "$build/app/marquee" "$@"
    ;;
  test)
    "$root/scripts/setup.sh" test
    # npm packages of the OpenAPI check and the browser test, exactly as locked (skipped when
    # already in place).
    if [ ! -f "$root/scripts/node_modules/.package-lock.json" ] \
       || [ "$root/scripts/package-lock.json" -nt "$root/scripts/node_modules/.package-lock.json" ]; then
      npm ci --prefix "$root/scripts" --no-audit --no-fund --loglevel=error
    fi
    configure_and_build -DMARQUEE_BUILD_TESTS=ON
    cd "$build"
    exec ctest --output-on-failure -j "$jobs" "$@"
    ;;
  package)
    "$root/scripts/setup.sh" build
    "$root/scripts/setup.sh" package
    configure_and_build
    (cd "$build" && cpack)
    ls -l "$build"/packages/*.deb "$build"/packages/*.tar.gz
    ;;
  *)
    echo "usage: scripts/dev.sh run [marquee flags] | test [ctest flags] | package" >&2
    exit 2
    ;;
esac
