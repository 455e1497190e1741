#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the test suite (.ci/run; also handy locally) and prints its URL:
#   export SIM_TEST_PG_URL=$(bash scripts/start-postgres.sh)
# Debian's package (apt-get install postgresql) is installed when missing; the cluster lives in a temp directory,
# listens on 127.0.0.1 (PG_TEST_PORT, 55432) with trust authentication, and runs as the postgres user.
set -euo pipefail
PORT=${PG_TEST_PORT:-55432}
DIR=${PG_TEST_DIR:-/tmp/sim-pg-test}
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  $SUDO apt-get update -qq >&2
  # The package's own cluster is not used (no init system to run it here): ours is below.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! as_postgres "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q 2>/dev/null; then
  $SUDO rm -rf "$DIR"; $SUDO mkdir -p "$DIR"; $SUDO chown postgres "$DIR"
  as_postgres "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >"$DIR/../sim-pg-initdb.log" 2>&1 || { cat "$DIR/../sim-pg-initdb.log" >&2; exit 1; }
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=on" -l "$DIR/server.log" -w start >&2
fi
as_postgres "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
