#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, the UI's checks and unit tests, every
# test of the workspace (the app's end-to-end run under Xvfb among them), and stale-binding checks.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps
ensure_app_deps
ensure_tauri_driver

log "ui: npm ci, type check, unit tests, build"
ensure_ui_deps
(cd ui && npm run check && npx vitest run)
build_ui

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test --workspace (regenerates ui/src/lib/bindings and ui/src/lib/commands.gen.ts)"
cargo test --workspace --locked --no-fail-fast

log "the monthly notice's XLSX through LibreOffice: PDF pages with the notice's figures"
bash scripts/notice_pdf.sh
bash scripts/keyring_test.sh

log "TypeScript bindings and the typed command client are up to date"
generated=(ui/src/lib/bindings ui/src/lib/commands.gen.ts)
if ! git diff --exit-code -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard "${generated[@]}")" ]; then
  echo "ui/src/lib/bindings or ui/src/lib/commands.gen.ts is stale: commit the regenerated files (cargo test regenerates them)." >&2
  exit 1
fi

log "benchmarks compile"
cargo bench --workspace --locked --no-run
