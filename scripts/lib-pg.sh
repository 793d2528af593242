# A throwaway PostgreSQL for the scripts: source this file, call pg_start, and call
# pg_cleanup from the script's EXIT trap. The server listens on a Unix socket in a
# temporary folder only (no TCP port) and is removed with its data afterwards.
#
#   pg_start [postgres -c settings...]  initdb, start, create database icf; exports
#                                       DATABASE_URL (socket folder percent-encoded)
#   pg_stop [fast|immediate|smart]      stop the server, keep its data
#   pg_resume                           start the stopped server again, same socket
#   pg_cleanup                          stop it (immediate) and remove its folder
#
# PostgreSQL refuses to run as root: as root its binaries run as the postgres user, on
# a folder that user owns.

PG_BIN=""
PG_DIR=""
PG_OPTS=""

pg_find_bin() {
  # Resolve a symlinked initdb to the folder that also holds pg_ctl and createdb.
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  return 1
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  PG_BIN="$(pg_find_bin || true)"
  if [ -z "$PG_BIN" ]; then
    echo "PostgreSQL's server binaries (initdb) are not installed: apt-get install postgresql." >&2
    return 1
  fi
  PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/icf-pg.XXXXXX")"
  chmod 755 "$PG_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-locale -E UTF8 --no-sync >/dev/null
  PG_OPTS="-k $PG_DIR -c listen_addresses='' $*"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" start -o "$PG_OPTS" >/dev/null
  as_pg "$PG_BIN/createdb" -h "$PG_DIR" -U postgres icf
  export DATABASE_URL="postgres://postgres@${PG_DIR//\//%2F}/icf"
  echo "Throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $PG_DIR (socket only)"
}

pg_stop() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -m "${1:-fast}" stop >/dev/null
}

pg_resume() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/server.log" start -o "$PG_OPTS" >/dev/null
}

pg_cleanup() {
  if [ -n "$PG_DIR" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}
