#!/usr/bin/env bash
# Streaming mode, as the reference's ab2.sh: sends the Apache Bench mix (ab.sh's, without
# GET /) again and again with a pause in between, until stopped. Unlike the reference it can
# be bounded (--iterations, --duration) and stops cleanly on Ctrl-C or SIGTERM.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

usage() {
  cat <<'USAGE'
Usage: scripts/ab2.sh [--url URL] [--iterations N] [--duration S] [--sleep S] [--dry-run] [--help]

Repeats the reference's streaming Apache Bench mix (12 request kinds, 22 requests; see
scripts/ab.sh --mix streaming) with the real `ab`, pausing between iterations.

  --url URL        the game API (default: $LOAD_URL, else http://localhost:${PORT:-5000})
  --iterations N   stop after N iterations (default: run until stopped, like the reference)
  --duration S     stop once S seconds have passed (checked between commands and pauses)
  --sleep S        pause between iterations in seconds (default 10, as the reference)
  --verbose        show ab's full report for every command
  --dry-run        print the ab commands of one iteration and exit
  -h, --help       show this help

Ctrl-C (SIGINT) or SIGTERM stops after cancelling the command in flight; the exit status is
then 0 and the last line says how many iterations completed.
USAGE
}

url=""
iterations=0
duration=0
pause=10
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --url=*) url="${1#--url=}"; shift ;;
    --iterations) iterations="${2:?--iterations needs a value}"; shift 2 ;;
    --iterations=*) iterations="${1#--iterations=}"; shift ;;
    --duration) duration="${2:?--duration needs a value}"; shift 2 ;;
    --duration=*) duration="${1#--duration=}"; shift ;;
    --sleep) pause="${2:?--sleep needs a value}"; shift 2 ;;
    --sleep=*) pause="${1#--sleep=}"; shift ;;
    --verbose) pass+=(--verbose); shift ;;
    --dry-run) pass+=(--dry-run); iterations=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "ab2.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
for pair in "iterations:$iterations" "duration:$duration"; do
  [[ "${pair#*:}" =~ ^[0-9]+$ ]] || { echo "ab2.sh: --${pair%%:*} must be a whole number" >&2; exit 2; }
done
[[ "$pause" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "ab2.sh: --sleep must be a number of seconds" >&2; exit 2; }
[ -n "$url" ] && pass+=(--url "$url")

stopping=0
child=""
on_signal() {
  stopping=1
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
}
trap on_signal INT TERM

# Runs a command in the background and waits, so a signal is handled at once.
run() {
  "$@" &
  child=$!
  # A signal that came before the child existed (e.g. just after "sleeping" was printed) found no
  # child to stop: stop it now, or the wait below would sit out the whole pause.
  [ "$stopping" -eq 1 ] && kill -TERM "$child" 2>/dev/null
  local status=0
  wait "$child" || status=$?
  if [ "$stopping" -eq 1 ]; then
    # wait returned early (>128) because the trap fired: wait again for the child's own status
    # (0 when it had finished its work before the signal).
    status=0
    wait "$child" 2>/dev/null || status=$?
  fi
  child=""
  return "$status"
}

time_left() { [ "$duration" -eq 0 ] || [ "$SECONDS" -lt "$duration" ]; }

SECONDS=0
done_iterations=0
while [ "$stopping" -eq 0 ] && time_left; do
  echo "ab2.sh: iteration $((done_iterations + 1))"
  if ! run "$here/ab.sh" --mix streaming "${pass[@]}"; then
    [ "$stopping" -eq 1 ] && break
    echo "ab2.sh: iteration $((done_iterations + 1)) failed" >&2
    exit 1
  fi
  done_iterations=$((done_iterations + 1))
  [ "$iterations" -gt 0 ] && [ "$done_iterations" -ge "$iterations" ] && break
  time_left || break
  wait_for="$pause"
  if [ "$duration" -gt 0 ]; then
    left=$((duration - SECONDS))
    wait_for=$(awk -v a="$pause" -v b="$left" 'BEGIN { print (a < b ? a : b) }')
  fi
  echo "ab2.sh: sleeping $wait_for s"
  run sleep "$wait_for" || true
done
echo "ab2.sh: stopped after $done_iterations iteration(s) in ${SECONDS} s"
