#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine: Debian packages, the pinned Node
# (.nvmrc, into ~/.cache/game-events-node), npm packages built for that Node.
# Idempotent: a second run only checks. Used by .ci/run and documented in the README.
# It cannot change the PATH of the shell that ran it: afterwards `source scripts/node-env.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

want=$(grep -v '^\s*#' scripts/setup/apt-packages.txt | awk 'NF{print $1}')
missing=()
for pkg in $want; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

source scripts/node-env.sh
# check-node.js also catches a node_modules compiled for another Node (e.g. before Node 24).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
  || ! node scripts/check-node.js 2>/dev/null; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: done"
