#!/usr/bin/env bash
# Class names from the data: a CSV whose labels are names (data/examples/reviews.csv: positive,
# negative) trains, evaluates and predicts without --classes, with BERT (the tiny pre-training-style
# model) and with the baseline. Checked: the classes are the sorted labels, saved in config.json and
# baseline.bin; evaluation and validation data are read against the model's (or the training
# data's) classes, and a label outside them is one error line naming file, line and label; a
# --classes file that is not the model's is refused; --help says the default.
# Usage: string_labels.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

tiny="$scratch/tiny-bert"
mkdir -p "$tiny"
cp tests/fixtures/hf/tiny-pretraining-style/{config.json,model.safetensors} tests/fixtures/hf/tiny/tokenizer*.json "$tiny/"
csv=(--format csv --threads 1)
train=data/examples/reviews.csv
test=data/examples/reviews-test.csv
printf 'text,label\nfine,positive\nawful,neutral\nmeh,neutral\n' >"$scratch/unknown.csv"
unknown_label="^textclass: $scratch/unknown\.csv:3: label 'neutral' is outside the classes \(negative, positive\): expected a class name or an index 0-1$"

# `data` shows the classes in sorted order.
out=$("$textclass" data --format csv --data "$train" 2>&1) || fail "data exited $?: $out"
expect_line "$out" '^classes +2$' "data: two classes"
[ "$(grep -Eo '^  (negative|positive) ' <<<"$out" | tr -d ' ' | paste -sd,)" = "negative,positive" ] ||
  fail "data: the classes are not negative, positive in that order:"$'\n'"$out"

# BERT: train, evaluate and predict without --classes.
bert=(--model "$tiny" --max-length 32)
out=$("$textclass" train "${bert[@]}" "${csv[@]}" --train "$train" --output "$scratch/run" 2>&1) ||
  fail "train exited $?: $out"
expect_line "$out" ' 2 classes, on ' "train: two classes"
config=$(tr -d ' \n' <"$scratch/run/config.json")
grep -q '"id2label":{"0":"negative","1":"positive"}' <<<"$config" || fail "config.json: id2label is not negative, positive"
grep -q '"label2id":{"negative":0,"positive":1}' <<<"$config" || fail "config.json: label2id is not negative: 0, positive: 1"

out=$("$textclass" evaluate --model "$scratch/run" "${csv[@]}" --data "$test" --output "$scratch/run/test" 2>&1) ||
  fail "evaluate exited $?: $out"
expect_line "$out" '^ +negative( +[0-9.]+){3} +[0-9]+$' "evaluate: report row of negative"
expect_line "$out" '^ +positive( +[0-9.]+){3} +[0-9]+$' "evaluate: report row of positive"
grep -q '"class_names": \[' "$scratch/run/test/metrics.json" || fail "evaluate wrote no metrics.json with class names"
expect_one_line_error "$unknown_label" evaluate --model "$scratch/run" "${csv[@]}" --data "$scratch/unknown.csv"
printf 'positive\nnegative\n' >"$scratch/reversed.txt"
expect_one_line_error "^textclass: $scratch/reversed\.txt: the classes \(positive, negative\) are not the model's \(negative, positive\); leave out --classes to use the model's$" \
  evaluate --model "$scratch/run" "${csv[@]}" --data "$test" --classes "$scratch/reversed.txt"
printf 'negative\npositive\n' >"$scratch/same.txt"
"$textclass" evaluate --model "$scratch/run" "${csv[@]}" --data "$test" --classes "$scratch/same.txt" \
  --output "$scratch/run/same" >/dev/null 2>&1 || fail "evaluate with the model's own classes file exited $?"

out=$("$textclass" predict --model "$scratch/run" "${csv[@]}" --data "$test" 2>&1) || fail "predict --data exited $?: $out"
[ "$(grep -Ec '^\{"label": "(negative|positive)", "label_id": [01], ' <<<"$out")" -eq 10 ] ||
  fail "predict --data: expected 10 predictions of negative or positive, got:"$'\n'"$out"
out=$("$textclass" predict --model "$scratch/run" --threads 1 "Works well." 2>&1) || fail "predict exited $?: $out"
expect_line "$out" '^\{"label": "(negative|positive)", "label_id": [01], ' "predict: a class name"

# Validation data given apart is read against the training data's classes.
out=$("$textclass" train "${bert[@]}" "${csv[@]}" --train "$train" --validation "$test" --max-steps 1 \
      --output "$scratch/validated" 2>&1) || fail "train --validation exited $?: $out"
expect_line "$out" '^training on 40 rows, validating on 10: ' "train --validation: the rows"
expect_one_line_error "$unknown_label" train "${bert[@]}" "${csv[@]}" --train "$train" --validation "$scratch/unknown.csv" \
  --output "$scratch/unknown"

# The baseline: train, evaluate and predict without --classes; baseline.bin's header names the classes.
out=$("$textclass" baseline train "${csv[@]}" --train "$train" --output "$scratch/baseline" 2>&1) ||
  fail "baseline train exited $?: $out"
head -c 4096 "$scratch/baseline/baseline.bin" | grep -aq '"classes":\["negative","positive"\]' ||
  fail "baseline.bin: the classes are not negative, positive"
out=$("$textclass" baseline evaluate --model "$scratch/baseline" "${csv[@]}" --data "$test" \
      --output "$scratch/baseline/test" 2>&1) || fail "baseline evaluate exited $?: $out"
expect_line "$out" '^ +positive( +[0-9.]+){3} +[0-9]+$' "baseline evaluate: report row of positive"
expect_one_line_error "$unknown_label" baseline evaluate --model "$scratch/baseline" "${csv[@]}" --data "$scratch/unknown.csv"
out=$("$textclass" baseline predict --model "$scratch/baseline" "${csv[@]}" --data "$test" 2>&1) ||
  fail "baseline predict --data exited $?: $out"
[ "$(grep -Ec '^\{"label": "(negative|positive)", "label_id": [01], ' <<<"$out")" -eq 10 ] ||
  fail "baseline predict --data: expected 10 predictions of negative or positive, got:"$'\n'"$out"

# --help says where the classes come from.
expect_line "$("$textclass" train --help | tr -s ' \n' ' ')" "distinct labels sorted as strings" "train --help: the default classes"
for command in evaluate predict "baseline evaluate" "baseline predict"; do
  # shellcheck disable=SC2086  # the subcommand words are meant to split
  expect_line "$("$textclass" $command --help | tr -s ' \n' ' ')" "default: the model's classes" "$command --help: the default classes"
done

finish
