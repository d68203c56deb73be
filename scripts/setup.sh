#!/usr/bin/env bash
# Installs the Debian 12 packages Marquee needs to build, run and test, when they are missing.
# Usage: scripts/setup.sh [build|test|bench|fuzz|package]   (default: build)
set -euo pipefail

want=(cmake g++ ninja-build pkg-config
      qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql
      qt6-l10n-tools qt6-tools-dev qt6-tools-dev-tools qt6-base-dev-tools libssl-dev
      libqt6svg6 qt6-translations-l10n)
# libqt6svg6: the SVG icon engine the window and tray draw the application icon with;
# qt6-translations-l10n: Qt's own strings (dialog buttons) in the window's languages.
case "${1:-build}" in
  # postgresql: Debian 12's PostgreSQL 15 server, for tst_postgres (it runs a throwaway cluster
  # of its own on a free port; the default cluster the package may start is left alone).
  # xvfb, xauth: the admin window shown on a real X server (scripts/screenshots.sh).
  # chromium: the headless browser tests/web/client.test.mjs drives (through playwright-core).
  test)  want+=(openssl postgresql xvfb xauth chromium) ;;
  # postgresql: bench/lists.sh runs a throwaway PostgreSQL 15 cluster of its own, as the tests do.
  # sqlite3: bench/warmup.sh counts the server's cache rows; python3: bench/soakload.py.
  bench) want+=(wrk nginx-light curl openssl postgresql sqlite3 python3) ;;
  fuzz)  want+=(python3) ;;
  # packaging/test-package.sh: the package's checkers, and what it runs the package with.
  package) want+=(dpkg-dev lintian appstream desktop-file-utils man-db systemd util-linux
                  binutils curl) ;;
esac

# The OpenAPI check runs on Node; a machine that already has node and npm (from any source)
# keeps them, otherwise Debian's packages are installed.
if [ "${1:-build}" = test ] && ! { command -v node >/dev/null && command -v npm >/dev/null; }; then
  want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
