#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, and every test of the workspace.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test --workspace"
cargo test --workspace --locked --no-fail-fast

log "benchmarks compile"
cargo bench --workspace --locked --no-run
