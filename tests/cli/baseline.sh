#!/usr/bin/env bash
# `textclass baseline train|evaluate|predict` end to end on 1,500 AG News rows: the model and
# metrics.json land in --output, evaluate reproduces train's validation metrics, predict writes
# one JSON line (or CSV row) per text, and bad input is one error line with a non-zero exit.
# Usage: baseline.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

classes=(--classes data/ag_news/classes.txt)
head -n 1200 data/ag_news/test.csv >"$scratch/train.csv"  # test.csv holds one row per line
sed -n '1201,1500p' data/ag_news/test.csv >"$scratch/validation.csv"

# train: fit line, the validation report, the model and metrics.json in --output.
out=$("$textclass" baseline train --train "$scratch/train.csv" --validation "$scratch/validation.csv" "${classes[@]}" \
      --output "$scratch/run" --metrics-out "$scratch/train-metrics.json" 2>&1) || fail "baseline train exited $?: $out"
expect_line "$out" '^fit +1200 rows, [0-9]+ features, [0-9]+ L-BFGS iterations, [0-9.]+ s$' "fit summary"
expect_line "$out" '^ +precision +recall +f1-score +support$' "classification report header"
expect_line "$out" '^ +Sports( +[0-9.]+){3} +[0-9]+$' "report row of a class"
[ -s "$scratch/run/baseline.bin" ] || fail "no baseline.bin in the run folder"
[ -s "$scratch/run/metrics.json" ] || fail "no metrics.json in the run folder"
cmp -s "$scratch/run/metrics.json" "$scratch/train-metrics.json" || fail "--metrics-out differs from metrics.json"
accuracy=$(grep -E '^accuracy ' <<<"$out" | awk '{print $2}')
awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.7) }' || fail "validation accuracy $accuracy below 0.7 on 1,200 training rows"
grep -q '"model": "TF-IDF + logistic regression"' "$scratch/run/metrics.json" || fail "metrics.json names no model"
grep -q '"confusion"' "$scratch/run/metrics.json" || fail "metrics.json has no confusion matrix"

# evaluate on the same rows: the same accuracy, loss and report.
eval_out=$("$textclass" baseline evaluate --model "$scratch/run" --data "$scratch/validation.csv" "${classes[@]}" \
           --output "$scratch/eval" 2>&1) || fail "baseline evaluate exited $?: $eval_out"
[ "$(sed -n '/^accuracy/,$p' <<<"$out")" = "$(sed -n '/^accuracy/,$p' <<<"$eval_out")" ] ||
  fail "evaluate's report differs from train's validation report"
[ -s "$scratch/eval/metrics.json" ] || fail "evaluate wrote no metrics.json"

# predict: JSON Lines in input order, from arguments, --data and stdin; CSV on request.
out=$("$textclass" baseline predict --model "$scratch/run/baseline.bin" \
      "Stocks and oil prices fell on Wall Street as investors sold shares" \
      "The striker scored twice and the team won the championship game" 2>&1) || fail "predict exited $?: $out"
[ "$(wc -l <<<"$out")" -eq 2 ] || fail "predict: expected 2 lines, got: $out"
expect_line "$(sed -n 1p <<<"$out")" \
  '^\{"label": ?"Business", ?"label_id": ?2, ?"score": ?[0-9.e-]+, ?"probs": ?\[[^],]+(, ?[^],]+){3}\]\}$' "business text"
expect_line "$(sed -n 2p <<<"$out")" '^\{"label": ?"Sports", ?"label_id": ?1,' "sports text"
[ "$("$textclass" baseline predict --model "$scratch/run" --data "$scratch/validation.csv" "${classes[@]}" | wc -l)" -eq 300 ] ||
  fail "predict --data: expected one line per row"
[ "$(printf 'one\ntwo\nthree\n' | "$textclass" baseline predict --model "$scratch/run" | wc -l)" -eq 3 ] ||
  fail "predict from stdin: expected one line per input line"
out=$("$textclass" baseline predict --model "$scratch/run" --format-out csv "a text" 2>&1) || fail "predict csv exited $?"
expect_line "$out" '^label,label_id,score,prob_World,prob_Sports,prob_Business,prob_Sci/Tech$' "csv header"

# Without --validation, train splits --train (the notebook split by default).
out=$("$textclass" baseline train --train "$scratch/train.csv" "${classes[@]}" --output "$scratch/split" 2>&1) ||
  fail "train with a split exited $?: $out"
expect_line "$out" '^fit +1080 rows, ' "90% of the rows train"
expect_line "$out" '^== validation: 120 rows$' "10% validate"

# Bad input: a non-zero exit and one line naming the problem.
expect_error() { expect_one_line_error "$1" baseline "${@:2}"; }  # expect_error REGEX ARGS...
expect_error "^textclass: $scratch/none/baseline\.bin: cannot open$" predict --model "$scratch/none/baseline.bin" "text"
printf 'not a model at all, just some text\n' >"$scratch/bogus.bin"
expect_error "^textclass: $scratch/bogus\.bin: not a textclass linear model$" predict --model "$scratch/bogus.bin" "x"
head -c 100 "$scratch/run/baseline.bin" >"$scratch/cut.bin"
expect_error "^textclass: $scratch/cut\.bin: truncated" predict --model "$scratch/cut.bin" "x"
expect_error "give --train" train --output "$scratch/nothing"
expect_error "give --data" evaluate --model "$scratch/run"
if "$textclass" baseline train --train "$scratch/train.csv" "${classes[@]}" --tokens letters >/dev/null 2>&1; then
  fail "--tokens letters accepted"
fi

finish
