#!/usr/bin/env bash
# The main job: the sync server with a demo banner, and the grid worker's desktop app (王芳,
# enrollment code DEMO-W-0001) enrolled with it and synced. The server keeps running in the
# foreground; Ctrl-C stops it. Without a display the server still runs, and this says so.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps
ensure_app_deps

ADDR="${GRIDWORK_LISTEN:-127.0.0.1:8787}"
DATA="${GRIDWORK_DATA:-$ROOT/data}"
mkdir -p "$DATA"

log "building the UI and the binaries"
build_ui
cargo build --locked -p gridwork-sync-server -p gridwork-core -p gridwork-app
BIN="$CARGO_TARGET_DIR/debug"

log "starting the sync server on http://$ADDR with demo data"
"$BIN/gridwork-sync-server" --listen "$ADDR" --database "sqlite://$DATA/gridwork-sync.db" --demo &
SERVER=$!
APP=""
cleanup() {
  [ -n "$APP" ] && kill "$APP" 2>/dev/null
  kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS "http://$ADDR/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# The app keeps its store in GRIDWORK_DATA_DIR; the CLI enrolls that same store before the first start.
export GRIDWORK_DATA_DIR="$DATA/app-wangfang"
mkdir -p "$GRIDWORK_DATA_DIR"
DB="$GRIDWORK_DATA_DIR/gridwork.db"
if [ ! -f "$DB" ]; then
  log "enrolling the demo grid worker's handset (code DEMO-W-0001)"
  "$BIN/gridwork" --db "$DB" enroll --server "http://$ADDR" --code DEMO-W-0001 --device-name "王芳的手机"
fi
log "syncing the handset"
"$BIN/gridwork" --db "$DB" sync
"$BIN/gridwork" --db "$DB" today --limit 3

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  log "starting the grid worker's app (window: 网格通 Gridwork)"
  "$BIN/gridwork-app" &
  APP=$!
  cat <<TXT

The app is open, enrolled as 王芳 with the server at http://$ADDR (data in $DATA).
Closing the window leaves the server running; press Ctrl-C to stop both.
TXT
else
  cat <<TXT

NO DISPLAY: \$DISPLAY and \$WAYLAND_DISPLAY are empty, so the app's window cannot open here.
The sync server is running at http://$ADDR (data in $DATA) and the handset store is enrolled
and synced in $GRIDWORK_DATA_DIR. To see the app:
  - on a desktop session, run ./scripts/run.sh there;
  - or with a virtual display:  GRIDWORK_DATA_DIR=$GRIDWORK_DATA_DIR xvfb-run -a $BIN/gridwork-app
  - the CLI works on the same store:  $BIN/gridwork --db $DB household list --search zw
Press Ctrl-C to stop the server.
TXT
fi
wait "$SERVER"
