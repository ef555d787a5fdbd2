#!/usr/bin/env bash
# One load run end to end (see LOAD.md): a fresh PostgreSQL database, the server on it, an
# integrator key, load.mjs, then the server stopped and the database dropped.
#
#   tools/graphql-ws/run-load.sh N RATE DURATION [debug|release]
#
# Environment: BINARY (default target/BUILD/registration-api: another build to compare),
# PGHOST_URL (default postgres://root@127.0.0.1:5432), PORT (default 8099),
# CONCURRENCY (default 200), OUT_DIR (default /tmp/gqlws-load), RUST_LOG (default warn),
# NO_COMMIT_NOTICE (set: drop the commit-notice trigger, so that the relay runs on its tick alone),
# SCENARIO (steady, the default: load.mjs; stall: stall.mjs with N readers, STALLED clients that
# stop reading (default 5) and one burst of EVENTS (default 5000)).
set -euo pipefail

N=${1:-1000}
RATE=${2:-2}
DURATION=${3:-30}
BUILD=${4:-debug}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BINARY=${BINARY:-"$ROOT/target/$BUILD/registration-api"}
PG=${PGHOST_URL:-postgres://root@127.0.0.1:5432}
PORT=${PORT:-8099}
OUT_DIR=${OUT_DIR:-/tmp/gqlws-load}
DB="gqlws_load_$(date +%s)_$$"
RUN="$OUT_DIR/$DB"
mkdir -p "$RUN"

# The hard limit may be below 65536 (it is 20000 on the measuring machine): take what there is.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "file-descriptor limit: $(ulimit -n)" >&2

psql -X -q -d "$PG/postgres" -c "CREATE DATABASE $DB"
export DATABASE_URL="$PG/$DB"
export BIND_ADDR="127.0.0.1:$PORT"
export APP_ENV=development
export DOCUMENTS_DIR="$RUN/documents"
export RUST_LOG=${RUST_LOG:-warn}

SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  psql -X -q -d "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT

# Run from the scratch folder: the server writes nothing into the checkout.
(cd "$RUN" && exec "$BINARY" migrate) >"$RUN/migrate.log" 2>&1
if [ -n "${NO_COMMIT_NOTICE:-}" ]; then
  # For comparison only: without the commit notice (migration 000018) the relay runs on its
  # 1-s tick alone, as it did before.
  psql -X -q -d "$DATABASE_URL" -c "DROP TRIGGER event_committed_notice ON event"
fi
KEY=$(cd "$RUN" && "$BINARY" integrators add --name load --bodies '*' 2>>"$RUN/migrate.log")
(cd "$RUN" && exec "$BINARY") >"$RUN/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.2
done
echo "server $BUILD pid $SERVER_PID on $PORT, database $DB, fd limit $(grep 'open files' /proc/$SERVER_PID/limits | awk '{print $4}')" >&2
sleep 2 # let start-up settle before the "before" RSS sample

if [ "${SCENARIO:-steady}" = stall ]; then
  # N readers, STALLED clients that stop reading, one burst of EVENTS (RATE and DURATION unused).
  node "$HERE/stall.mjs" --url "ws://127.0.0.1:$PORT/graphql" --key "$KEY" --db "$DATABASE_URL" \
    --readers "$N" --stalled "${STALLED:-5}" --events "${EVENTS:-5000}" --out "$RUN/report.json"
else
  node "$HERE/load.mjs" --url "ws://127.0.0.1:$PORT/graphql" --key "$KEY" --db "$DATABASE_URL" \
    --server-pid "$SERVER_PID" --n "$N" --rate "$RATE" --duration "$DURATION" \
    --concurrency "${CONCURRENCY:-200}" --out "$RUN/report.json"
fi
echo "report: $RUN/report.json, server log: $RUN/server.log" >&2
grep -c . "$RUN/server.log" | xargs echo "server log lines:" >&2
