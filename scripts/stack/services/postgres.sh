# shellcheck shell=bash
# PostgreSQL from the Debian packages (scripts/setup/apt-packages.txt): the game API's shared
# state store (API_STORE=postgres). One cluster of our own, initdb'd under $STACK_HOME/postgres/data,
# listening on TCP only (no socket file in /var/run), trust authentication on the loopback as the
# other stack services (security is issue 17). A system-wide cluster, if any, is never touched.
# Port: 5432. Database: game, user: game.
postgres_ports="5432"
postgres_timeout=60

# The newest installed server binaries (Debian puts each major under /usr/lib/postgresql/<major>/bin).
postgres_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] && [ -x "$dir/postgres" ] || stack_die "postgres: PostgreSQL is not installed (Debian: postgresql; scripts/setup.sh installs it)"
  echo "$dir"
}

# The server refuses to run as root: as root it runs as the Debian package's `postgres` user.
# Sets PG_AS to the command prefix that does so (empty otherwise).
postgres_user() {
  PG_AS=()
  [ "$(id -u)" -eq 0 ] && PG_AS=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  return 0
}

postgres_fetch() {
  postgres_bin >/dev/null
}

postgres_start() {
  local bin dir log
  bin="$(postgres_bin)"; dir="$(stack_data_dir postgres)"; log="$(stack_log_file postgres)"
  postgres_user
  mkdir -p "$dir" "$(dirname "$log")"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    "${PG_AS[@]}" test -x "$dir" ||
      stack_die "postgres: the user 'postgres' cannot reach $dir; set STACK_HOME to a folder outside /root (e.g. /var/tmp/game-events-stack)"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    "${PG_AS[@]}" "$bin/initdb" -D "$dir/data" -U game --auth=trust --encoding=UTF8 --locale=C.UTF-8 >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; stack_die "postgres: initdb failed"; }
    "${PG_AS[@]}" "$bin/postgres" --single -D "$dir/data" postgres <<<"CREATE DATABASE game;" >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; stack_die "postgres: cannot create the database"; }
  fi
  # Settings on the command line, so a changed STACK_HOME or port needs no edit of the data folder.
  stack_spawn postgres "${PG_AS[@]}" "$bin/postgres" -D "$dir/data" -c listen_addresses="$STACK_HOST" -c port=5432 \
    -c unix_socket_directories= -c max_connections=200 -c shared_buffers=128MB -c fsync=on -c logging_collector=off
}

postgres_ready() {
  stack_port_open "$STACK_HOST" 5432 || return 1
  "$(postgres_bin)/pg_isready" -q -h "$STACK_HOST" -p 5432 -d game -U game 2>/dev/null
}

postgres_stop() {
  # SIGINT is PostgreSQL's "fast" shutdown: it rolls back open transactions, checkpoints and
  # exits cleanly (SIGTERM, "smart", would wait for every client to disconnect).
  local pid i
  if pid="$(stack_pid postgres)"; then
    kill -INT "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  stack_stop_process postgres 10
}
