#!/usr/bin/env bash
# Start a PostgreSQL server on 127.0.0.1 for the store tests; idempotent, needs root, no stdin.
# Installs Debian's postgresql package if missing, starts the cluster on loopback with trust
# auth for local TCP connections (a throw-away test server: never use this set-up in production),
# and prints the SQLAlchemy URL to use as MYSTERY_GUEST_TEST_PG. Exports nothing.
#   PGPORT (default 5432) picks the port.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PORT="${PGPORT:-5432}"
URL="postgresql+psycopg://postgres@127.0.0.1:${PORT}/postgres"

log() { echo "start-postgres: $*" >&2; }

# The server binary, not just the client (a machine may have psql alone).
if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    log "installing postgresql from the Debian packages"
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2 </dev/null
fi

VERSION="$(ls -d /usr/lib/postgresql/*/bin/postgres | awk -F/ '{print $5}' | sort -V | tail -n 1)"
CLUSTER=main
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {found=1} END {exit !found}'; then
    log "creating cluster $VERSION/$CLUSTER"
    pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" >&2
fi

CONF_DIR="/etc/postgresql/$VERSION/$CLUSTER"
# Loopback only, our port (Debian's postgresql.conf reads conf.d/; later settings win).
CONF="$CONF_DIR/postgresql.conf"
sed -i "s/^listen_addresses = 127.0.0.1$/#listen_addresses = 'localhost'/" "$CONF"  # undo an older run
grep -q "^include_dir = 'conf.d'" "$CONF" || echo "include_dir = 'conf.d'" >> "$CONF"
mkdir -p "$CONF_DIR/conf.d"
WANT="listen_addresses = '127.0.0.1'
port = $PORT
max_connections = 200"
if [ "$(cat "$CONF_DIR/conf.d/mystery-guest.conf" 2>/dev/null)" != "$WANT" ]; then
    printf '%s\n' "$WANT" > "$CONF_DIR/conf.d/mystery-guest.conf"
    chown -R postgres:postgres "$CONF_DIR/conf.d"
    RESTART=1
fi
HBA="$CONF_DIR/pg_hba.conf"
if ! grep -q "mystery-guest tests" "$HBA"; then
    # Put our rules first: the first matching line wins.
    { echo "# mystery-guest tests: trust on loopback"
      echo "host all all 127.0.0.1/32 trust"
      echo "host all all ::1/128 trust"
      cat "$HBA"; } > "$HBA.new"
    mv "$HBA.new" "$HBA"
    chown postgres:postgres "$HBA"
    RESTART=1
fi

STATUS="$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')"
if [ "$STATUS" = "online" ]; then
    if [ "${RESTART:-0}" = 1 ]; then
        pg_ctlcluster "$VERSION" "$CLUSTER" restart >&2
    else
        pg_ctlcluster "$VERSION" "$CLUSTER" reload >&2 || true
    fi
else
    log "starting cluster $VERSION/$CLUSTER on 127.0.0.1:$PORT"
    pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

for _ in $(seq 1 30); do
    if pg_isready -h 127.0.0.1 -p "$PORT" -q; then
        echo "$URL"
        exit 0
    fi
    sleep 1
done
log "the server did not become ready on 127.0.0.1:$PORT"
exit 1
