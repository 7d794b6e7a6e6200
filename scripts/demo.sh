#!/usr/bin/env bash
# pushnote's main job on the embedded sample notebook: show this week's note, lint the notebook,
# render the announcement of the latest finished push. It installs what it needs first and never
# changes the project's files or history (nothing here writes to the notebook).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
swift build --product pushnote
pushnote=".build/debug/pushnote"
notebook="notebook"
echo "== pushnote show (this week's note)"
"$pushnote" show --notebook "$notebook"
echo
echo "== pushnote lint (every note)"
"$pushnote" lint --notebook "$notebook" "$notebook"/20*/*.md
if "$pushnote" mail --help >/dev/null 2>&1; then
  echo
  echo "== pushnote mail 2026-11-24 (the latest finished push)"
  "$pushnote" mail --notebook "$notebook" 2026-11-24
fi
