#!/usr/bin/env bash
# `textclass train --no-shuffle` and `--dropout`, with which a run replays another trainer's batches
# without dropout (bench/loss_curve/): batches in the file's row order whatever the seed, the first
# step on the file's first 16 rows, --dropout overriding the model's config.json and saved in the
# trained model's, a resume that keeps the order, and what cannot keep it refused.
# Usage: train_order.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

# 96 rows: 6 batches of 16, one epoch; 32 more to validate on (given, so that nothing is split off).
head -96 data/ag_news/test.csv >"$scratch/train.csv"
head -16 data/ag_news/test.csv >"$scratch/first16.csv"
sed -n 97,128p data/ag_news/test.csv >"$scratch/valid.csv"
cp data/ag_news/classes.txt "$scratch/"
printf 'LABEL_0\nLABEL_1\nLABEL_2\nLABEL_3\n' >"$scratch/tiny_classes.txt"  # the tiny model's names
tiny=tests/fixtures/hf/tiny
common=(--model "$tiny" --train "$scratch/train.csv" --validation "$scratch/valid.csv" --max-length 40 --threads 1
        --learning-rate 1e-2 --logging-steps 1 --max-steps 6)

train() {  # train OUTPUT_NAME ARGS...
  local name=$1
  shift
  local out
  out=$("$textclass" train "${common[@]}" --output "$scratch/$name" "$@" 2>&1) || fail "train $* exited $?: $out"
}
losses() { grep -o '"loss":[^,]*' "$scratch/$1/log.jsonl"; }

train ordered1 --no-shuffle --dropout 0 --seed 1
train ordered2 --no-shuffle --dropout 0 --seed 2
train shuffled1 --seed 1
train shuffled2 --seed 2
[ "$(losses ordered1 | wc -l)" -eq 6 ] || fail "expected 6 loss rows, got: $(losses ordered1)"
[ "$(losses ordered1)" = "$(losses ordered2)" ] || fail "--no-shuffle: the losses depend on the seed"
[ "$(losses shuffled1)" != "$(losses shuffled2)" ] || fail "shuffled runs with seeds 1 and 2 have the same losses"
[ "$(losses ordered1)" != "$(losses shuffled1)" ] || fail "--no-shuffle has the shuffled run's losses"

# Step 1's loss is the untrained model's on the file's first 16 rows, as evaluate computes it.
"$textclass" evaluate --model "$tiny" --data "$scratch/first16.csv" --classes "$scratch/tiny_classes.txt" \
  --max-length 40 --threads 1 --output "$scratch/eval" >/dev/null 2>&1 || fail "evaluate exited $?"
first16=$(grep -o '"loss": [0-9.e+-]*' "$scratch/eval/metrics.json" | cut -d' ' -f2)
step1=$(losses ordered1 | head -1 | cut -d: -f2)
awk -v a="$first16" -v b="$step1" 'BEGIN { d = a - b; exit !(a > 0 && (d < 0 ? -d : d) <= 1e-5 * a) }' ||
  fail "--no-shuffle: step 1's loss $step1 is not the first 16 rows' loss $first16"

# --dropout replaces the config's (tiny's is 0): other losses, and the saved config says so.
train dropout --no-shuffle --dropout 0.5 --seed 1
[ "$(losses dropout)" != "$(losses ordered1)" ] || fail "--dropout 0.5 has the losses of --dropout 0"
for key in hidden_dropout_prob attention_probs_dropout_prob classifier_dropout; do
  grep -Eq "\"$key\": 0\.5,?$" "$scratch/dropout/config.json" || fail "config.json: $key is not 0.5"
done

# A run resumed from its step-3 checkpoint ends as the uninterrupted one: the same row order, and
# the dropout of the checkpoint's config.json without --dropout.
train whole --no-shuffle --dropout 0.5 --seed 1 --save-steps 3
cp -r "$scratch/whole" "$scratch/resumed"
rm -r "$scratch/resumed/checkpoint-6" "$scratch/resumed/model.safetensors" "$scratch/resumed/log.jsonl"
train resumed --no-shuffle --seed 1 --save-steps 3 --resume
cmp -s "$scratch/whole/model.safetensors" "$scratch/resumed/model.safetensors" ||
  fail "--no-shuffle: the resumed run's model.safetensors differs from the uninterrupted run's"
cmp -s "$scratch/whole/log.jsonl" "$scratch/resumed/log.jsonl" || fail "--no-shuffle: the resumed run's log.jsonl differs"

# What would not continue the same run, or makes no sense, is refused in one line.
expect_one_line_error "^textclass: $scratch/whole/checkpoint-6: the checkpoint was trained with batches of rows in data order, not shuffled rows; resume with the same value$" \
  train "${common[@]}" --output "$scratch/whole" --seed 1 --save-steps 3 --resume
expect_one_line_error '^textclass: --dropout: Value 1 not in \[0, 1\) \(see --help\)$' train "${common[@]}" --dropout 1
expect_one_line_error '^textclass: --dropout: Value -0.1 not in \[0, 1\) \(see --help\)$' train "${common[@]}" --dropout=-0.1
expect_one_line_error '^textclass: --group-by-length reorders the rows; it cannot be combined with --no-shuffle$' \
  train "${common[@]}" --output "$scratch/grouped" --no-shuffle --group-by-length
help=$("$textclass" train --help)
expect_line "$help" '^ +--no-shuffle +batches in the data' "train --help: --no-shuffle"
expect_line "$help" '^ +--dropout FLOAT:\[0, 1\) +set every dropout probability' "train --help: --dropout"

finish
