# Sourced by scripts/lab.sh and scripts/report.sh (from the checkout's top folder): checks that the
# notebooks' code is built, installs JupyterLab and the tslab kernel if needed (setup-jupyter.sh),
# and puts the checkout's own Jupyter first (setup-jupyter.sh says why). Sets $jupyter_bin.
# $1: the command's name, for the message.
if [ ! -f dist/src/notebook/index.js ]; then
  echo "$1: dist/ is missing; run 'npm run $1' (it builds first) or 'npm run build'" >&2
  exit 1
fi
bash scripts/setup-jupyter.sh >&2
export JUPYTER_PATH="$PWD/.jupyter/venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
jupyter_bin="$PWD/.jupyter/venv/bin"
