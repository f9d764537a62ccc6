#!/usr/bin/env bash
# The real stack without Docker: Kafka, HDFS, Hive Metastore and Trino as plain JVM processes
# on 127.0.0.1, with artifacts fetched from Maven Central.
#
#   npm run stack -- up     [--secure] [service...]   fetch, start in dependency order, wait until ready (idempotent)
#   npm run stack -- down   [service...]   stop (SIGTERM, then SIGKILL after a grace period), reverse order
#   npm run stack -- status [service...]   service, pid, ports, ready?
#   npm run stack -- logs   <service> [-f] last lines of the service's log (-f follows)
#   npm run stack -- fetch  [service...]   only download the artifacts (CI warms its cache with this)
#   npm run stack -- pid    <service>      the pid of the running service (empty when stopped), for tests
#   npm run stack -- env                   the client settings of this stack (KAFKA_*, PRESTO_*...), as VAR=value lines
#   npm run stack -- kafka-tool <class> [args...]   a Kafka Java tool from the stack's jars, e.g.
#       org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server 127.0.0.1:9092 --topic events
#       (secured stack: add --consumer.config / --command-config $STACK_HOME/secure/kafka-client.properties)
#   npm run stack -- check  [service...]   are the prerequisites installed (Java, PostgreSQL, Maven, curl)? says how to get each
# Without service names a command applies to every service.
# --secure (chosen at the first `up` of a STACK_HOME, then kept): Kafka SASL_SSL (SCRAM-SHA-512),
# Trino HTTPS with passwords and read-only analysts; CA, certificates and passwords generated under
# $STACK_HOME/secure (see secure.sh; bring your own by putting them there first).
#
# Where things live (both outside the repo):
#   STACK_CACHE (default ~/.cache/game-events-stack)         downloads: <cache>/<service>/...
#   STACK_HOME  (default ~/.local/state/game-events-stack)   data <home>/<service>/, logs <home>/logs/<service>.log,
#                                                            pids <home>/run/<service>.pid
#
# Per-service convention: scripts/stack/services/<name>.sh is sourced (services whose file does not
# exist are skipped) in the dependency order of SERVICES below, and defines
#   <name>_fetch    download what the service needs into "$(stack_cache_dir <name>)" (idempotent;
#                   stack_fetch_classpath / stack_fetch_artifact / stack_extract from lib.sh help)
#   <name>_start    one-time setup (format, config files under "$(stack_data_dir <name>)"), then
#                   `stack_spawn <name> <command...>`: one background process, output to its log;
#                   its command line must name "$STACK_CACHE/<name>/" or "$STACK_HOME/<name>/" (that
#                   is how a stale pid file whose pid was reused is told apart)
#   <name>_ready    returns 0 when the service answers (called once a second until the timeout)
#   <name>_stop     usually just `stack_stop_process <name> [grace-seconds]`
# and may set
#   <name>_ports="9092 9093"   shown by `status`; `up` refuses to start when one is taken by another process
#   <name>_timeout=180         seconds `up` waits for <name>_ready (default 180)
# Files the service needs from the repo (pom.xml, configs, Java sources) go in scripts/stack/services/<name>/.
# lib.sh has the shared helpers (stack_java 17|25, stack_spawn, stack_pid, stack_port_open, stack_http_ok, ...).
set -euo pipefail

STACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$STACK_DIR/lib.sh"
# shellcheck source=secure.sh
source "$STACK_DIR/secure.sh"

SERVICES=(postgres hdfs kafka metastore trino)

available=()
for svc in "${SERVICES[@]}"; do
  if [ -f "$STACK_DIR/services/$svc.sh" ]; then
    # shellcheck disable=SC1090
    source "$STACK_DIR/services/$svc.sh"
    available+=("$svc")
  fi
done

# Fails (in the main shell, so the exit status is seen) on a service name no file defines.
validate() {
  local w
  for w in "$@"; do
    [[ " ${available[*]} " == *" $w "* ]] || stack_die "unknown service '$w' (known: ${available[*]})"
  done
}

# The services a command applies to, in dependency order.
selected() {
  local order=("${available[@]}") want=("$@") out=() s
  for s in "${order[@]}"; do
    if [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " == *" $s "* ]]; then out+=("$s"); fi
  done
  echo "${out[@]}"
}

ports_of() { local v="${1}_ports"; echo "${!v:-}"; }
timeout_of() { local v="${1}_timeout"; echo "${!v:-180}"; }

is_ready() { stack_running "$1" && "${1}_ready" 2>/dev/null; }

# The JDK a JVM service runs on (Trino 476 needs 24+; the others run on 17); none for PostgreSQL.
java_of() {
  case "$1" in
    trino) echo 25 ;;
    postgres) echo "" ;;
    *) echo 17 ;;
  esac
}

# Lists every missing prerequisite of the selected services with how to install it; fails if any.
cmd_check() {
  local svc major missing=() seen=" "
  for svc in $(selected "$@"); do
    if [ "$svc" = postgres ]; then
      (postgres_bin) >/dev/null 2>&1 ||
        missing+=("PostgreSQL server (postgres): sudo apt-get install postgresql (or bash scripts/setup.sh)")
      continue
    fi
    major="$(java_of "$svc")"
    if [[ "$seen" != *" java$major "* ]] && ! (stack_java "$major") >/dev/null 2>&1; then
      if [ "$major" = 17 ]; then
        missing+=("Java 17 ($svc): sudo apt-get install openjdk-17-jdk-headless (or bash scripts/setup.sh), or set JAVA_HOME_17")
      else
        missing+=("Java $major ($svc): install a JDK $major (e.g. Temurin $major) under /usr/lib/jvm/, or set JAVA_HOME_$major")
      fi
      seen+="java$major "
    fi
    # Maven only fetches: a JVM service whose downloads are cached runs without it.
    if [[ "$seen" != *" mvn "* ]] && [ ! -d "$(stack_cache_dir "$svc")" ] && ! command -v mvn >/dev/null 2>&1; then
      missing+=("Maven (to download $svc from Maven Central): sudo apt-get install maven (or bash scripts/setup.sh)")
      seen+="mvn "
    fi
  done
  command -v curl >/dev/null 2>&1 || missing+=("curl (readiness probes): sudo apt-get install curl (or bash scripts/setup.sh)")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'stack: missing prerequisite: %s\n' "${missing[@]}" >&2
    return 1
  fi
}

cmd_fetch() {
  local svc
  for svc in $(selected "$@"); do "${svc}_fetch"; done
}

# One `up`/`down` at a time per STACK_HOME: tests of several developers may call `up` together,
# and two starts of one service would fight over its ports and data.
take_lock() {
  mkdir -p "$STACK_HOME/run"
  exec 9>"$STACK_HOME/run/stack.lock"
  flock -w 900 9 || stack_die "another stack.sh up/down has held $STACK_HOME/run/stack.lock for 15 minutes"
}

cmd_up() {
  local svc port started
  take_lock
  if [ "${1:-}" = --secure ]; then
    shift
    if ! stack_secure && [ -f "$(stack_data_dir kafka)/data/meta.properties" ]; then
      stack_die "this STACK_HOME ($STACK_HOME) already holds a plain stack: stop it (stack down) and start the secured one in a fresh STACK_HOME, or delete $STACK_HOME"
    fi
    stack_secure_init
  elif stack_secure; then
    stack_secure_init
    stack_say "secured stack (chosen at this STACK_HOME's first 'up --secure'); clients: npm run -s stack -- env"
  fi
  cmd_check "$@" || stack_die "install what is missing, then run \`npm run stack -- up\` again"
  for svc in $(selected "$@"); do
    if stack_running "$svc"; then
      if "${svc}_ready" 2>/dev/null; then
        stack_say "$svc: already running (pid $(stack_pid "$svc"))"
        continue
      fi
      stack_say "$svc: running (pid $(stack_pid "$svc")), waiting until ready"
    else
      "${svc}_fetch"
      for port in $(ports_of "$svc"); do stack_require_free_port "$svc" "$port"; done
      mkdir -p "$(stack_data_dir "$svc")"
      stack_say "$svc: starting (log: $(stack_log_file "$svc"))"
      "${svc}_start"
    fi
    started=$SECONDS
    stack_wait_ready "$svc" "$(timeout_of "$svc")"
    stack_say "$svc: ready in $((SECONDS - started))s (pid $(stack_pid "$svc"), ports $(ports_of "$svc"))"
  done
}

cmd_down() {
  local svc list=()
  take_lock
  read -r -a list <<<"$(selected "$@")"
  for ((i = ${#list[@]} - 1; i >= 0; i--)); do
    svc="${list[$i]}"
    if stack_running "$svc"; then
      stack_say "$svc: stopping (pid $(stack_pid "$svc"))"
      "${svc}_stop"
    else
      rm -f "$(stack_pid_file "$svc")"
    fi
  done
}

cmd_status() {
  local svc pid ready rss
  printf '%-10s %-8s %-26s %-6s %s\n' SERVICE PID PORTS READY RSS
  for svc in $(selected "$@"); do
    pid="$(stack_pid "$svc" || echo -)"
    ready=no; rss=-
    if [ "$pid" != - ]; then
      is_ready "$svc" && ready=yes
      rss="$(ps -o rss= -p "$pid" 2>/dev/null | awk '{printf "%d MiB", $1/1024}')"
    fi
    printf '%-10s %-8s %-26s %-6s %s\n' "$svc" "$pid" "$(ports_of "$svc" | tr ' ' ',')" "$ready" "$rss"
  done
}

cmd_logs() {
  [ $# -ge 1 ] || stack_die "usage: stack.sh logs <service> [-f]"
  local log; log="$(stack_log_file "$1")"
  [ -f "$log" ] || stack_die "$1: no log yet ($log)"
  if [ "${2:-}" = "-f" ]; then tail -n 100 -F "$log"; else tail -n "${LOG_LINES:-100}" "$log"; fi
}

# The settings a client of this stack needs, as VAR=value lines (`set -a; eval "$(npm run -s stack -- env)"`).
cmd_env() {
  if stack_secure; then
    cat "$STACK_SECURE_DIR/client.env"
  else
    printf '%s\n' "KAFKA_BROKERS=$STACK_HOST:9092" "PRESTO_URL=http://$STACK_HOST:8080"
  fi
}

command="${1:-}"
[ $# -gt 0 ] && shift
if [ "$command" = kafka-tool ]; then
  :
elif [ "$command" = up ] && [ "${1:-}" = --secure ]; then
  validate "${@:2}"
elif [ "$command" = logs ]; then
  [ $# -ge 1 ] || stack_die "usage: stack.sh logs <service> [-f]"
  validate "$1"
else
  validate "$@"
fi
case "$command" in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  logs) cmd_logs "$@" ;;
  fetch) cmd_fetch "$@" ;;
  check) cmd_check "$@" && stack_say "prerequisites found" ;;
  pid) [ $# -eq 1 ] || stack_die "usage: stack.sh pid <service>"; stack_pid "$1" || true ;;
  env) cmd_env ;;
  kafka-tool) [ $# -ge 1 ] || stack_die "usage: stack.sh kafka-tool <main-class> [args...]"; kafka_tool "$@" ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
