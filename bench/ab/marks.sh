#!/usr/bin/env bash
# marks.sh BIN DIR QUERIES SPEAKERS N OUT: the first N queries through `ask --color always`
# (terminal text, matches in bold: the highlights), and each speaker request through
# `quotes --color always`, all written to OUT. Paths must be absolute.
set -euo pipefail
bin=$1 dir=$2 queries=$3 speakers=$4 n=$5 out=$6
# From an empty folder: no config.toml, built-in defaults for both binaries.
cd "$(mktemp -d)"
: > "$out"
head -n "$n" "$queries" | while IFS= read -r query; do
    printf '== ask %s\n' "$query" >> "$out"
    "$bin" --color always --briefs "$dir" ask -- "$query" >> "$out" 2>&1 || echo "(exit $?)" >> "$out"
done
while IFS=$'\t' read -r speaker about; do
    printf '== quotes %s / %s\n' "$speaker" "$about" >> "$out"
    if [[ -n $about ]]; then
        "$bin" --color always --briefs "$dir" quotes --about "$about" -- "$speaker" >> "$out" 2>&1 || echo "(exit $?)" >> "$out"
    else
        "$bin" --color always --briefs "$dir" quotes -- "$speaker" >> "$out" 2>&1 || echo "(exit $?)" >> "$out"
    fi
done < "$speakers"
