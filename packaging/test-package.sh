#!/usr/bin/env bash
# Builds the packages and checks them as a Debian user would meet them (CI runs it; so can you):
#   packaging/test-package.sh [build-folder]        (default: build, as scripts/dev.sh makes it)
# 1. cpack: marquee_<version>_<arch>.deb and marquee-<version>-Linux.tar.gz in <build>/packages
# 2. lintian: no error; every warning left is named and justified in packaging/README.md
# 3. the file list is packaging/files.txt, and the .tar.gz holds the same tree
# 4. the package extracted into a temporary root: its binary starts with the shipped
#    marquee.env, /health answers, SIGTERM exits 0
# 5. the unit: systemd-analyze verify, and security --offline (exposure below 2.5); its
#    ExecStart run by hand as a dynamic user would run it (an unknown uid, a fresh state folder)
# 6. the manual page names every command, option and variable --help does, without warnings;
#    the desktop entry and the AppStream metadata validate
# 7. as root (CI): apt-get install ./marquee_*.deb, `marquee --version` from PATH, remove (the
#    configuration stays), purge (it and /var/lib/marquee go), the machine as it was
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
"$root/scripts/setup.sh" package

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work" # the dynamic user below must reach the extracted binary
step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

step "building the packages"
cmake --build "$build" -j "${MARQUEE_JOBS:-2}" >/dev/null
rm -rf "$build/packages"
(cd "$build" && cpack >/dev/null)
version="$(sed -n 's/^#define MARQUEE_VERSION "\(.*\)"/\1/p' "$build/server/generated/config/version.h")"
arch="$(dpkg --print-architecture)"
deb="$build/packages/marquee_${version}_${arch}.deb"
tgz="$build/packages/marquee-${version}-Linux.tar.gz"
[ -f "$deb" ] && [ -f "$tgz" ] || fail "cpack did not write $deb and $tgz"
git -C "$root" status --porcelain --ignored 2>/dev/null | grep -E '\.(deb|tar\.gz)$|_CPack_Packages' \
  && fail "cpack wrote into the source tree"
ls -l "$deb" "$tgz"
dpkg-deb -f "$deb" Package Version Architecture Section Depends Recommends

step "lintian"
lintian_out="$work/lintian.txt"
lintian_code=0
lintian --pedantic --info --fail-on error "$deb" >"$work/lintian.raw" 2>&1 || lintian_code=$?
# Root is how CI runs; lintian's remark about it is not about the package.
grep -v 'running with root privileges' "$work/lintian.raw" >"$lintian_out" || true
grep -v "^N:" "$lintian_out" || true # --info explanations stay in the raw report
[ "$lintian_code" -eq 0 ] && ! grep -q '^E:' "$lintian_out" || fail "lintian found errors"
for tag in $(sed -n 's/^W: marquee: \([a-z0-9-]*\).*/\1/p' "$lintian_out" | sort -u); do
  grep -q "\`$tag\`" "$root/packaging/README.md" \
    || fail "lintian warning $tag is not justified in packaging/README.md"
done
echo "lintian: no errors; $(grep -c '^W:' "$lintian_out" || true) warning(s), each justified"

step "file list"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||; s|/$||' | grep -v '^$' | sort >"$work/deb-files"
diff -u "$root/packaging/files.txt" "$work/deb-files" \
  || fail "the package's files differ from packaging/files.txt (update it if that is intended)"
tar -tzf "$tgz" | sed 's|^[^/]*/||; s|/$||' | grep -v '^$' | sort >"$work/tgz-files"
sed 's|^usr/||; s|^usr$||' "$work/deb-files" | grep -v '^$' | sort >"$work/deb-as-tgz"
diff -u "$work/deb-as-tgz" "$work/tgz-files" || fail "the .tar.gz does not lay out the .deb's tree"
extracted="$work/root"
dpkg-deb -x "$deb" "$extracted"
for f in usr/bin/marquee usr/lib/marquee/libmarquee-ui.so; do
  readelf -S "$extracted/$f" | grep -qE '\.(symtab|debug_info)' && fail "$f is not stripped"
done
[ "$(stat -c %a "$extracted/etc/marquee/marquee.env")" = 640 ] || fail "marquee.env is not 0640"
echo "files as listed; binaries stripped; marquee.env 0640; the .tar.gz has the same tree"

# Starts `"$@"` in folder $2, in the background with its log in $work/$1.log, waits for the
# address it listens on, checks /health, stops it with SIGTERM and checks the exit code is 0.
run_and_stop() {
  local name="$1" dir="$2"; shift 2
  local log="$work/$name.log"
  (cd "$dir" && exec "$@") >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local url=""
  for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)"
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$name exited before listening"; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log"; fail "$name never said where it listens"; }
  local health
  health="$(curl -fsS --max-time 5 "$url/health")" || { cat "$log"; fail "$name: /health failed"; }
  echo "$name: $url/health -> $health"
  echo "$health" | grep -q "\"version\":\"$version\"" || fail "$name: /health has no version"
  kill -TERM "$pid"
  local code=0
  wait "$pid" || code=$?
  [ "$code" -eq 0 ] || { cat "$log"; fail "$name: exit code $code after SIGTERM (want 0)"; }
  echo "$name: SIGTERM -> exit 0"
}

# The environment systemd gives the service: the variables of the EnvironmentFile (NAME=VALUE
# lines; the shipped one has none uncommented) and the unit's Environment= lines.
service_env() {
  local unit="$1" envfile="$2"
  sed -n 's/^Environment=//p' "$unit"
  grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$envfile" || true
}

step "the extracted binary, with the shipped marquee.env"
"$extracted/usr/bin/marquee" --version | grep -qx "marquee $version (Qt .*)" \
  || fail "--version does not say $version"
mkdir -p "$work/state-root"
mapfile -t envlines < <(service_env "$extracted/usr/lib/systemd/system/marquee.service" \
  "$extracted/etc/marquee/marquee.env")
run_and_stop extracted "$work/state-root" env -i PATH=/usr/bin:/bin "${envlines[@]}" \
  STATE_DIRECTORY="$work/state-root" PORT=0 "$extracted/usr/bin/marquee" --headless
[ -f "$work/state-root/marquee.db" ] || fail "the database is not in \$STATE_DIRECTORY"

step "the unit"
unit="$extracted/usr/lib/systemd/system/marquee.service"
grep -qx 'ExecStart=/usr/bin/marquee --headless' "$unit" || fail "ExecStart is not /usr/bin/marquee"
grep -qx 'EnvironmentFile=/etc/marquee/marquee.env' "$unit" || fail "EnvironmentFile is not /etc"
grep -q '^ExecStart=/usr/local/bin/marquee --headless$' \
  <(tar -xzOf "$tgz" --wildcards '*/lib/systemd/system/marquee.service') \
  || fail "the .tar.gz's unit does not start /usr/local/bin/marquee"
# verify looks for ExecStart's binary and the Documentation= page on this machine: the unit is
# checked with both pointing into the extracted tree.
mkdir -p "$work/units"
sed -e "s|/usr/bin/marquee|$extracted/usr/bin/marquee|; s|/etc/marquee/|$extracted/etc/marquee/|" \
  "$unit" >"$work/units/marquee.service"
MANPATH="$extracted/usr/share/man" systemd-analyze verify "$work/units/marquee.service" \
  || fail "systemd-analyze verify"
security="$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1)"
exposure="$(echo "$security" | sed -n 's/.*Overall exposure level for marquee.service: \([0-9.]*\).*/\1/p')"
[ -n "$exposure" ] || { echo "$security"; fail "no exposure level"; }
echo "systemd-analyze security: exposure $exposure (must be below 2.5)"
awk -v e="$exposure" 'BEGIN { exit !(e < 2.5) }' || { echo "$security"; fail "exposure $exposure"; }

step "ExecStart as the dynamic user would run it"
# DynamicUser= picks an unused uid from 61184-65519; StateDirectory= makes a fresh 0700 folder
# it owns and names it in $STATE_DIRECTORY; the working directory is that folder.
uid=61999
state="$work/state-dynamic"
mkdir -m 0700 "$state"
chown "$uid:$uid" "$state"
exec_line="$(sed -n 's/^ExecStart=//p' "$unit")"
read -r -a exec_argv <<<"${exec_line/#\/usr\/bin\/marquee/$extracted/usr/bin/marquee}"
mapfile -t envlines < <(service_env "$unit" "$extracted/etc/marquee/marquee.env")
run_and_stop dynamic-user "$state" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
  --no-new-privs --inh-caps=-all --bounding-set=-all \
  env -i PATH=/usr/bin:/bin HOME=/ "${envlines[@]}" STATE_DIRECTORY="$state" PORT=0 \
  "${exec_argv[@]}"
[ "$(stat -c %u "$state/marquee.db")" = "$uid" ] || fail "the database is not the service's"

step "the manual page and --help"
man_page="$extracted/usr/share/man/man1/marquee.1.gz"
warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man_page" 2>&1 >/dev/null)"
[ -z "$warnings" ] || fail "the manual page has warnings: $warnings"
LC_ALL=C.UTF-8 MANWIDTH=400 man -E UTF-8 -l "$man_page" 2>/dev/null | col -b \
  | tr -s ' ' >"$work/man.txt"
"$extracted/usr/bin/marquee" --help >"$work/help.txt"
missing=0
while IFS= read -r term; do
  grep -qF -- "$term" "$work/man.txt" || { echo "not in the manual page: $term"; missing=1; }
done < <(sed -n 's/^  \(\S\(.*\S\)\?\)  .*$/\1/p' "$work/help.txt" | tr -s ' ')
[ "$missing" -eq 0 ] || fail "the manual page and --help disagree"
echo "every command, option and variable of --help ($(sed -n 's/^  \(\S.*\S\)  .*$/x/p' \
  "$work/help.txt" | wc -l) of them) is in the manual page; no warnings"
desktop-file-validate "$extracted/usr/share/applications/marquee.desktop"
appstreamcli validate --no-net "$extracted/usr/share/metainfo/"*.metainfo.xml

step "apt-get install, remove, purge"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo=sudo; else
    echo "SKIPPED: installing the package needs root (run: sudo $0)"; exit 0
  fi
fi
if dpkg-query -W -f='${Status}' marquee 2>/dev/null | grep -q 'installed'; then
  fail "marquee is installed on this machine already; this step would replace it"
fi
[ -e /etc/marquee ] || [ -e /var/lib/marquee ] && fail "/etc/marquee or /var/lib/marquee exists"
snapshot() { dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort; }
snapshot >"$work/before"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; fail "apt-get install"; }
[ "$(command -v marquee)" = /usr/bin/marquee ] || fail "marquee is not on PATH"
marquee --version
[ "$(stat -c '%a %U' /etc/marquee/marquee.env)" = "640 root" ] || fail "marquee.env mode/owner"
dpkg-query -W -f='${Conffiles}\n' marquee | grep -q '/etc/marquee/marquee.env' \
  || fail "marquee.env is not a conffile"
# The data a running service would have left (DynamicUser= keeps it under /var/lib/private).
$sudo mkdir -p /var/lib/private/marquee
$sudo touch /var/lib/private/marquee/marquee.db
$sudo ln -sfn private/marquee /var/lib/marquee
echo "# the admin's edit" | $sudo tee -a /etc/marquee/marquee.env >/dev/null
$sudo apt-get remove -y -q marquee >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "remove"; }
[ ! -e /usr/bin/marquee ] || fail "remove left /usr/bin/marquee"
grep -q "the admin's edit" /etc/marquee/marquee.env || fail "remove did not keep marquee.env"
[ -e /var/lib/private/marquee/marquee.db ] || fail "remove deleted the data (only purge may)"
$sudo apt-get purge -y -q marquee >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "purge"; }
[ ! -e /etc/marquee ] || fail "purge left /etc/marquee"
[ ! -e /var/lib/marquee ] && [ ! -e /var/lib/private/marquee ] || fail "purge left the data"
snapshot >"$work/after"
diff -u "$work/before" "$work/after" || fail "the installed packages changed"
echo "installed, ran from PATH, removed (configuration and data kept), purged (both gone)"

printf '\npackaging: all checks passed (%s, exposure %s)\n' "$(basename "$deb")" "$exposure"
