#!/bin/sh
# Weekly supervision summary (监督周报) for cron.
#
# Writes the markdown summary of the ISO week containing today (or of $PERIOD) to
# $OUT_DIR/summary-YYYY-Www.md and exits non-zero when anything is overdue, so that cron
# mails the output of a late week.  Example crontab line (Mondays 08:00, last week):
#
#   0 8 * * 1  MINSHENG_DB=/srv/minsheng/register.db PERIOD=last-week OUT_DIR=/srv/minsheng/weekly /path/to/weekly-summary.sh
#
# Environment: MINSHENG_DB (the register), PERIOD (default this-week), OUT_DIR (default .),
# MINSHENG (the command, default: minsheng on PATH), MINSHENG_TODAY (to replay a past week).
# Exit codes: 0 nothing late; 1 something late (the summary is still written);
# 2 bad input; 3 the register failed — minsheng's own code and message, passed through.
set -eu

MINSHENG=${MINSHENG:-minsheng}
PERIOD=${PERIOD:-this-week}
OUT_DIR=${OUT_DIR:-.}

mkdir -p "$OUT_DIR"
# The period's label (e.g. 2021-W24) names the file: ask the summary itself, as JSON.  Its
# notes are kept back (the markdown run below repeats them) unless it fails: then its
# message and exit code are the script's.
notes=$(mktemp)
trap 'rm -f "$notes"' EXIT
json=$("$MINSHENG" summary --period "$PERIOD" --format json 2>"$notes") \
    || { status=$?; cat "$notes" >&2; exit "$status"; }
label=$(printf '%s\n' "$json" | sed -n 's/^    "label": "\(.*\)",$/\1/p' | head -n 1)
[ -n "$label" ] || { echo "weekly-summary: no period label in the summary" >&2; exit 2; }
out="$OUT_DIR/summary-$label.md"

"$MINSHENG" summary --period "$PERIOD" --format markdown > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out" >&2

# overdue --exit-code: 0 when nothing is late, 1 when something is (as of today).
"$MINSHENG" overdue --exit-code --format tsv > /dev/null
