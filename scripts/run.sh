#!/usr/bin/env bash
# The main job: the sync server with a demo banner (households, four months of history — visits,
# cards, cases, highlight points — and cases at every step of the closed loop), and the grid
# worker's desktop app (王芳, account DEMO-W-0001, enrolled with the
# fresh one-time code the server prints; GRIDWORK_ROLE=leader or supervisor for 张伟 or 李娜)
# enrolled with it and synced. The server keeps running in the
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
"$BIN/gridwork-sync-server" --listen "$ADDR" --database "$DATABASE" --demo --demo-size office --demo-months 4 --demo-cases 8 > >(tee "$SERVER_OUT") &
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

# Whose handset: GRIDWORK_ROLE=worker (default, 王芳), leader (张伟, the same grid) or supervisor
# (李娜, the township); each keeps its own store.
case "${GRIDWORK_ROLE:-worker}" in
  leader) ACCOUNT=DEMO-L-0001; WHO="张伟"; KIND="grid leader's"; STORE=app-zhangwei ;;
  supervisor) ACCOUNT=DEMO-S-0001; WHO="李娜"; KIND="township supervisor's"; STORE=app-lina ;;
  *) ACCOUNT=DEMO-W-0001; WHO="王芳"; KIND="grid worker's"; STORE=app-wangfang ;;
esac
# The app keeps its store in GRIDWORK_DATA_DIR; the CLI enrolls that same store before the first start.
export GRIDWORK_DATA_DIR="$DATA/$STORE"
mkdir -p "$GRIDWORK_DATA_DIR"
DB="$GRIDWORK_DATA_DIR/gridwork.db"
# The handset store is encrypted: `enroll` sets this PIN, every later CLI command unlocks with it
# (the app asks for the same PIN on its lock screen).
export GRIDWORK_PIN="${GRIDWORK_PIN:-246810}"
if [ ! -f "$DB" ]; then
  # The code the demo printed for the account; on a database seeded before, a fresh one.
  CODE="$(awk -v a="$ACCOUNT" '$1 == a { print $2; exit }' "$SERVER_OUT")"
  if [ -z "$CODE" ]; then
    CODE="$("$BIN/gridwork-sync-server" code create --database "$DATABASE" --account "$ACCOUNT" --by DEMO-A-0001)"
  fi
  log "enrolling the demo $KIND handset (account $ACCOUNT, one-time code $CODE)"
  "$BIN/gridwork" --db "$DB" enroll --server "http://$ADDR" --code "$CODE" --device-name "${WHO}的手机"
fi
log "syncing the handset"
"$BIN/gridwork" --db "$DB" sync
if [ "$ACCOUNT" = DEMO-W-0001 ]; then
  "$BIN/gridwork" --db "$DB" today --limit 3
else
  "$BIN/gridwork" --db "$DB" dispute queue --limit 5
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  log "starting the $KIND app (window: 网格通 Gridwork)"
  "$BIN/gridwork-app" &
  APP=$!
  cat <<TXT

The app is open, enrolled as $WHO with the server at http://$ADDR (data in $DATA).
To open the grid leader's or the township supervisor's app on the same data instead, stop this
(Ctrl-C) and run  GRIDWORK_ROLE=leader ./scripts/run.sh  (or GRIDWORK_ROLE=supervisor).
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
