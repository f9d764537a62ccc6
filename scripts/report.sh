#!/usr/bin/env bash
# npm run report: executes the notebooks headlessly (nbconvert + the tslab kernel, from .jupyter/venv) and writes
# proj3_writeup.md with its images in proj3_writeup_files/ beside it.
#
#   npm run report                          embedded default (no servers)
#   PIPELINE_STACK=real npm run report      real stack: Kafka, HDFS, Hive Metastore, Trino (`npm run stack -- up`)
#
# Any cell error fails the run. Never pass --allow-errors: tslab drops the cell after an error,
# so an "allowed" error silently skips the next step and the report would lie.
# Settings (environment): REPORT_REQUESTS, REPORT_PLAYERS, REPORT_SEED, REPORT_AB_PASSES (see the
# README's configuration table), and for this script only:
#   REPORT_DATA_DIR   local state of the run (default data/report; emptied first: the checks against
#                     the ground truth need tables holding exactly this run's events)
#   REPORT_OUT_DIR    where proj3_writeup.md and proj3_writeup_files/ go (default: the checkout)
#   REPORT_TIMEOUT    seconds a cell may run (default 1800)
# On the real stack each run uses its own topic, HDFS folder, Trino schema and consumer group
# (report_<time>) unless EVENTS_TOPIC, WAREHOUSE_DIR, PRESTO_SCHEMA or SINK_GROUP are set.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

source scripts/jupyter/env.sh report
jupyter="$jupyter_bin/jupyter-nbconvert"

# 1. A fresh local state for this run.
data_dir=$(realpath -m "${REPORT_DATA_DIR:-$root/data/report}")
rm -rf "$data_dir/report" "$data_dir/warehouse" "$data_dir/log" "$data_dir/api" "$data_dir/tmp"
mkdir -p "$data_dir"
export DATA_DIR="$data_dir"
# The notebooks' API and sink must not collide with services already running on this machine.
export PORT="${PORT:-0}" SINK_METRICS_PORT="${SINK_METRICS_PORT:-0}"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
if [ "${PIPELINE_STACK:-embedded}" = "real" ]; then
  stamp="report_$(date -u +%Y%m%d_%H%M%S)"
  export EVENTS_TOPIC="${EVENTS_TOPIC:-$stamp}" WAREHOUSE_DIR="${WAREHOUSE_DIR:-/$stamp}"
  export PRESTO_SCHEMA="${PRESTO_SCHEMA:-$stamp}" SINK_GROUP="${SINK_GROUP:-$stamp}"
fi

# 2. Execute each notebook and export it to markdown; images go to one folder for the write-up.
out_dir=$(realpath -m "${REPORT_OUT_DIR:-$root}")
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
parts=()
for notebook in notebooks/[0-9][0-9]-*.ipynb; do
  name=$(basename "$notebook" .ipynb)
  echo "report: executing $notebook (stack: ${PIPELINE_STACK:-embedded})" >&2
  "$jupyter" --to markdown --execute \
    --ExecutePreprocessor.kernel_name=tslab \
    --ExecutePreprocessor.timeout="${REPORT_TIMEOUT:-1800}" \
    --NbConvertApp.output_files_dir=proj3_writeup_files \
    --output-dir "$build" --output "$name" "$notebook" 2> "$build/$name.log" || {
      echo "report: $notebook failed; nbconvert said:" >&2
      grep -v -e "Debugger warning" -e "frozen modules" -e "Xfrozen_modules" -e "PYDEVD_DISABLE" "$build/$name.log" | tail -40 >&2
      exit 1
    }
  parts+=("$build/$name.md")
done

# 3. Assemble proj3_writeup.md (a header naming the stack and data, then the notebooks).
mkdir -p "$out_dir"
rm -rf "$out_dir/proj3_writeup_files"
[ -d "$build/proj3_writeup_files" ] && mv "$build/proj3_writeup_files" "$out_dir/proj3_writeup_files"
node dist/src/bin/report.js --run "$data_dir/report/run.json" --out "$out_dir/proj3_writeup.md" "${parts[@]}"
echo "report: wrote $out_dir/proj3_writeup.md" >&2
