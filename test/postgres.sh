#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests: Debian's postgresql package, one cluster under /var/tmp,
# listening on 127.0.0.1 only, on a fixed non-default port. Installs nothing; run as root.
#
#   test/postgres.sh start   creates and starts the cluster (or reuses a running one) and prints the admin
#                            connection string the tests read from PORTWARDEN_TEST_POSTGRES:
#                              export PORTWARDEN_TEST_POSTGRES="$(test/postgres.sh start)"
#   test/postgres.sh stop    stops it and removes its data directory.
#
# PORTWARDEN_TEST_POSTGRES_PORT overrides the port (default 55432). Password authentication on loopback, so the
# tests can also check what a wrong password does; the password only guards a throwaway server.
set -euo pipefail

port="${PORTWARDEN_TEST_POSTGRES_PORT:-55432}"
base="/var/tmp/portwarden-postgres-$port"
data="$base/data"
password="portwarden-test"
connection="Host=127.0.0.1;Port=$port;Username=postgres;Password=$password;Database=postgres"

fail() {
    echo "test/postgres.sh: $*" >&2
    exit 1
}

as_postgres() {
    runuser -u postgres -- "$@"
}

binaries() {
    local bin
    bin="$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$bin" ]] || fail "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"
    dirname "$bin"
}

running() {
    [[ -f "$data/postmaster.pid" ]] && as_postgres "$1/pg_ctl" status -D "$data" >/dev/null 2>&1
}

start() {
    [[ $EUID -eq 0 ]] || fail "run as root (it runs the server as the postgres user)"
    id postgres >/dev/null 2>&1 || fail "no 'postgres' user: apt-get install postgresql"
    local bin
    bin="$(binaries)"
    if running "$bin"; then
        echo "$connection"
        return
    fi

    # A stale directory from a run that was not stopped: start over.
    rm -rf "$base"
    mkdir -p "$base"
    chown postgres:postgres "$base"
    chmod 700 "$base"
    local pwfile="$base/pwfile"
    printf '%s\n' "$password" >"$pwfile"
    chown postgres:postgres "$pwfile"
    as_postgres "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; fail "initdb failed"; }
    rm -f "$pwfile"

    # Loopback only, the socket inside the private directory, and no durability: the data is thrown away.
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    as_postgres "$bin/pg_ctl" start -D "$data" -l "$base/server.log" -w -t 60 >/dev/null \
        || { tail -n 20 "$base/server.log" >&2 || true; fail "the server did not start (port $port in use?)"; }
    echo "$connection"
}

stop() {
    local bin
    bin="$(binaries)"
    if running "$bin"; then
        as_postgres "$bin/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
    fi

    rm -rf "$base"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) fail "usage: test/postgres.sh start|stop" ;;
esac
