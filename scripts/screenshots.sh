#!/usr/bin/env bash
# Refreshes docs/screenshots/: runs the app's end-to-end test (real app under Xvfb, driven over
# WebDriver) with GRIDWORK_SCREENSHOTS set, which saves a 360×740 PNG of every screen (the office's
# desk screens at desktop size), and the monthly notice's XLSX turned into PDF by LibreOffice.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps
ensure_app_deps
ensure_tauri_driver
build_ui
GRIDWORK_SCREENSHOTS="$ROOT/docs/screenshots" cargo test --locked -p gridwork-app --test e2e -- --nocapture
# The monthly notice's XLSX as LibreOffice prints it: its first page.
pages="$(mktemp -d)"
bash scripts/notice_pdf.sh "$pages"
cp "$pages/notice-page-1.png" "$ROOT/docs/screenshots/31-notice-xlsx-page1.png"
rm -rf "$pages"
ls -1 "$ROOT/docs/screenshots"
