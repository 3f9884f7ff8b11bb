#!/usr/bin/env bash
# Shared by the project's scripts: where builds go, and installing what a fresh Debian machine lacks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Builds live outside the clone so that a fresh clone reuses them (and the clone stays small).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gridwork/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages named in the arguments that are not installed yet.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What building the workspace needs: a C toolchain (bundled SQLite, aws-lc for rustls) and perl.
ensure_build_deps() {
  ensure_apt build-essential pkg-config perl ca-certificates curl
  if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is missing: install Rust with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  fi
}

# What building, testing and running the app (src-tauri, ui) needs: WebKitGTK and GTK headers,
# Xvfb and WebKitWebDriver for end-to-end runs, imagemagick for screenshots, CJK fonts, and Node.js.
ensure_app_deps() {
  ensure_apt libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev \
    libxdo-dev build-essential pkg-config file xvfb xauth imagemagick webkit2gtk-driver dbus-x11 fonts-noto-cjk
  if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "Node.js 20 or newer is needed for the UI (ui/): install it, then run this again." >&2
    exit 1
  fi
}

# tauri-driver, the WebDriver bridge the end-to-end test drives the app through.
ensure_tauri_driver() {
  command -v tauri-driver >/dev/null 2>&1 && return 0
  log "installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
}

# The UI's npm packages, installed exactly as package-lock.json says when missing or stale.
ensure_ui_deps() {
  if [ ! -f "$ROOT/ui/node_modules/.package-lock.json" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    log "npm ci (ui)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
  fi
}

# Builds the UI into ui/dist, which the app binary embeds.
build_ui() {
  ensure_ui_deps
  (cd "$ROOT/ui" && npm run build --silent)
}
