#!/usr/bin/env bash
# The monthly notice as the township office prints it: a supervisor's store holding the office demo
# (four months of history), last month's notice written by `gridwork report monthly` (XLSX + CSV),
# the XLSX turned into PDF by LibreOffice headless. Fails unless the PDF has pages and every row of
# the CSV (each village and grid: its name and its cases reported this month and last) reads the
# same in the PDF's text. With a folder as argument, also writes the PDF and its pages as PNG there.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
ensure_build_deps
ensure_apt libreoffice-calc-nogui poppler-utils

OUT="${1:-}"
cargo build --locked -q -p gridwork-core --bin gridwork
GRIDWORK="$CARGO_TARGET_DIR/debug/gridwork"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export GRIDWORK_DB="$WORK/office.db"
# The store is encrypted: `init` sets this PIN, every later command unlocks with it.
export GRIDWORK_PIN="${GRIDWORK_PIN:-246810}"

"$GRIDWORK" init --user 李娜 --phone 13800138000 --scope 150621001 --role supervisor >/dev/null
"$GRIDWORK" seed --size office --months 4 >/dev/null
MONTH="$(date -u -d "$(date -u +%Y-%m-01) -1 day" +%Y-%m)"
mkdir -p "$WORK/notice"
"$GRIDWORK" report monthly --month "$MONTH" --out "$WORK/notice" >/dev/null
XLSX="$(find "$WORK/notice" -name '*.xlsx' | head -1)"
CSV="$(find "$WORK/notice" -name '*.csv' | head -1)"
[ -n "$XLSX" ] && [ -n "$CSV" ] || { echo "gridwork report monthly wrote no XLSX or CSV" >&2; exit 1; }

log "LibreOffice: $(basename "$XLSX") → PDF"
soffice --headless --norestore "-env:UserInstallation=file://$WORK/lo-profile" \
  --convert-to pdf --outdir "$WORK/pdf" "$XLSX" >/dev/null 2>&1
PDF="$(find "$WORK/pdf" -name '*.pdf' | head -1)"
[ -n "$PDF" ] || { echo "LibreOffice wrote no PDF" >&2; exit 1; }
PAGES="$(pdfinfo "$PDF" | awk '/^Pages:/ {print $2}')"
[ "${PAGES:-0}" -ge 1 ] || { echo "the notice's PDF has no pages" >&2; exit 1; }

# Each CSV row (after the header): code, name, level, reported this month, reported last month.
pdftotext -layout "$PDF" "$WORK/notice.txt"
ROWS=0
while IFS=, read -r _code name _level this last _rest; do
  ROWS=$((ROWS + 1))
  if ! grep -Eq "^ *${name} .* ${this} +${last}( |$)" "$WORK/notice.txt"; then
    echo "the PDF does not show ${name} with ${this} cases reported this month and ${last} last month" >&2
    exit 1
  fi
done < <(tail -n +2 "$CSV" | grep -v '^$' | grep -E '^[0-9]{9,15},')
[ "$ROWS" -ge 4 ] || { echo "the notice's CSV holds only $ROWS area rows" >&2; exit 1; }
log "the notice for $MONTH: $PAGES PDF pages, $ROWS areas read back from the PDF"

if [ -n "$OUT" ]; then
  mkdir -p "$OUT"
  cp "$PDF" "$OUT/notice-$MONTH.pdf"
  pdftoppm -r 150 -png "$PDF" "$OUT/notice-page"
  log "wrote $OUT/notice-$MONTH.pdf and its pages as PNG"
fi
