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
# 6. the manual page names every command, option and variable --help does, and each variable's
#    default, without warnings; the desktop entry and the AppStream metadata validate; the
#    version and release date agree in CMake, the changelog, the metainfo and the manual page
# 7. as root (CI): apt-get install ./marquee_*.deb (the service enabled, marquee.env 0640 once,
#    an admin's mode kept), `marquee --version` from PATH, a command on the service's database,
#    remove (the configuration and data stay, the unit masked), purge (they, the enablement and
#    the mask go), the machine as it was. Whatever happens, an exit purges what this run
#    installed and removes only what it created.
# Steps 5 and 7 need root (or sudo without a password): without it they are skipped with a
# notice, except when $CI is set, where a skipped step is a failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
"$root/scripts/setup.sh" package

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# Root: ourselves, or sudo that asks no password; else the root-only steps are skipped (not
# in CI: there they fail).
sudo=""
have_root=1
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then sudo="sudo -n"; else have_root=0; fi
fi
skipped=()
skip_root() {
  [ -z "${CI:-}" ] || fail "$1 needs root (or sudo without a password), and CI is set"
  echo "SKIPPED: $1 needs root (run: sudo $0)"
  skipped+=("$1")
}

work="$(mktemp -d)"
pids=()
# What the install step changed on this machine, for the trap to undo if the script stops early:
installing=0          # 1 from the moment apt-get install may have installed marquee
made_private=0        # 1 if this run created /var/lib/private
made_override=0       # 1 while this run's dpkg-statoverride entry exists
cleanup() {
  local code=$?
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ "$made_override" -eq 1 ]; then
    $sudo dpkg-statoverride --remove /etc/marquee/marquee.env >/dev/null 2>&1 || true
  fi
  if [ "$installing" -eq 1 ]; then
    echo "cleanup: purging the marquee package this run installed" >&2
    if dpkg-query -W -f='${db:Status-Status}' marquee 2>/dev/null | grep -qv '^not-installed$'; then
      DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -q marquee >/dev/null 2>&1 \
        || $sudo dpkg --purge --force-remove-reinstreq marquee >/dev/null 2>&1 || true
    fi
    # Checked absent before the install: whatever is there now, this run made.
    $sudo rm -rf /etc/marquee /var/lib/marquee /var/lib/private/marquee
  fi
  if [ "$made_private" -eq 1 ]; then
    $sudo rmdir /var/lib/private 2>/dev/null || true
  fi
  $sudo rm -rf "$work" 2>/dev/null || rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chmod 0755 "$work" # the dynamic user below must reach the extracted binary

# Every file git does not track, ignored or not, one per line (no folder collapsed into one
# line), apart from the build folder's when it lies in the source tree.
untracked() {
  local rel
  git -C "$root" ls-files --others --full-name | sort >"$1.all"
  rel="$(realpath --relative-to="$root" "$build")"
  case "$rel" in
    ..*|/*) cp "$1.all" "$1" ;;
    .) : >"$1" ;;
    *) grep -v "^$rel/" "$1.all" >"$1" || true ;;
  esac
}

step "building the packages"
flock /tmp/marquee-build.lock cmake --build "$build" -j "${MARQUEE_JOBS:-2}" >/dev/null
rm -rf "$build/packages"
untracked "$work/untracked-before"
(cd "$build" && cpack >/dev/null)
untracked "$work/untracked-after"
# Anything new outside the build folder, and any package or CPack folder at all.
if comm -13 "$work/untracked-before" "$work/untracked-after" | grep . \
  || grep -E '\.(deb|tar\.gz)$|(^|/)_CPack_Packages/' "$work/untracked-after"; then
  fail "cpack wrote into the source tree (the files above)"
fi
version="$(sed -n 's/^#define MARQUEE_VERSION "\(.*\)"/\1/p' "$build/server/generated/config/version.h")"
arch="$(dpkg --print-architecture)"
deb="$build/packages/marquee_${version}_${arch}.deb"
tgz="$build/packages/marquee-${version}-Linux.tar.gz"
[ -f "$deb" ] && [ -f "$tgz" ] || fail "cpack did not write $deb and $tgz"
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
  health="$(curl -fsS --noproxy '*' --max-time 5 "$url/health")" || { cat "$log"; fail "$name: /health failed"; }
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
grep -qx 'EnvironmentFile=-/etc/marquee/marquee.env' "$unit" \
  || fail "EnvironmentFile is not -/etc/marquee/marquee.env (optional: the admin may delete it)"
grep -qx 'RestartPreventExitStatus=3' "$unit" \
  || fail "no RestartPreventExitStatus=3 (another server answering is not restarted)"
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
if [ "$have_root" -eq 1 ]; then
  state="$work/state-dynamic"
  mkdir -m 0700 "$state"
  $sudo chown "$uid:$uid" "$state"
  exec_line="$(sed -n 's/^ExecStart=//p' "$unit")"
  read -r -a exec_argv <<<"${exec_line/#\/usr\/bin\/marquee/$extracted/usr/bin/marquee}"
  mapfile -t envlines < <(service_env "$unit" "$extracted/etc/marquee/marquee.env")
  run_and_stop dynamic-user "$state" $sudo setpriv --reuid="$uid" --regid="$uid" --clear-groups \
    --no-new-privs --inh-caps=-all --bounding-set=-all \
    env -i PATH=/usr/bin:/bin HOME=/ "${envlines[@]}" STATE_DIRECTORY="$state" PORT=0 \
    "${exec_argv[@]}"
  [ "$($sudo stat -c %u "$state/marquee.db")" = "$uid" ] || fail "the database is not the service's"
else
  skip_root "running ExecStart as another user"
fi

step "the manual page and --help"
man_page="$extracted/usr/share/man/man1/marquee.1.gz"
warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$man_page" 2>&1 >/dev/null)"
[ -z "$warnings" ] || fail "the manual page has warnings: $warnings"
# col -bx: no overstrikes, tabs as spaces (the columns below count them).
LC_ALL=C.UTF-8 MANWIDTH=400 man -E UTF-8 -l "$man_page" 2>/dev/null | col -bx >"$work/man-raw.txt"
tr -s ' ' <"$work/man-raw.txt" >"$work/man.txt"
"$extracted/usr/bin/marquee" --help >"$work/help.txt"
# An entry of --help is "  term  description": the term is words with single spaces between
# them, and two or more spaces end it (continuation lines start with more than two spaces).
entry_re='^  ([^ ]+( [^ ]+)*)  +[^ ]'
terms=0
missing=0
while IFS= read -r line; do
  [[ "$line" =~ $entry_re ]] || continue
  term="${BASH_REMATCH[1]}"
  terms=$((terms + 1))
  grep -qF -- "$term" "$work/man.txt" || { echo "not in the manual page: $term"; missing=1; }
done <"$work/help.txt"
[ "$terms" -gt 30 ] || fail "read only $terms entries from --help (has its layout changed?)"
[ "$missing" -eq 0 ] || fail "the manual page and --help disagree"

# The settings table (server/config/settings.cpp, configHelpText()): a heading line, then one
# line per name, "  NAME  default" with NAME padded to 33 columns (a longer one is followed by
# two spaces), up to an empty line. A name is one word, so the default is everything after the
# spaces that follow it, spaces inside it included. An alias's "default" is "(another name for
# X)". Every line of the table must read so.
setting_re='^  ([A-Za-z_][A-Za-z0-9_]*) +([^ ].*)$'
awk '/^Configuration variables and their defaults/ { on = 1; next } on && /^$/ { exit } on' \
  "$work/help.txt" >"$work/help-settings.txt"
# The ENVIRONMENT section of the page as "NAME<TAB>line" for every line of NAME's entry: an
# entry starts at a line indented 7 columns (the term, and its text when the term is short),
# its text goes on in lines indented further.
awk '
  /^[^ ]/ { on = ($0 == "ENVIRONMENT"); next }
  !on || /^ *$/ { next }
  { indent = match($0, /[^ ]/) - 1; text = substr($0, indent + 1) }
  indent == 7 { term = text; sub(/ .*/, "", term); rest = text; sub(/^[^ ]+ */, "", rest)
                if (rest != "") print term "\t" rest; next }
  indent > 7 && term != "" { print term "\t" text }
' "$work/man-raw.txt" >"$work/man-env.txt"
settings=0
while IFS= read -r line; do
  [[ "$line" =~ $setting_re ]] || fail "cannot read this line of --help's settings: '$line'"
  name="${BASH_REMATCH[1]}" default="${BASH_REMATCH[2]}"
  settings=$((settings + 1))
  case "$default" in
    "(another name for "*) want="$default" ;;
    *) want="Default: $default" ;;
  esac
  grep -qxF -- "$name"$'\t'"$want" "$work/man-env.txt" || {
    echo "the manual page's $name does not say: $want"
    grep -F -- "$name"$'\t' "$work/man-env.txt" | sed 's/^/    found: /' || true
    missing=1
  }
done <"$work/help-settings.txt"
[ "$settings" -gt 20 ] || fail "read only $settings settings from --help (has its layout changed?)"
[ "$missing" -eq 0 ] || fail "the manual page's defaults and --help's disagree"
echo "every command, option and variable of --help ($terms of them) is in the manual page, each" \
  "of the $settings variables with its default; no warnings"
desktop-file-validate "$extracted/usr/share/applications/marquee.desktop"
appstreamcli validate --no-net "$extracted/usr/share/metainfo/"*.metainfo.xml

step "the version and the release date"
# One release, named alike everywhere: project(VERSION) and MARQUEE_RELEASE_DATE in CMake, the
# changelog's newest entry, the metainfo's newest <release>, the manual page's header.
cmake_version="$(sed -n 's/^project(marquee VERSION \([0-9][0-9.]*\) .*/\1/p' "$root/CMakeLists.txt")"
cmake_date="$(sed -n 's/^set(MARQUEE_RELEASE_DATE "\(.*\)")$/\1/p' "$root/packaging/CMakeLists.txt")"
changelog="$root/packaging/changelog"
cl_version="$(dpkg-parsechangelog -l "$changelog" -S Version)"
cl_when="$(dpkg-parsechangelog -l "$changelog" -S Date)"
cl_date="$(date -u -d "$cl_when" +%F)" || fail "the changelog's date '$cl_when' is not a date"
# The weekday written must be that date's (Debian's tools complain otherwise).
[ "$(LC_ALL=C date -u -d "$cl_when" '+%a, %d %b %Y')" = "${cl_when:0:16}" ] \
  || fail "the changelog's date '$cl_when' names the wrong weekday"
release="$(grep -m1 -o '<release [^>]*>' "$root/packaging/io.github.marquee.Marquee.metainfo.xml")"
mi_version="$(sed -n 's/.* version="\([^"]*\)".*/\1/p' <<<"$release")"
mi_date="$(sed -n 's/.* date="\([^"]*\)".*/\1/p' <<<"$release")"
th="$(zcat "$man_page" | grep -m1 '^\.TH ')"
printf '%-28s %-10s %s\n' "CMake" "$cmake_version" "$cmake_date" "packaging/changelog" \
  "$cl_version" "$cl_date" "metainfo <release>" "$mi_version" "$mi_date" "the .deb" \
  "$(dpkg-deb -f "$deb" Version)" "-" "manual page .TH" "-" "$th"
[ -n "$cmake_version" ] && [ -n "$cmake_date" ] || fail "no project(VERSION) or MARQUEE_RELEASE_DATE"
[ "$version" = "$cmake_version" ] || fail "version.h says $version, CMake $cmake_version"
for v in "$cl_version" "$mi_version" "$(dpkg-deb -f "$deb" Version)"; do
  [ "$v" = "$cmake_version" ] || fail "version $v differs from CMake's $cmake_version"
done
for d in "$cl_date" "$mi_date"; do
  [ "$d" = "$cmake_date" ] || fail "release date $d differs from MARQUEE_RELEASE_DATE $cmake_date"
done
[ "$th" = ".TH MARQUEE 1 \"$cmake_date\" \"Marquee $cmake_version\" \"User Commands\"" ] \
  || fail "the manual page's header is not version $cmake_version of $cmake_date"
echo "version $cmake_version of $cmake_date everywhere"

step "apt-get install, remove, purge"
if [ "$have_root" -eq 0 ]; then
  skip_root "installing the package"
  printf '\npackaging: all checks passed but %s (%s, exposure %s)\n' \
    "$(IFS=,; echo "${skipped[*]}" | sed 's/,/, /g')" "$(basename "$deb")" "$exposure"
  exit 0
fi
if dpkg-query -W -f='${db:Status-Status}' marquee 2>/dev/null | grep -qv '^not-installed$'; then
  fail "marquee is installed on this machine already (or its configuration is left); this step would replace it"
fi
[ -e /etc/marquee ] || [ -L /var/lib/marquee ] || [ -e /var/lib/marquee ] \
  || [ -e /var/lib/private/marquee ] && fail "/etc/marquee or the service's data exists already"
$sudo dpkg-statoverride --list /etc/marquee/marquee.env >/dev/null \
  && fail "dpkg-statoverride has an entry for /etc/marquee/marquee.env already"
# What deb-systemd-helper records, and the links it makes in /etc/systemd/system.
systemd_traces() {
  $sudo find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
    /var/lib/systemd/deb-systemd-helper-masked -name 'marquee*' 2>/dev/null | sort || true
}
[ -z "$(systemd_traces)" ] || { systemd_traces; fail "marquee's systemd links exist already"; }
wants=/etc/systemd/system/multi-user.target.wants/marquee.service
private_mode="$(stat -c %a /var/lib/private 2>/dev/null || echo absent)"
snapshot() { dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort; }
snapshot >"$work/before"
export DEBIAN_FRONTEND=noninteractive
installing=1
$sudo apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; fail "apt-get install"; }
[ "$(command -v marquee)" = /usr/bin/marquee ] || fail "marquee is not on PATH"
marquee --version
[ "$(stat -c '%a %U' /etc/marquee/marquee.env)" = "640 root" ] || fail "marquee.env mode/owner"
dpkg-query -W -f='${Conffiles}\n' marquee | grep -q '/etc/marquee/marquee.env' \
  || fail "marquee.env is not a conffile"
# Enabled at install (deb-systemd-helper makes the link also without systemd as the init).
[ -L "$wants" ] && [ "$(readlink -f "$wants")" = "$(readlink -f /lib/systemd/system/marquee.service)" ] \
  || { systemd_traces; fail "the install did not enable marquee.service ($wants)"; }
echo "installed; marquee.service enabled: $wants -> $(readlink "$wants")"

# postinst sets marquee.env's mode on a first install only, and never against dpkg-statoverride:
# an upgrade (here a reinstall) keeps an admin's 0600, and so does a first configure with an
# override recorded.
echo "# the admin's edit" | $sudo tee -a /etc/marquee/marquee.env >/dev/null
$sudo chmod 0600 /etc/marquee/marquee.env
$sudo dpkg -i "$deb" >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "reinstall (upgrade)"; }
[ "$(stat -c %a /etc/marquee/marquee.env)" = 600 ] || fail "an upgrade reset the admin's mode 0600"
made_override=1
$sudo dpkg-statoverride --add root root 0600 /etc/marquee/marquee.env
$sudo env DPKG_MAINTSCRIPT_PACKAGE=marquee DPKG_MAINTSCRIPT_NAME=postinst \
  /var/lib/dpkg/info/marquee.postinst configure >/dev/null
[ "$(stat -c %a /etc/marquee/marquee.env)" = 600 ] \
  || fail "postinst changed marquee.env's mode against dpkg-statoverride"
$sudo dpkg-statoverride --remove /etc/marquee/marquee.env
made_override=0
$sudo env DPKG_MAINTSCRIPT_PACKAGE=marquee DPKG_MAINTSCRIPT_NAME=postinst \
  /var/lib/dpkg/info/marquee.postinst configure >/dev/null
[ "$(stat -c %a /etc/marquee/marquee.env)" = 640 ] || fail "a first configure did not make it 0640"
grep -q "the admin's edit" /etc/marquee/marquee.env || fail "the reinstall lost the admin's edit"
echo "marquee.env: 0640 on a first install; an admin's 0600 kept on upgrade and under dpkg-statoverride"

# The data a running service would have left. DynamicUser= keeps it in /var/lib/private/marquee
# (/var/lib/private is 0700: a world-readable one would expose every such service's data) with
# /var/lib/marquee a link to it, the files owned by the service's uid.
if [ "$private_mode" = absent ]; then
  made_private=1
  $sudo install -d -m 0700 /var/lib/private
fi
$sudo install -d -m 0700 -o "$uid" -g "$uid" /var/lib/private/marquee
$sudo ln -sfn private/marquee /var/lib/marquee
$sudo env -i PATH=/usr/bin:/bin HOME=/nonexistent STATE_DIRECTORY=/var/lib/private/marquee \
  marquee --headless migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log"; fail "migrate"; }
$sudo chown -R "$uid:$uid" /var/lib/private/marquee
# How packaging/README.md says to run a command on the service's database: as root with the
# service's configuration and state folder. It must read that database and leave every file
# the service's.
(cd / && $sudo env STATE_DIRECTORY=/var/lib/marquee marquee --env-file /etc/marquee/marquee.env \
  users list) >"$work/users.log" 2>&1 || { cat "$work/users.log"; fail "users list on the service's database"; }
not_service="$($sudo find /var/lib/private/marquee ! -uid "$uid")"
[ -z "$not_service" ] || fail "a command as root left files the service cannot use: $not_service"
echo "users list as root on the service's database: $(head -1 "$work/users.log"); its files stay uid $uid"

$sudo apt-get remove -y -q marquee >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "remove"; }
[ ! -e /usr/bin/marquee ] || fail "remove left /usr/bin/marquee"
grep -q "the admin's edit" /etc/marquee/marquee.env || fail "remove did not keep marquee.env"
[ -e /var/lib/private/marquee/marquee.db ] || fail "remove deleted the data (only purge may)"
[ "$(readlink /etc/systemd/system/marquee.service)" = /dev/null ] || fail "remove did not mask the unit"
$sudo apt-get purge -y -q marquee >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "purge"; }
[ ! -e /etc/marquee ] || fail "purge left /etc/marquee"
[ ! -e /var/lib/marquee ] && [ ! -L /var/lib/marquee ] && [ ! -e /var/lib/private/marquee ] \
  || fail "purge left the data"
[ -z "$(systemd_traces)" ] || { systemd_traces; fail "purge left marquee's enablement or mask"; }
installing=0
if [ "$made_private" -eq 1 ]; then
  $sudo rmdir /var/lib/private
  made_private=0
fi
[ "$(stat -c %a /var/lib/private 2>/dev/null || echo absent)" = "$private_mode" ] \
  || fail "/var/lib/private was $private_mode, is $(stat -c %a /var/lib/private 2>/dev/null || echo absent)"
snapshot >"$work/after"
diff -u "$work/before" "$work/after" || fail "the installed packages changed"
echo "removed (configuration and data kept, unit masked), purged (they, the enablement and the" \
  "mask gone; /var/lib/private $private_mode as before)"

printf '\npackaging: all checks passed (%s, exposure %s)\n' "$(basename "$deb")" "$exposure"
