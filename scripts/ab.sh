#!/usr/bin/env bash
# The reference's Apache Bench request mix, sent once (batch mode): 13 request kinds, 32
# requests, each kind from one player (its Host header), one request at a time, in order.
# The same mix is src/load/reference.ts (the simulator's `reference` scenario); a test keeps
# the two in step.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/ab.sh [--url URL] [--mix batch|streaming] [--verbose] [--dry-run] [--help]

Sends the reference's Apache Bench mix to the game API once, with the real `ab`.

  --url URL      the game API (default: $LOAD_URL, else http://localhost:${PORT:-5000})
  --mix batch    ab.sh's 13 request kinds, 32 requests (default)
  --mix streaming
                 ab2.sh's 12 kinds (the same without GET /), 22 requests
  --verbose      show ab's full report for every command
  --dry-run      print the ab commands instead of running them
  -h, --help     show this help

Each line of output: the command, then requests completed and how many were not 2xx
(409s are expected: the mix joins a guild twice and leaves guilds it is not in).

When the API asks for a key, each request sends X-Api-Key: $LOAD_API_KEY (or the contents of
the file $LOAD_API_KEY_FILE); the key is never printed. ab takes headers on its command line,
so other users of this machine can read the key in the process list while ab runs.
USAGE
}

# count|Host header|path -- exactly the reference's ab.sh, in its order.
MIX=(
  "10|user1.comcast.com|/"
  "2|user1.comcast.com|/purchase_a_sword/sabre"
  "1|user1.comcast.com|/purchase_a_shield/mirror_shield"
  "4|user1.comcast.com|/join_guild/house_stark"
  "3|user1.comcast.com|/leave_guild/house_stark"
  "2|anand.comcast.com|/join_guild/grubs"
  "1|dre.comcast.com|/join_guild/grubs"
  "1|dre.comcast.com|/join_guild/secret_club"
  "1|anand.comcast.com|/join_guild/secret_club"
  "3|user1.comcast.com|/leave_guild/house_greyjoy"
  "1|user2.att.com|/purchase_a_sword/katana"
  "2|user2.att.com|/purchase_a_sword/estoc"
  "1|user2.comcast.com|/purchase_a_shield/leather_shield"
)

url="${LOAD_URL:-http://localhost:${PORT:-5000}}"
mix=batch
verbose=0
dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --url=*) url="${1#--url=}"; shift ;;
    --mix) mix="${2:?--mix needs a value}"; shift 2 ;;
    --mix=*) mix="${1#--mix=}"; shift ;;
    --verbose) verbose=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "ab.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$mix" in batch|streaming) ;; *) echo "ab.sh: --mix must be batch or streaming" >&2; exit 2 ;; esac
if [ -n "${LOAD_API_KEY_FILE:-}" ]; then
  [ -r "$LOAD_API_KEY_FILE" ] || { echo "ab.sh: LOAD_API_KEY_FILE: cannot read $LOAD_API_KEY_FILE" >&2; exit 2; }
  LOAD_API_KEY="$(<"$LOAD_API_KEY_FILE")"
fi
key_args=()
key_shown=""
if [ -n "${LOAD_API_KEY:-}" ]; then
  key_args=(-H "X-Api-Key: $LOAD_API_KEY")
  key_shown=' -H "X-Api-Key: [redacted]"'
fi
url="${url%/}"
# ab resolves "localhost" to ::1 first on many systems, while the API listens on IPv4;
# the Host header is set explicitly anyway, so connect to 127.0.0.1.
target="${url/\/\/localhost/\/\/127.0.0.1}"

if [ "$dry_run" -eq 0 ] && ! command -v ab >/dev/null 2>&1; then
  cat >&2 <<'MISSING'
ab.sh: `ab` (Apache Bench) is not installed.
  Debian/Ubuntu: sudo apt-get install apache2-utils   (or run scripts/setup.sh)
  Fedora/RHEL:   sudo dnf install httpd-tools
  macOS:         ab ships with the system (/usr/sbin/ab)
MISSING
  exit 127
fi

child=""
on_signal() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
  echo "ab.sh: interrupted" >&2
  exit 130
}
trap on_signal INT TERM

total=0
non2xx=0
for line in "${MIX[@]}"; do
  IFS='|' read -r n host path <<<"$line"
  [ "$mix" = streaming ] && [ "$path" = "/" ] && continue
  if [ "$dry_run" -eq 1 ]; then
    echo "ab -n $n -H \"Host: $host\"$key_shown $url$path"
    continue
  fi
  out=$(mktemp)
  # In the background so a signal reaches the trap at once (bash defers traps until a
  # foreground child exits).
  ab -n "$n" -H "Host: $host" "${key_args[@]}" "$target$path" >"$out" 2>&1 &
  child=$!
  status=0
  wait "$child" || status=$?
  child=""
  if [ "$status" -ne 0 ]; then
    cat "$out" >&2; rm -f "$out"
    echo "ab.sh: ab failed on $url$path (is the API running at $url?)" >&2
    exit 1
  fi
  [ "$verbose" -eq 1 ] && cat "$out"
  complete=$(awk '/^Complete requests:/ {print $3}' "$out")
  bad=$(awk '/^Non-2xx responses:/ {print $3}' "$out")
  rm -f "$out"
  total=$((total + ${complete:-0}))
  non2xx=$((non2xx + ${bad:-0}))
  printf 'ab -n %-2s -H "Host: %s" %s%s -> %s complete, %s non-2xx\n' "$n" "$host" "$url" "$path" "${complete:-0}" "${bad:-0}"
done
[ "$dry_run" -eq 1 ] || echo "ab.sh: $total requests, $non2xx non-2xx ($mix mix)"
