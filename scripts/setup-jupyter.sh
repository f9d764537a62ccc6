#!/usr/bin/env bash
# Installs Jupyter (Debian packages) and registers the tslab (TypeScript) kernel. Idempotent.
#
#   bash scripts/setup-jupyter.sh            # Debian packages + kernel for this checkout + global kernel
#   bash scripts/setup-jupyter.sh --local    # only the checkout-local kernel (what npm run report uses)
#
# Two kernel registrations, both named "tslab", both starting THIS checkout's node_modules/.bin/tslab:
#  - checkout-local, under .jupyter/ (gitignored): scripts/report.sh puts it first on JUPYTER_PATH,
#    so several checkouts on one machine never run each other's kernel;
#  - global (Jupyter's default kernel folder), so plain `jupyter notebook notebooks/` finds it.
# Trap: the `python3` first on PATH (pyenv, conda) may not be the Python that has Jupyter;
# tslab writes its kernel spec with the Python given by --python, so we pick the one that
# imports jupyter_client (Debian's /usr/bin/python3 first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
local_only=0
[ "${1:-}" = "--local" ] && local_only=1

packages="jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-notebook jupyter-client fonts-dejavu-core"
missing=()
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$local_only" = 1 ] && command -v jupyter-nbconvert >/dev/null 2>&1; then
    : # Jupyter from elsewhere (pip): use it as it is
  else
    echo "setup-jupyter: installing Debian packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python=""
for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
  if [ -n "$candidate" ] && "$candidate" -c "import jupyter_client, nbclient, ipykernel" >/dev/null 2>&1; then
    python=$candidate; break
  fi
done
if [ -z "$python" ]; then
  echo "setup-jupyter: no Python with jupyter_client, nbclient and ipykernel found" >&2
  exit 1
fi

tslab="$root/node_modules/.bin/tslab"
if [ ! -x "$tslab" ]; then
  echo "setup-jupyter: $tslab missing; run npm ci first" >&2
  exit 1
fi

kernel_json="$root/.jupyter/share/jupyter/kernels/tslab/kernel.json"
if ! grep -qF "\"$tslab\"" "$kernel_json" 2>/dev/null; then
  "$tslab" install --python="$python" --binary="$tslab" --prefix="$root/.jupyter" >/dev/null
fi
if [ "$local_only" = 0 ]; then
  "$tslab" install --python="$python" --binary="$tslab" >/dev/null
fi
echo "setup-jupyter: tslab kernel registered (python: $python, kernel: $tslab)"
