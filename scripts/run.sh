#!/usr/bin/env bash
# The main job: the sync server with a demo banner, and a demo grid worker's handset enrolled with
# it and synced. The server keeps running in the foreground; Ctrl-C stops it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps

ADDR="${GRIDWORK_LISTEN:-127.0.0.1:8787}"
DATA="${GRIDWORK_DATA:-$ROOT/data}"
mkdir -p "$DATA"

log "building"
cargo build --locked -p gridwork-sync-server -p gridwork-core
BIN="$CARGO_TARGET_DIR/debug"

log "starting the sync server on http://$ADDR with demo data"
"$BIN/gridwork-sync-server" --listen "$ADDR" --database "sqlite://$DATA/gridwork-sync.db" --demo &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS "http://$ADDR/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done

export GRIDWORK_DB="$DATA/handset-wangfang.db"
if [ ! -f "$GRIDWORK_DB" ]; then
  log "enrolling the demo grid worker's handset (code DEMO-W-0001)"
  "$BIN/gridwork" enroll --server "http://$ADDR" --code DEMO-W-0001 --device-name "王芳的手机"
fi
log "syncing the handset"
"$BIN/gridwork" sync
log "what the worker sees today"
"$BIN/gridwork" today --limit 5

cat <<TXT

The sync server is running at http://$ADDR (data in $DATA). Try, in another terminal:
  GRIDWORK_DB=$GRIDWORK_DB $BIN/gridwork household list --search zw
  GRIDWORK_DB=$GRIDWORK_DB $BIN/gridwork --help
Press Ctrl-C to stop the server.
TXT
wait $SERVER
