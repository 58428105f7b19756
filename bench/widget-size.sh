#!/bin/sh
# Prints the web widget's size: what a visitor downloads (widget.js and
# widget.css), raw and gzipped at level 9, against the 20 KiB gzipped budget.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
budget=20480
total=0
for f in widget.js widget.css; do
  raw=$(wc -c < "$root/data/widget/$f")
  gz=$(gzip -9 -c "$root/data/widget/$f" | wc -c)
  total=$((total + gz))
  printf '%-12s %7d bytes, %6d bytes gzipped\n' "$f" "$raw" "$gz"
done
printf '%-12s %21d bytes gzipped (%d.%d KiB; budget %d KiB)\n' total "$total" \
  $((total / 1024)) $((total % 1024 * 10 / 1024)) $((budget / 1024))
[ "$total" -le "$budget" ]
