#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and for trying Vetter on PostgreSQL.
#
#   scripts/postgres.sh start DIR   initdb in DIR (a new folder), start on a free loopback port, create the
#                                   database `vetter`; prints the address (postgres://vetter@127.0.0.1:PORT/vetter)
#   scripts/postgres.sh stop DIR    stop it (the folder stays; delete it yourself)
#
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user (Debian's package makes it).
set -euo pipefail

bin=""
for candidate in /usr/lib/postgresql/*/bin; do [ -x "$candidate/initdb" ] && bin="$candidate"; done
if [ -z "$bin" ]; then
    echo "scripts/postgres.sh: no PostgreSQL server found (apt-get install postgresql-15)" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
    echo "usage: scripts/postgres.sh start|stop DIR" >&2
    exit 2
fi

case "$command" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U vetter --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=on" start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U vetter vetter
    echo "$port" >"$dir/port"
    echo "postgres://vetter@127.0.0.1:$port/vetter"
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    ;;
*)
    echo "usage: scripts/postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
