#!/usr/bin/env bash
# answers.sh BIN DIR QUERIES SPEAKERS OUT: `ask --batch` on QUERIES, then `quotes --json` for
# each line of SPEAKERS (speaker TAB about), all written to OUT.ask.jsonl and OUT.quotes.json.
# Paths must be absolute.
set -euo pipefail
bin=$1 dir=$2 queries=$3 speakers=$4 out=$5
# From an empty folder: no config.toml, built-in defaults for both binaries.
cd "$(mktemp -d)"
"$bin" --briefs "$dir" ask --batch "$queries" --limit 3 > "$out.ask.jsonl"
: > "$out.quotes.json"
while IFS=$'\t' read -r speaker about; do
    if [[ -n $about ]]; then
        "$bin" --briefs "$dir" quotes --json --about "$about" -- "$speaker" >> "$out.quotes.json" 2>&1 || echo "exit $?" >> "$out.quotes.json"
    else
        "$bin" --briefs "$dir" quotes --json -- "$speaker" >> "$out.quotes.json" 2>&1 || echo "exit $?" >> "$out.quotes.json"
    fi
done < "$speakers"
