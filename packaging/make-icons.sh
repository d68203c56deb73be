#!/usr/bin/env bash
# Renders the application icon (resources/icons/marquee.svg, the one source) to the PNG sizes the
# hicolor theme wants, into packaging/icons/. Run after changing the SVG and commit the result;
# the build ships these files as they are (no SVG renderer is needed to build).
# Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "$here/icons/${size}x${size}"
  rsvg-convert -w "$size" -h "$size" "$here/../resources/icons/marquee.svg" \
    -o "$here/icons/${size}x${size}/marquee.png"
done
