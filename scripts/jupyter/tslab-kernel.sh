#!/usr/bin/env bash
# The tslab kernel as Jupyter starts it (the kernel spec setup-jupyter.sh registers runs this):
# this checkout's tslab on the project's pinned Node (.nvmrc), whatever Node is first on the PATH
# Jupyter was started with; the native modules in node_modules (DuckDB, better-sqlite3, zeromq)
# were built for that Node.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
node_dir=$(bash "$root/scripts/setup/install-node.sh")
export PATH="$node_dir/bin:$PATH"
exec "$root/node_modules/.bin/tslab" "$@"
