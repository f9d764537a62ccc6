# shellcheck shell=bash
# Helpers shared by scripts/stack/stack.sh and every scripts/stack/services/<name>.sh.
# Sourced, never run. Everything here works on plain processes: no Docker, no systemd.

STACK_CACHE="${STACK_CACHE:-$HOME/.cache/game-events-stack}"
STACK_HOME="${STACK_HOME:-$HOME/.local/state/game-events-stack}"
STACK_HOST=127.0.0.1
STACK_MVN_DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

stack_say() { printf 'stack: %s\n' "$*" >&2; }
stack_die() { printf 'stack: ERROR: %s\n' "$*" >&2; exit 1; }

# Per-service directories: cache (downloads, shared across state resets), data, log file, pid file.
stack_cache_dir() { echo "$STACK_CACHE/$1"; }
stack_data_dir() { echo "$STACK_HOME/$1"; }
stack_log_file() { echo "$STACK_HOME/logs/$1.log"; }
stack_pid_file() { echo "$STACK_HOME/run/$1.pid"; }

# Directory of a service's own files in the repo (its pom.xml, configs, Java sources).
stack_service_files() { echo "$STACK_DIR/services/$1"; }

# The `java` of a given major version (default 17): JAVA_HOME_<major> or the system's JVM folder.
# Trino 476 needs 24+, so a service may ask for 25 while the rest runs on the default 17.
stack_java() {
  local major="${1:-17}" var="JAVA_HOME_$1" candidate
  if [ -n "${!var:-}" ] && [ -x "${!var}/bin/java" ]; then echo "${!var}/bin/java"; return 0; fi
  for candidate in /usr/lib/jvm/*"$major"*/bin/java; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -qE "version \"$major[.\"]"; then
    command -v java; return 0
  fi
  stack_die "Java $major not found: install a JDK $major (Debian: openjdk-$major-jdk-headless) or set JAVA_HOME_$major"
}

stack_require_cmd() {
  command -v "$1" >/dev/null 2>&1 || stack_die "'$1' is not installed: $2"
}

# Copies a pom's runtime dependencies into <cache>/<name>/lib once; re-fetches when the pom changes.
# Usage: stack_fetch_classpath <name> <pom.xml>
stack_fetch_classpath() {
  local name="$1" pom="$2" dest stamp sum
  dest="$(stack_cache_dir "$name")/lib"
  stamp="$(stack_cache_dir "$name")/.pom.sha256"
  sum="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && [ -d "$dest" ]; then return 0; fi
  stack_require_cmd mvn "install Maven (Debian: maven) to fetch the $name artifacts from Maven Central"
  stack_say "$name: fetching artifacts from Maven Central into $dest"
  rm -rf "$dest" && mkdir -p "$dest"
  if ! mvn -q -B -f "$pom" "$STACK_MVN_DEP_PLUGIN:copy-dependencies" -DincludeScope=runtime \
      -DoutputDirectory="$dest" >"$(stack_cache_dir "$name")/fetch.log" 2>&1; then
    tail -n 30 "$(stack_cache_dir "$name")/fetch.log" >&2
    stack_die "$name: download from Maven Central failed (full log: $(stack_cache_dir "$name")/fetch.log)"
  fi
  echo "$sum" >"$stamp"
}

# Downloads one artifact (e.g. a tar.gz) into <cache>/<name>/ once and prints its path.
# Usage: stack_fetch_artifact <name> <group:artifact:version:type[:classifier]>
stack_fetch_artifact() {
  local name="$1" coords="$2" dir file
  dir="$(stack_cache_dir "$name")/artifacts"
  IFS=: read -r _g a v t c <<<"$coords"
  file="$dir/$a-$v${c:+-$c}.$t"
  if [ ! -s "$file" ]; then
    stack_require_cmd mvn "install Maven (Debian: maven) to fetch $coords from Maven Central"
    stack_say "$name: fetching $coords from Maven Central"
    mkdir -p "$dir"
    mvn -q -B "$STACK_MVN_DEP_PLUGIN:copy" -Dartifact="$coords" -DoutputDirectory="$dir" \
      >"$dir/fetch.log" 2>&1 || { tail -n 30 "$dir/fetch.log" >&2; stack_die "$name: download of $coords failed"; }
  fi
  echo "$file"
}

# Unpacks a tarball once into <dest> (GNU tar: Trino/Presto tarballs contain hard links).
stack_extract() {
  local tarball="$1" dest="$2"
  [ -f "$dest/.extracted" ] && return 0
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$tarball" -C "$dest" --strip-components=1 || stack_die "cannot unpack $tarball"
  touch "$dest/.extracted"
}

# Starts a command as a background process in its own session, output to the service's log.
# Usage: stack_spawn <name> <command> [args...]   (the pid file holds the process group id)
stack_spawn() {
  local name="$1"; shift
  local log pidfile
  log="$(stack_log_file "$name")"; pidfile="$(stack_pid_file "$name")"
  mkdir -p "$(dirname "$log")" "$(dirname "$pidfile")"
  printf '\n===== %s start %s =====\n' "$name" "$(date -u +%FT%TZ)" >>"$log"
  # setsid: a new session, so `down` can signal the whole group and the terminal's Ctrl-C does not reach it.
  # 9>&-: the service must not inherit the lock fd of stack.sh (it would hold the lock for its lifetime).
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 9>&- &
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$pidfile" ] && return 0; sleep 0.1; done
  stack_die "$name: the process did not start (see $log)"
}

# Prints the pid of a running service, or fails.
stack_pid() {
  local pidfile pid
  pidfile="$(stack_pid_file "$1")"
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  # A stale pid file (the machine rebooted, the pid was reused) names a process that is not ours:
  # every service's command line names its cache or state folder.
  # An empty command line is a process in the middle of exec (stack_spawn's bash becoming the
  # service): `up` once declared a starting Kafka dead at that instant on a loaded machine.
  if [ -r "/proc/$pid/cmdline" ]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [ -z "$cmdline" ] || grep -qF -e "$STACK_CACHE/$1/" -e "$STACK_HOME/$1/" <<<"$cmdline" || return 1
  fi
  echo "$pid"
}

stack_running() { stack_pid "$1" >/dev/null; }

# SIGTERM to the service's process group, then SIGKILL after a grace period (default 30 s).
stack_stop_process() {
  local name="$1" grace="${2:-30}" pid i
  pid="$(stack_pid "$name")" || { rm -f "$(stack_pid_file "$name")"; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    stack_say "$name: still running after ${grace}s, sending SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(stack_pid_file "$name")"
}

# True when something accepts TCP connections on host:port.
stack_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# True when an HTTP GET answers with a 2xx status.
stack_http_ok() { curl -fsS -o /dev/null --max-time "${2:-5}" "$1" 2>/dev/null; }

# Fails with a clear message when a port a service needs is taken by some other process.
stack_require_free_port() {
  stack_port_open "$STACK_HOST" "$2" && stack_die "$1: port $2 on $STACK_HOST is already in use by another process"
  return 0
}

# Waits until <name>_ready succeeds; fails with the log tail when the process dies or time runs out.
stack_wait_ready() {
  local name="$1" timeout="$2" started=$SECONDS
  while ! "${name}_ready"; do
    if ! stack_running "$name"; then
      tail -n 40 "$(stack_log_file "$name")" >&2
      stack_die "$name: the process exited during start-up (log above: $(stack_log_file "$name"))"
    fi
    if ((SECONDS - started >= timeout)); then
      tail -n 40 "$(stack_log_file "$name")" >&2
      stack_die "$name: not ready after ${timeout}s (log above: $(stack_log_file "$name"))"
    fi
    sleep 1
  done
}
