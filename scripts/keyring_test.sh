#!/usr/bin/env bash
# The vault against a real OS keyring: a private D-Bus session (dbus-run-session) with
# gnome-keyring's Secret Service in a temporary HOME, unlocked with a throwaway password, then
# crates/core/tests/os_keyring.rs in it. (Without a session bus that test only says it was skipped.)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_apt dbus gnome-keyring
# cargo and rustup stay where they are while HOME points at the keyring's temporary one.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
KHOME="$(mktemp -d)"
trap 'rm -rf "$KHOME"' EXIT
log "os_keyring test in a private D-Bus session with gnome-keyring"
HOME="$KHOME" dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf "throwaway" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL GRIDWORK_REQUIRE_KEYRING=1
  cargo test --locked -q -p gridwork-core --test os_keyring -- --nocapture
'
