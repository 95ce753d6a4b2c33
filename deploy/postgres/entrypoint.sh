#!/bin/sh
# Create the cluster on first start (user, password, database from POSTGRES_*), then run the
# command: `postgres -c ...`, as the official image does.
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
export PATH="$bin:$PATH"
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user=${POSTGRES_USER:-postgres}
database=${POSTGRES_DB:-$user}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  secret=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$secret"
  initdb --username="$user" --pwfile="$secret" --auth=scram-sha-256 --encoding=UTF8 \
    --locale=C.UTF-8 --pgdata="$PGDATA" >/dev/null
  rm -f "$secret"
  if [ "$database" != postgres ]; then
    socket=$(mktemp -d)
    pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k $socket" --wait start >/dev/null
    PGPASSWORD=$POSTGRES_PASSWORD createdb --host="$socket" --username="$user" "$database"
    pg_ctl --pgdata="$PGDATA" --mode=fast --wait stop >/dev/null
    rmdir "$socket"
  fi
  echo "created the database cluster in $PGDATA"
fi
exec "$@"
