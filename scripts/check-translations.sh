#!/usr/bin/env bash
# Fails when translations/*.ts are stale (a tr() string was added, changed or removed in ui/ and
# lupdate was not run) or hold a message without a translation. ctest runs it (translations_current).
# To refresh: cmake --build build --target update_translations, then translate what is new.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lupdate=/usr/lib/qt6/bin/lupdate
[ -x "$lupdate" ] || lupdate="$(command -v lupdate6 || command -v lupdate)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for ts in "$root"/translations/*.ts; do
  name="$(basename "$ts")"
  cp "$ts" "$work/$name"
  # The options ui/CMakeLists.txt gives qt_add_translations.
  "$lupdate" -silent -locations none -no-obsolete "$root/ui" -ts "$work/$name" >/dev/null
  if ! cmp -s "$ts" "$work/$name"; then
    echo "translations: $name is stale (run the update_translations target):" >&2
    diff -u "$ts" "$work/$name" | head -40 >&2 || true
    status=1
  fi
  unfinished="$(grep -c 'type="unfinished"' "$ts" || true)"
  if [ "$unfinished" != 0 ]; then
    echo "translations: $name has $unfinished message(s) without a translation" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "translations: $(ls "$root"/translations/*.ts | wc -l) file(s) current and complete"
exit $status
