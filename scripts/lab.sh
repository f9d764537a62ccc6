#!/usr/bin/env bash
# npm run lab: opens JupyterLab 4 (from .jupyter/venv) on notebooks/, with this checkout's tslab
# kernel. Installs JupyterLab first if needed (scripts/setup-jupyter.sh).
#
#   npm run lab                               # http://localhost:8888/lab (URL with its token printed)
#   npm run lab -- --port 8899 --no-browser   # any further arguments go to jupyter lab
#   LAB_ROOT=some/folder npm run lab          # serve another folder (the browser test serves a copy)
#
# The notebooks read the same settings as `npm start` (PIPELINE_STACK, DATA_DIR, ...; relative
# paths from the checkout). Run 01-pipeline.ipynb first: 02-analysis.ipynb reads the run it records.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jupyter/env.sh lab
lab_root=$(realpath "${LAB_ROOT:-notebooks}")
args=(--ServerApp.root_dir="$lab_root")
# Jupyter refuses to run as root unless told; CI and these machines run as root.
[ "$(id -u)" -eq 0 ] && args+=(--allow-root)
exec "$jupyter_bin/jupyter-lab" "${args[@]}" "$@"
