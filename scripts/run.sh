#!/usr/bin/env bash
# The main job: the sync server with a demo banner, and the grid worker's desktop app (王芳,
# account DEMO-W-0001, enrolled with the fresh one-time code the server prints) enrolled with it
# and synced. The server keeps running in the
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
DATABASE="sqlite://$DATA/gridwork-sync.db"
SERVER_OUT="$DATA/server-start.txt"
# What the server prints (the demo's one-time codes among it) is kept to read the worker's code.
"$BIN/gridwork-sync-server" --listen "$ADDR" --database "$DATABASE" --demo > >(tee "$SERVER_OUT") &
SERVER=$!
APP=""
cleanup() {
  [ -n "$APP" ] && kill "$APP" 2>/dev/null
  kill "$SERVER" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 100); do
  grep -q "^listening on" "$SERVER_OUT" 2>/dev/null && curl -fsS "http://$ADDR/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# The app keeps its store in GRIDWORK_DATA_DIR; the CLI enrolls that same store before the first start.
export GRIDWORK_DATA_DIR="$DATA/app-wangfang"
mkdir -p "$GRIDWORK_DATA_DIR"
DB="$GRIDWORK_DATA_DIR/gridwork.db"
if [ ! -f "$DB" ]; then
  # The code the demo printed for DEMO-W-0001; on a database seeded before, a fresh one.
  CODE="$(awk '$1 == "DEMO-W-0001" { print $2; exit }' "$SERVER_OUT")"
  if [ -z "$CODE" ]; then
    CODE="$("$BIN/gridwork-sync-server" code create --database "$DATABASE" --account DEMO-W-0001 --by DEMO-A-0001)"
  fi
  log "enrolling the demo grid worker's handset (account DEMO-W-0001, one-time code $CODE)"
  "$BIN/gridwork" --db "$DB" enroll --server "http://$ADDR" --code "$CODE" --device-name "王芳的手机"
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
