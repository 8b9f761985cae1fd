#!/usr/bin/env bash
# The README's "Train on your own data" section, run as written: its ```sh blocks are read from
# README.md, so the commands tested are the ones users copy. Two substitutions only: the built
# binary for `build/textclass`, and a tiny BERT (tests/fixtures/hf's pre-training-style weights
# with the tiny model's tokenizer) for the hub's `bert-base-cased`, so that it runs offline in
# seconds. The commands run in a scratch folder where data/ is the repository's, as in a fresh
# clone. Checked: every command succeeds, the model, metrics.json and the comparison are written,
# and predict prints one JSON line per text with one of the CSV's labels.
# Usage: own_data.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

# The section's ```sh blocks, continuation lines joined, comments and blank lines dropped.
commands=$(awk '/^## /{on = ($0 == "## Train on your own data")}
                on && /^```/{inside = ($0 == "```sh" && !inside); next} on && inside' README.md |
           sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | grep -v '^[[:space:]]*\(#\|$\)')
if [ -z "$commands" ]; then
  fail "README.md: no commands under '## Train on your own data'"
  finish
fi
for command in train evaluate predict; do
  grep -q "^build/textclass $command " <<<"$commands" || fail "README.md: the section has no 'textclass $command' command"
done

tiny="$scratch/tiny-bert"
mkdir -p "$tiny"
cp tests/fixtures/hf/tiny-pretraining-style/{config.json,model.safetensors} tests/fixtures/hf/tiny/tokenizer*.json "$tiny/"
work="$scratch/clone"
mkdir -p "$work"
ln -s "$PWD/data" "$work/data"  # (cli.sh runs from the repository root)

# Each command's stdout and stderr go to <n>.out and <n>.err, n counting from 1.
n=0
while IFS= read -r line; do
  n=$((n + 1))
  line=${line//build\/textclass/\"\$textclass\"}
  line=${line//bert-base-cased/\"\$tiny\"}
  (cd "$work" && eval "$line") </dev/null >"$scratch/$n.out" 2>"$scratch/$n.err" ||
    fail "README command $n exited $?: $line"$'\n'"$(cat "$scratch/$n.err")"
done <<<"$commands"

# The files the commands name, found from their --output options.
output_of() { grep "^build/textclass $1 " <<<"$commands" | head -1 | grep -o -- '--output [^ ]*' | cut -d' ' -f2; }
model=$work/$(output_of train)
for file in config.json model.safetensors tokenizer.json log.jsonl; do
  [ -f "$model/$file" ] || fail "train: $model lacks $file"
done
labels=$(tail -n +2 data/examples/reviews.csv | awk -F, '{print $NF}' | sort -u)
for label in $labels; do
  grep -q "\"$label\"" "$model/config.json" || fail "train: config.json lacks the class $label"
done

metrics=$work/$(output_of evaluate)/metrics.json
[ -f "$metrics" ] || fail "evaluate wrote no $metrics"
grep -Eq '"accuracy": [0-9.e-]+' "$metrics" 2>/dev/null || fail "evaluate: $metrics has no accuracy"

# predict: one line per quoted text of its command, each with one of the CSV's labels.
predict_line=$(grep -n "^build/textclass predict " <<<"$commands" | head -1)
predict_n=${predict_line%%:*}
texts=$(grep -o '"[^"]*"' <<<"${predict_line#*:}" | wc -l)
[ "$texts" -ge 1 ] || fail "README's predict command quotes no text"
[ "$(wc -l <"$scratch/$predict_n.out")" -eq "$texts" ] ||
  fail "predict: expected $texts lines, got:"$'\n'"$(cat "$scratch/$predict_n.out")"
label_pattern=$(paste -sd'|' <<<"$labels")
while IFS= read -r prediction; do
  expect_line "$prediction" "^\{\"label\": \"($label_pattern)\", \"label_id\": [0-9]+, \"score\": [0-9.e-]+, \"probs\": \[[^]]*\]\}$" \
    "a prediction"
done <"$scratch/$predict_n.out"

if grep -q "^build/textclass compare " <<<"$commands"; then
  [ -f "$work/$(output_of compare)/comparison.html" ] || fail "compare wrote no comparison.html"
fi

finish
