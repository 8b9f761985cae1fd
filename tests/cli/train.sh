#!/usr/bin/env bash
# `textclass train`, `evaluate` and `predict` end to end on the tiny fixture model and a few
# hundred AG News rows: the run folder's layout and log, a run killed with SIGKILL and resumed
# ending with the same model bytes as one never interrupted, a diverging run stopping with the
# step, evaluation's report and metrics.json, predictions in input order in JSON Lines and CSV.
# Usage: train.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

# AG News rows 1-320 to train on (the notebook split makes 288 + 32 of them), 321-380 to evaluate;
# the classes file must sit beside agnews data.
head -320 data/ag_news/test.csv >"$scratch/train.csv"
sed -n 321,380p data/ag_news/test.csv >"$scratch/test.csv"
cp data/ag_news/classes.txt "$scratch/"
tiny=tests/fixtures/hf/tiny
inputs=(--model "$tiny" --train "$scratch/train.csv" --max-length 40 --threads 1)
common=("${inputs[@]}" --learning-rate 1e-2)

# A full run: 288 rows in batches of 16 are 18 steps an epoch, 36 in all. The fixture is a
# transformers BertForSequenceClassification, trained on with its own head (transformers').
out=$("$textclass" train "${common[@]}" --output "$scratch/run" --logging-steps 6 2>&1) || fail "train exited $?: $out"
expect_line "$out" '^training on 288 rows, validating on 32: 36 steps from step 0 \(pooler head, 4 classes, on (cpu|cuda-bf16)\)$' "summary"
expect_line "$out" '^step 6 epoch 0\.333333 loss [0-9.]+ learning_rate [0-9.e-]+ grad_norm [0-9.]+ \(6/36 steps' "a log line"
for file in config.json model.safetensors tokenizer.json tokenizer_config.json log.jsonl \
  checkpoint-18/optimizer.safetensors checkpoint-18/trainer_state.json checkpoint-36/model.safetensors; do
  [ -f "$scratch/run/$file" ] || fail "run folder lacks $file"
done
grep -q '"Sci/Tech"' "$scratch/run/config.json" || fail "config.json lacks the class names"
[ "$(grep -c '"loss"' "$scratch/run/log.jsonl")" -eq 6 ] || fail "log.jsonl: expected 6 training rows"
[ "$(grep -c '"eval_accuracy"' "$scratch/run/log.jsonl")" -eq 2 ] || fail "log.jsonl: expected 2 evaluation rows"
expect_line "$(head -1 "$scratch/run/log.jsonl")" '^\{"step":6,"epoch":0\.333[0-9]*,"loss":[0-9.]+,"learning_rate":[0-9.e-]+,"grad_norm":[0-9.]+\}$' \
  "a training row"
expect_line "$(cat "$scratch/run/log.jsonl")" '^\{"step":18,"epoch":1\.0,"eval_loss":[0-9.]+,"eval_accuracy":[0-9.]+,"eval_f1_macro":[0-9.]+,"eval_f1_weighted":[0-9.]+\}$' \
  "an evaluation row"

# Killed with SIGKILL after its first checkpoint, then resumed: the same bytes as the full run.
"$textclass" train "${common[@]}" --output "$scratch/killed" --logging-steps 6 --save-steps 5 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 3000); do
  [ -d "$scratch/killed/checkpoint-5" ] && break
  sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if [ -f "$scratch/killed/model.safetensors" ]; then
  fail "the run finished before it could be killed; the resume was not tested"
else
  out=$("$textclass" train "${common[@]}" --output "$scratch/killed" --logging-steps 6 --save-steps 5 --resume 2>&1) ||
    fail "train --resume exited $?: $out"
  expect_line "$out" '^training on 288 rows, validating on 32: 36 steps from step [1-9][0-9]* ' "resumed from a checkpoint"
  cmp -s "$scratch/run/model.safetensors" "$scratch/killed/model.safetensors" ||
    fail "the killed and resumed run's model.safetensors differs from the uninterrupted run's"
  cmp -s "$scratch/run/log.jsonl" "$scratch/killed/log.jsonl" || fail "the resumed run's log.jsonl differs"
fi
err=$("$textclass" train "${common[@]}" --output "$scratch/none" --resume 2>&1) && fail "--resume without checkpoints succeeded"
expect_line "$err" "^textclass: $scratch/none: no checkpoint to resume from$" "resume without a checkpoint"

# A diverging run stops at once with the step.
err=$("$textclass" train "${inputs[@]}" --output "$scratch/nan" --learning-rate 1e30 2>&1) && fail "lr 1e30 trained"
expect_line "$err" '^textclass: step [0-9]+: the (loss|gradient norm) is -?(nan|inf); training stopped' "diverging run"

# evaluate: loss, accuracy, the report and the confusion matrix; metrics.json and --metrics-out.
out=$("$textclass" evaluate --model "$scratch/run" --data "$scratch/test.csv" --output "$scratch/eval" \
      --metrics-out "$scratch/metrics.json" --digits 3 --threads 1 2>&1) || fail "evaluate exited $?: $out"
expect_line "$out" '^loss +[0-9]+\.[0-9]{4}$' "loss"
expect_line "$out" '^accuracy +0\.[0-9]{4}$' "accuracy"
expect_line "$out" '^ +precision +recall +f1-score +support$' "report header"
expect_line "$out" '^ +Sci/Tech( +[01]\.[0-9]{3}){3} +[0-9]+$' "a class row with 3 digits"
expect_line "$out" '^ +accuracy +[01]\.[0-9]{3} +60$' "accuracy row"
cmp -s "$scratch/eval/metrics.json" "$scratch/metrics.json" || fail "--metrics-out differs from metrics.json"
for key in model data accuracy macro_f1 weighted_f1 loss class_names per_class confusion report; do
  grep -q "\"$key\"" "$scratch/metrics.json" || fail "metrics.json lacks $key"
done
out=$("$textclass" evaluate --model "$scratch/run/checkpoint-18" --data "$scratch/test.csv" --output "$scratch/eval18" 2>&1) ||
  fail "evaluate of a checkpoint exited $?: $out"

# predict: one JSON object per text in input order, whatever the batching; CSV; stdin.
"$textclass" predict --model "$scratch/run" --data "$scratch/test.csv" --batch-size 7 >"$scratch/p7" ||
  fail "predict --data exited $?"
[ "$(wc -l <"$scratch/p7")" -eq 60 ] || fail "predict --data: expected 60 lines"
expect_line "$(head -1 "$scratch/p7")" '^\{"label": "[A-Za-z/]+", "label_id": [0-3], "score": [0-9.e-]+, "probs": \[[^]]*\]\}$' \
  "a prediction"
# the same labels in batches of 1 as in batches of 7 (last-bit differences aside)
labels_of() { grep -o '"label_id": [0-9]*' "$1"; }
"$textclass" predict --model "$scratch/run" --data "$scratch/test.csv" --batch-size 1 >"$scratch/p1" || fail "predict exited $?"
diff -q <(labels_of "$scratch/p1") <(labels_of "$scratch/p7") >/dev/null || fail "predictions depend on the batching"
out=$(printf 'Stocks fell sharply.\nThe striker scored twice.\n' |
      "$textclass" predict --model "$scratch/run" --format-out csv 2>&1) || fail "predict from stdin exited $?: $out"
expect_line "$out" '^label,label_id,score,prob_World,prob_Sports,prob_Business,prob_Sci/Tech$' "CSV header"
[ "$(wc -l <<<"$out")" -eq 3 ] || fail "predict csv: expected a header and 2 rows, got: $out"
out=$("$textclass" predict --model "$scratch/run" "One text." "Another text." 2>&1) || fail "predict texts exited $?: $out"
[ "$(wc -l <<<"$out")" -eq 2 ] || fail "predict with 2 texts: expected 2 lines, got: $out"

finish
