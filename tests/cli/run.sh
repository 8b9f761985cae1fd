#!/usr/bin/env bash
# `textclass run` offline on the tiny fixture model and one short epoch: the notebook's data
# (bundled rows, protocol mod5-0), its split, the notebook's head, the BERT and baseline test
# reports, and the run folders bert/, baseline/ and comparison/.
# Usage: run.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"
export HF_HUB_CACHE="$scratch/hub"  # an empty hub cache: nothing can come from it

# The tiny model without a classifier (its pre-training-style folder) and with its tokenizer, as
# bert-base-cased is to the notebook.
base="$scratch/tiny-base"
mkdir -p "$base"
cp tests/fixtures/hf/tiny-pretraining-style/* tests/fixtures/hf/tiny/tokenizer*.json "$base/"
out=$("$textclass" run --offline --model "$base" --epochs 1 --max-length 64 \
      --output "$scratch/run" 2>&1) || fail "run exited $?: $out"

# mod5-0: rows 0, 5, 10, ... of the 7,600 are the test rows; the notebook's 0.9 split of the rest.
expect_line "$out" '^offline: the bundled 7600 rows of .*protocol mod5-0' "offline data announced"
expect_line "$out" '^data: 5472 training, 608 validation \(notebook split .*\), 1520 test rows$' "split sizes"
expect_line "$out" "^model: $base \\(local folder" "model announced"
grep -q '"model_type": "textclass_bert_cls_linear"' "$scratch/run/bert/config.json" || fail "run's model has not the notebook's head"
[ -f "$scratch/run/bert/modeling_textclass.py" ] || fail "run's model lacks the notebook head's code"

# Both test reports list every class with its support among the test rows, counted here by awk.
while IFS=, read -r class support; do
  [[ $(grep -Ec "^ +$class +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ +[0-9]+\.[0-9]+ +$support\$" <<<"$out") == 2 ]] ||
    fail "class $class with support $support not in both reports"
done < <(awk -F'","' 'NR % 5 == 1 { n[substr($1, 2)]++ } END { for (c in n) print c "," n[c] }' data/ag_news/test.csv |
         sort -n | paste -d, <(cat data/ag_news/classes.txt) - | cut -d, -f1,3)
[[ $(grep -Ec '^ +accuracy +[01]\.[0-9]+ +1520$' <<<"$out") == 2 ]] || fail "an accuracy line per report"

# The run folders: the trained model and its log, both test evaluations, the comparison.
for file in bert/config.json bert/model.safetensors bert/tokenizer.json bert/log.jsonl bert/metrics.json \
            baseline/metrics.json comparison/comparison.md comparison/comparison.html; do
  [[ -s "$scratch/run/$file" ]] || fail "no $file in the run folder"
done
grep -q '"eval_accuracy"' "$scratch/run/bert/log.jsonl" || fail "log.jsonl has no evaluation row"
expect_line "$out" '^epoch 1\.00: validation accuracy [01]\.[0-9]{4}, loss [0-9.]+$' "the epoch's validation accuracy"
for run in bert baseline; do
  metrics=$(cat "$scratch/run/$run/metrics.json" 2>/dev/null)
  expect_line "$metrics" '"accuracy": (0(\.[0-9]+)?|1\.0)' "$run accuracy"
  expect_line "$metrics" '"data": ".*mod5-0' "$run data"
done
expect_line "$(cat "$scratch/run/bert/metrics.json")" '"loss": [0-9.]+' "bert test loss"
# The baseline learns AG News well even from these rows; a broken pipeline would not.
baseline_accuracy=$(grep -Eo '"accuracy": [0-9.]+' "$scratch/run/baseline/metrics.json" | grep -Eo '[0-9.]+$')
awk -v a="${baseline_accuracy:-0}" 'BEGIN { exit !(a > 0.8) }' || fail "baseline accuracy $baseline_accuracy is not above 0.8"
expect_line "$(cat "$scratch/run/comparison/comparison.md")" 'baseline' "comparison names the baseline run"

# A hub model that is not cached cannot be had offline: one clear line and a non-zero exit.
if out=$("$textclass" run --offline --model acme/not-cached --output "$scratch/run2" 2>&1); then
  fail "run with an uncached hub model offline succeeded"
fi
expect_line "$out" "^textclass: acme/not-cached: the model is not in the hub cache $scratch/hub/models--acme--not-cached and HF_HUB_OFFLINE is set, so it cannot be downloaded \(looked in: acme/not-cached, data/acme/not-cached, .*then the hub\)$" \
  "uncached model offline"

finish
