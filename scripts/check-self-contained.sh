#!/usr/bin/env bash
# Fails when a tracked file refers to a folder outside the repository. A clone has nothing beside
# it, so a build, test, run or doc path that climbs out of the tree works only on the machine that
# wrote it. Usage: scripts/check-self-contained.sh   (from anywhere inside the repository)
set -euo pipefail
cd "$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"

# Patterns of a path that leaves the tree: the developers' reference folder beside the repository,
# CMake paths that climb above the project root, absolute paths of the development machines.
patterns=(
  -e '\.\./shared'
  -e '\.\./\.library'
  -e '\${\(CMAKE\|PROJECT\)_SOURCE_DIR}/\.\.'
  -e '\${CMAKE_CURRENT_SOURCE_DIR}/\.\./\.\.'
  -e '/work/\(shared\|main\|\.library\|\.mirror\)'
)
# This script names the patterns it looks for; it is the one file allowed to.
if hits=$(git grep -n -I "${patterns[@]}" -- . ':!scripts/check-self-contained.sh'); then
  echo "check-self-contained: these tracked files refer to paths outside the repository:" >&2
  echo "$hits" | sed 's/^/  /' >&2
  exit 1
fi
echo "check-self-contained: no tracked file refers to a path outside the repository"
