#!/usr/bin/env bash
# Installs JupyterLab 4 and nbconvert (pinned, from PyPI) into the checkout-local virtual
# environment .jupyter/venv and registers the tslab (TypeScript) kernel in it. Idempotent: a
# second run only checks. Used by `npm run lab`, `npm run report` and .ci/run.
#
#   bash scripts/setup-jupyter.sh
#
# Why a virtual environment: Debian's Jupyter is Notebook 6.4 and nbconvert 6.5, and JupyterLab 4
# is only on PyPI; installing it into the system Python would fight Debian's packages. The kernel
# is registered inside the environment (its share/jupyter/kernels), so only this checkout's Jupyter
# sees it and several checkouts on one machine never start each other's kernel.
# Versions: scripts/jupyter/requirements.txt (what we ask for), constraints.txt (everything pinned).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.jupyter/venv"
requirements="$root/scripts/jupyter/requirements.txt"
constraints="$root/scripts/jupyter/constraints.txt"

tslab="$root/node_modules/.bin/tslab"
if [ ! -x "$tslab" ]; then
  echo "setup-jupyter: $tslab missing; run npm ci first" >&2
  exit 1
fi

# 1. A Python that can make a virtual environment (Debian's needs python3-venv for ensurepip).
can_venv() { "$1" -c "import venv, ensurepip" >/dev/null 2>&1; }
python=""
for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
  if [ -n "$candidate" ] && can_venv "$candidate"; then python=$candidate; break; fi
done
if [ -z "$python" ]; then
  echo "setup-jupyter: installing Debian's python3-venv"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends python3-venv >/dev/null
  python=/usr/bin/python3
fi

# 2. The environment, recreated when its Python is gone (e.g. a pyenv version removed).
if ! "$venv/bin/python" -c "import sys" >/dev/null 2>&1; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

# 3. The pinned packages, installed again only when the pins change.
stamp="$venv/.requirements.sha256"
want=$(cat "$requirements" "$constraints" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup-jupyter: installing JupyterLab into .jupyter/venv (pip, ~1 min)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" -c "$constraints"
  echo "$want" > "$stamp"
fi

# 4. The tslab kernel, inside the environment, starting THIS checkout's tslab on the pinned Node
#    (scripts/jupyter/tslab-kernel.sh).
kernel="$root/scripts/jupyter/tslab-kernel.sh"
kernel_json="$venv/share/jupyter/kernels/tslab/kernel.json"
if ! grep -qF "\"$kernel\"" "$kernel_json" 2>/dev/null; then
  "$tslab" install --python="$venv/bin/python" --binary="$kernel" --prefix="$venv" >/dev/null
fi
echo "setup-jupyter: JupyterLab $("$venv/bin/jupyter-lab" --version) and the tslab kernel are in .jupyter/venv"
