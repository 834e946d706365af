#!/usr/bin/env bash
# A local streaming replica: a second PostgreSQL cluster, a hot standby of the one on 127.0.0.1:5432.
#
#   scripts/replica-standby.sh start DIR [PORT]   pg_basebackup -R into DIR, start it on PORT (default 5433)
#   scripts/replica-standby.sh stop DIR           stop it and remove DIR
#
# The primary must accept replication connections: wal_level replica (or logical) and max_wal_senders > 0 need a
# restart to change, so they are only checked; a missing pg_hba.conf line for replication from 127.0.0.1 is added
# (trust, like the cluster's other local lines) and the configuration reloaded, which needs no restart.
# Exit status 2 means the primary cannot serve a standby here: callers skip the replica tests and say so.
set -euo pipefail

ACTION=${1:?start|stop}
DIR=${2:?data directory}
PORT=${3:-5433}
PRIMARY_HOST=127.0.0.1
PRIMARY_PORT=${PGPORT_PRIMARY:-5432}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_primary() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -Atqc "$1"; }

case "$ACTION" in
stop)
  if [ -d "$DIR" ]; then
    as_postgres "$PGBIN/pg_ctl" -D "$DIR" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
  fi
  exit 0
  ;;
start) ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 64 ;;
esac

if [ -z "$PGBIN" ]; then echo "No PostgreSQL binaries under /usr/lib/postgresql/*/bin." >&2; exit 2; fi
wal_level=$(psql_primary "SHOW wal_level")
senders=$(psql_primary "SHOW max_wal_senders")
if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
  echo "The primary has wal_level=$wal_level and max_wal_senders=$senders: a standby needs wal_level=replica and" \
    "max_wal_senders >= 2, which only a restart of the primary applies." >&2
  exit 2
fi
hba=$(psql_primary "SHOW hba_file")
if ! psql_primary "SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND
      (address IS NULL OR address = '127.0.0.1') AND auth_method = 'trust' AND type IN ('host', 'local')" | grep -q 1
then
  if [ -w "$hba" ] || [ "$(id -u)" = 0 ]; then
    echo "host replication postgres 127.0.0.1/32 trust" >>"$hba"
    psql_primary "SELECT pg_reload_conf()" >/dev/null
    sleep 1
  else
    echo "pg_hba.conf ($hba) has no replication line for 127.0.0.1 and is not writable here." >&2
    exit 2
  fi
fi

rm -rf "$DIR"
mkdir -p "$DIR"
chmod 700 "$DIR"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$DIR"
  chmod a+x "$(dirname "$DIR")"  # postgres must reach its data directory inside a temporary folder
fi
as_postgres "$PGBIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -D "$DIR" -R -X stream \
  -c fast >/dev/null
# Debian keeps the configuration outside the data directory: the standby gets a small one of its own.
as_postgres tee "$DIR/postgresql.conf" >/dev/null <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 64MB
fsync = off
EOF
as_postgres tee "$DIR/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
as_postgres "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
for _ in $(seq 1 30); do
  [ "$(psql -h 127.0.0.1 -p "$PORT" -U postgres -Atqc "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ] && exit 0
  sleep 1
done
echo "The standby on port $PORT did not come up (log: $DIR/server.log)." >&2
exit 2
