#!/usr/bin/env bash
# replies.sh OLD NEW DIR OUT: whether two builds write the same replies, byte for byte, for
# the briefs in DIR. Queries and speaker requests come from inputs.py (words of the briefs,
# typos, quoted phrases, chat questions) plus the edge cases below (only common words, empty,
# white space, unknown and ambiguous speakers, topics of common words only). Compared:
#   ask --batch (JSON lines); ask --json and ask in text, plain and bold, one process a query
#   for a sample; every query and speaker request through `chat` (text, plain and bold);
#   quotes --json and quotes in text, plain and bold, for every speaker request.
# Writes OUT/{old,new}.* and prints one line per comparison; exits 1 on any difference.
# Paths must be absolute.
set -euo pipefail
old=$1 new=$2 dir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
python3 "$here/inputs.py" "$dir" "$out/queries" "$out/speakers" 40 14
cat >> "$out/queries" <<'EOF'
the
the of and to
  what about the  
 zzyzx 
"the and"
"no such phrase here at all"
electoin hackng
!!! ???
EOF
printf '%s\t%s\n' "john" "" "trmp" "" "president trump" "the" "putin" "the of" \
    "xyzzy" "election" "  " "" "a" "" "jo" "" >> "$out/speakers"
# A sample for the one-process-a-query modes: every 7th query and all the edge cases.
awk 'NR % 7 == 0' "$out/queries" > "$out/sample"
tail -n 20 "$out/queries" >> "$out/sample"

run() { # BIN NAME
    local bin=$1 name=$2 q s a
    cd "$(mktemp -d)" # no config.toml: built-in defaults for both
    "$bin" --briefs "$dir" ask --batch "$out/queries" > "$out/$name.batch.jsonl"
    for color in never always; do
        : > "$out/$name.ask.$color.txt"
        while IFS= read -r q; do
            "$bin" --briefs "$dir" --color "$color" ask -- "$q" >> "$out/$name.ask.$color.txt" 2>&1 \
                || echo "exit $?" >> "$out/$name.ask.$color.txt"
        done < "$out/sample"
        {
            sed 's/^/\/brief /' "$out/queries"
            while IFS=$'\t' read -r s a; do
                if [[ -n $a ]]; then echo "/quotes $s topic: $a"; else echo "/quotes $s"; fi
            done < "$out/speakers"
        } | "$bin" --briefs "$dir" --color "$color" chat > "$out/$name.chat.$color.txt" 2>&1
        : > "$out/$name.quotes.$color.txt"
        while IFS=$'\t' read -r s a; do
            args=(quotes)
            [[ -n $a ]] && args+=(--about "$a")
            "$bin" --briefs "$dir" --color "$color" "${args[@]}" -- "$s" >> "$out/$name.quotes.$color.txt" 2>&1 \
                || echo "exit $?" >> "$out/$name.quotes.$color.txt"
        done < "$out/speakers"
    done
    : > "$out/$name.ask.json"
    while IFS= read -r q; do
        "$bin" --briefs "$dir" ask --json -- "$q" >> "$out/$name.ask.json" 2>&1 || echo "exit $?" >> "$out/$name.ask.json"
    done < "$out/sample"
    : > "$out/$name.quotes.json"
    while IFS=$'\t' read -r s a; do
        args=(quotes --json)
        [[ -n $a ]] && args+=(--about "$a")
        "$bin" --briefs "$dir" "${args[@]}" -- "$s" >> "$out/$name.quotes.json" 2>&1 \
            || echo "exit $?" >> "$out/$name.quotes.json"
    done < "$out/speakers"
}
run "$old" old
run "$new" new
status=0
for f in batch.jsonl ask.json ask.never.txt ask.always.txt chat.never.txt chat.always.txt \
    quotes.json quotes.never.txt quotes.always.txt; do
    if cmp -s "$out/old.$f" "$out/new.$f"; then
        echo "same      $f ($(wc -l < "$out/new.$f") lines)"
    else
        echo "DIFFERENT $f"; cmp "$out/old.$f" "$out/new.$f" || true; status=1
    fi
done
exit $status
