#!/usr/bin/env bash
# Every task end to end with the tiny pre-training-style model: a multi-label JSON Lines file
# (data/examples/topics.jsonl, lists of topics) and a regression CSV (data/examples/ratings.csv,
# a numeric rating) train, evaluate and predict, with the task's metrics in the validation rows
# picking the best model; their baselines (one-vs-rest logistic regression, ridge) train, evaluate
# and predict, and compare puts each beside the model; single-label trains with class weights and
# label smoothing; a CSV of sentence pairs trains, evaluates and predicts. Checked: config.json's
# problem_type and labels, each task's report and metrics.json, predict's output per task, one-line
# errors for bad labels and options, --help's defaults.
# Usage: tasks.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"
source "$(dirname "$0")/../support/server.sh"

tiny="$scratch/tiny-bert"
mkdir -p "$tiny"
cp tests/fixtures/hf/tiny-pretraining-style/{config.json,model.safetensors} tests/fixtures/hf/tiny/tokenizer*.json "$tiny/"
bert=(--model "$tiny" --max-length 32 --threads 1)

# Multi-label: lists in JSON Lines make it multi-label without --problem-type.
topics=(--format jsonl --label-column topics)
out=$("$textclass" train "${bert[@]}" "${topics[@]}" --train data/examples/topics.jsonl \
      --validation data/examples/topics-test.jsonl --epochs 2 --output "$scratch/topics" \
      --metric-for-best-model f1_micro --load-best-model-at-end 2>&1) ||
  fail "train (multi-label) exited $?: $out"
expect_line "$out" '\(multi_label_classification, pooler head, 4 classes, on cpu\)' "train: multi-label, 4 classes"
expect_line "$out" 'eval_loss 0\.[0-9]+ eval_subset_accuracy [0-9.]+ eval_hamming_loss [0-9.]+ eval_f1_micro [0-9.]+ eval_f1_macro [0-9.]+ eval_f1_weighted [0-9.]+ eval_f1_samples [0-9.]+' \
  "train: the validation rows' multi-label metrics"
expect_line "$out" '^loading the best model, step [24] \(eval_f1_micro [0-9.]+\)' "train: the best model by f1_micro"
config=$(tr -d ' \n' <"$scratch/topics/config.json")
grep -q '"problem_type":"multi_label_classification"' <<<"$config" || fail "config.json: no multi-label problem_type"
grep -q '"id2label":{"0":"economy","1":"politics","2":"sports","3":"technology"}' <<<"$config" ||
  fail "config.json: id2label is not the sorted topics"
out=$("$textclass" evaluate --model "$scratch/topics" "${topics[@]}" --threads 1 --data data/examples/topics-test.jsonl \
      --output "$scratch/topics/test" 2>&1) || fail "evaluate (multi-label) exited $?: $out"
for line in '^loss +0\.[0-9]{4}$' '^subset accuracy +[01]\.[0-9]{4}$' '^hamming loss +[01]\.[0-9]{4}$' \
  '^ +technology( +[0-9.]+){3} +2$' '^ +micro avg( +[0-9.]+){3} +8$' '^ +samples avg( +[0-9.]+){3} +8$'; do
  expect_line "$out" "$line" "evaluate (multi-label)"
done
grep -q '"problem_type": "multi_label_classification"' "$scratch/topics/test/metrics.json" ||
  fail "evaluate (multi-label): metrics.json has no problem_type"
out=$("$textclass" predict --model "$scratch/topics" --threads 1 --threshold 0 "Rates rise again." 2>&1) ||
  fail "predict (multi-label) exited $?: $out"
expect_line "$out" '^\{"labels": \["economy", "politics", "sports", "technology"\], "label_ids": \[0, 1, 2, 3\], "probs": \[0\.[0-9]+, 0\.[0-9]+, 0\.[0-9]+, 0\.[0-9]+\]\}$' \
  "predict --threshold 0: every class"
out=$("$textclass" predict --model "$scratch/topics" --threads 1 --threshold 1 "Rates rise again." 2>&1) ||
  fail "predict --threshold 1 exited $?: $out"
expect_line "$out" '^\{"labels": \[\], "label_ids": \[\], "probs": ' "predict --threshold 1: no class"
# serve answers with each label's sigmoid, as predict's probs.
probs=$(jq -c '.probs' <<<"$("$textclass" predict --model "$scratch/topics" --threads 1 --threshold 0 "Rates rise again.")")
serve_model=$scratch/topics
start_server "$scratch/serve-topics.log"
out=$(post /predict '{"inputs": "Rates rise again."}')
jq -e --argjson probs "$probs" '(map({(.label): .score}) | add) as $s |
   [["economy", "politics", "sports", "technology"], $probs] | transpose | all(($s[.[0]] - .[1]) | fabs < 1e-5)' \
  <<<"${out#* }" >/dev/null || fail "serve (multi-label): expected predict's sigmoids $probs, got: $out"
kill -TERM "$pid" && wait "$pid"

# The same topics as a CSV with ';'-joined cells.
printf 'text,topics\n"Rates rise; shares fall.","economy; politics"\nA goal in the last minute.,sports\nQuiet day.,\n' \
  >"$scratch/topics.csv"
out=$("$textclass" train "${bert[@]}" --format csv --label-column topics --label-separator ';' \
      --train "$scratch/topics.csv" --split random --train-fraction 0.67 --max-steps 1 --output "$scratch/topics-csv" 2>&1) ||
  fail "train (multi-label csv) exited $?: $out"
expect_line "$out" '\(multi_label_classification, pooler head, 3 classes, on cpu\)' "train: csv class sets"

# Regression: a numeric column with --problem-type regression.
ratings=(--format csv --text-columns review --label-column rating)
out=$("$textclass" train "${bert[@]}" "${ratings[@]}" --problem-type regression --train data/examples/ratings.csv \
      --validation data/examples/ratings-test.csv --epochs 2 --output "$scratch/ratings" \
      --metric-for-best-model mse --load-best-model-at-end 2>&1) ||
  fail "train (regression) exited $?: $out"
grep -q '"eval_mse":[0-9.e+-]*,"eval_mae":[0-9.e+-]*,"eval_r2":' "$scratch/ratings/log.jsonl" ||
  fail "train (regression): log.jsonl has no eval_mse, eval_mae, eval_r2"
expect_line "$out" '^loading the best model, step [24] \(eval_mse [0-9.]+\)' "train: the best model by mse"
expect_line "$out" '\(regression, pooler head, 1 output, on cpu\)' "train: regression, one output"
config=$(tr -d ' \n' <"$scratch/ratings/config.json")
grep -q '"problem_type":"regression"' <<<"$config" || fail "config.json: no regression problem_type"
grep -q '"id2label":{"0":"LABEL_0"}' <<<"$config" || fail "config.json: regression has not transformers' one label"
out=$("$textclass" evaluate --model "$scratch/ratings" "${ratings[@]}" --threads 1 --data data/examples/ratings-test.csv \
      --output "$scratch/ratings/test" 2>&1) || fail "evaluate (regression) exited $?: $out"
for metric in loss mse mae r2 pearson spearman; do expect_line "$out" "^$metric +-?[0-9]+\.[0-9]{4}$" "evaluate: $metric"; done
grep -q '"problem_type": "regression"' "$scratch/ratings/test/metrics.json" || fail "evaluate (regression): metrics.json"
out=$("$textclass" predict --model "$scratch/ratings" --threads 1 --format-out csv "Great." "Awful." 2>&1) ||
  fail "predict (regression) exited $?: $out"
[ "$(head -1 <<<"$out")" = "value" ] && [ "$(grep -Ec '^-?[0-9.e-]+$' <<<"$out")" -eq 2 ] ||
  fail "predict (regression): expected a value header and two numbers, got:"$'\n'"$out"
# serve answers with the predicted value, as predict.
value=$(sed -n 2p <<<"$out")
serve_model=$scratch/ratings
start_server "$scratch/serve-ratings.log"
out=$(post /predict '{"inputs": "Great."}')
jq -e --argjson value "$value" 'length == 1 and ((.[0].score - $value) | fabs) < 1e-5' <<<"${out#* }" >/dev/null ||
  fail "serve (regression): expected predict's value $value, got: $out"
jq -e '.problem_type == "regression"' <<<"$(curl -s "$url/info")" >/dev/null || fail "serve /info: no problem_type"
kill -TERM "$pid" && wait "$pid"

# A fine-tuned model's own problem_type wins; another asked for is an error.
expect_one_line_error "^textclass: $scratch/ratings: a regression model \(config.json's problem_type\) cannot train for --problem-type multi_label_classification$" \
  train --model "$scratch/ratings" --threads 1 "${topics[@]}" --train data/examples/topics.jsonl \
  --problem-type multi_label_classification --output "$scratch/wrong"

# Bad labels are one line naming file and line.
printf 'review,rating\nfine,4\nbad,low\n' >"$scratch/bad.csv"
expect_one_line_error "^textclass: $scratch/bad\.csv:3: label 'low' is not a number \(regression labels are numbers\)$" \
  train "${bert[@]}" "${ratings[@]}" --problem-type regression --train "$scratch/bad.csv" --output "$scratch/bad"
printf '{"text": "a", "topics": ["x", 1.5]}\n' >"$scratch/bad.jsonl"
expect_one_line_error "^textclass: $scratch/bad\.jsonl:1: field 'topics' must list class names or integer indices, found 1\.5$" \
  train "${bert[@]}" "${topics[@]}" --train "$scratch/bad.jsonl" --output "$scratch/bad"

# Single-label with class weights (balanced, and a file) and label smoothing.
reviews=(--format csv --train data/examples/reviews.csv --max-steps 2)
out=$("$textclass" train "${bert[@]}" "${reviews[@]}" --class-weights balanced --label-smoothing 0.1 \
      --output "$scratch/weighted" 2>&1) || fail "train --class-weights balanced exited $?: $out"
expect_line "$out" ' \(pooler head, 2 classes, on cpu\)$' "train: single-label, the task not named"
printf '{"negative": 2.0, "positive": 0.5}' >"$scratch/weights.json"
"$textclass" train "${bert[@]}" "${reviews[@]}" --class-weights "$scratch/weights.json" --output "$scratch/w2" >/dev/null 2>&1 ||
  fail "train --class-weights FILE exited $?"
printf '{"negative": 2.0}' >"$scratch/partial.json"
expect_one_line_error "^textclass: $scratch/partial\.json: no weight for class 'positive'$" \
  train "${bert[@]}" "${reviews[@]}" --class-weights "$scratch/partial.json" --output "$scratch/w3"
expect_one_line_error "^textclass: --class-weights is for single_label_classification \(one class per row\)$" \
  train "${bert[@]}" "${topics[@]}" --train data/examples/topics.jsonl --class-weights balanced --output "$scratch/w4"

# data counts the rows holding each class of a multi-label file.
out=$("$textclass" data "${topics[@]}" --data data/examples/topics.jsonl 2>&1) || fail "data (multi-label) exited $?: $out"
expect_line "$out" '^classes +4 \(a list per row; rows holding each\)$' "data: multi-label classes"
expect_line "$out" '^  sports +7 +29\.2%$' "data: rows holding sports"

# The baselines of both tasks, and compare beside the models.
out=$("$textclass" baseline train "${topics[@]}" --train data/examples/topics.jsonl \
      --validation data/examples/topics-test.jsonl --threads 1 --output "$scratch/lr-topics" 2>&1) ||
  fail "baseline train (multi-label) exited $?: $out"
expect_line "$out" '^fit +24 rows \(multi_label_classification\), [0-9]+ features, [0-9]+ L-BFGS iterations' "baseline train: one-vs-rest"
expect_line "$out" '^subset accuracy +[01]\.[0-9]{4}$' "baseline train: multi-label validation metrics"
head -c 300 "$scratch/lr-topics/baseline.bin" | grep -q '"problem_type":"multi_label_classification"' ||
  fail "baseline.bin: no multi-label problem_type"
out=$("$textclass" baseline evaluate --model "$scratch/lr-topics" "${topics[@]}" --data data/examples/topics-test.jsonl \
      --threads 1 --output "$scratch/lr-topics/test" 2>&1) || fail "baseline evaluate (multi-label) exited $?: $out"
for line in '^loss +0\.[0-9]{4}$' '^hamming loss +[01]\.[0-9]{4}$' '^ +samples avg( +[0-9.]+){3} +8$'; do
  expect_line "$out" "$line" "baseline evaluate (multi-label)"
done
grep -q '"model": "TF-IDF + one-vs-rest logistic regression"' "$scratch/lr-topics/test/metrics.json" ||
  fail "baseline evaluate (multi-label): metrics.json's model"
out=$("$textclass" baseline predict --model "$scratch/lr-topics" --threshold 0 "Rates rise again." 2>&1) ||
  fail "baseline predict (multi-label) exited $?: $out"
expect_line "$out" '^\{"labels": \["economy", "politics", "sports", "technology"\], "label_ids": \[0, 1, 2, 3\], "probs": \[0\.[0-9]+, 0\.[0-9]+, 0\.[0-9]+, 0\.[0-9]+\]\}$' \
  "baseline predict --threshold 0: every class"
out=$("$textclass" compare "$scratch/topics/test" "$scratch/lr-topics/test" --output "$scratch/topics-comparison" 2>&1) ||
  fail "compare (multi-label) exited $?: $out"
for line in '^\| model \| .* \| TF-IDF \+ one-vs-rest logistic regression \|$' '^\| subset accuracy( \| [01]\.[0-9]{4}){2} \|$' \
  '^\| hamming loss( \| [01]\.[0-9]{4}){2} \|$' '^\| samples F1( \| [01]\.[0-9]{4}){2} \|$' \
  '^\| technology( \| [01]\.[0-9]{4}){2} \| [+-][01]\.[0-9]{4} \|$'; do
  expect_line "$out" "$line" "compare (multi-label)"
done
grep -q 'F1 score per class' "$scratch/topics-comparison/comparison.html" || fail "comparison.html (multi-label): no F1 chart"

out=$("$textclass" baseline train "${ratings[@]}" --problem-type regression --train data/examples/ratings.csv \
      --validation data/examples/ratings-test.csv --threads 1 --output "$scratch/ridge" 2>&1) ||
  fail "baseline train (regression) exited $?: $out"
expect_line "$out" '^fit +24 rows \(regression\), [0-9]+ features, [0-9]+ CG iterations' "baseline train: ridge"
out=$("$textclass" baseline evaluate --model "$scratch/ridge" "${ratings[@]}" --data data/examples/ratings-test.csv \
      --threads 1 --output "$scratch/ridge/test" 2>&1) || fail "baseline evaluate (regression) exited $?: $out"
for metric in loss mse mae r2 pearson spearman; do expect_line "$out" "^$metric +-?[0-9]+\.[0-9]{4}$" "baseline evaluate: $metric"; done
out=$("$textclass" baseline predict --model "$scratch/ridge" --format-out csv "Great." "Awful." 2>&1) ||
  fail "baseline predict (regression) exited $?: $out"
[ "$(head -1 <<<"$out")" = "value" ] && [ "$(grep -Ec '^-?[0-9.e-]+$' <<<"$out")" -eq 2 ] ||
  fail "baseline predict (regression): expected a value header and two numbers, got:"$'\n'"$out"
out=$("$textclass" compare "$scratch/ratings/test" "$scratch/ridge/test" --output "$scratch/ratings-comparison" 2>&1) ||
  fail "compare (regression) exited $?: $out"
for name in MSE MAE R² Pearson Spearman; do
  expect_line "$out" "^\| $name( \| -?[0-9]+\.[0-9]{4}){2} \|$" "compare (regression): $name"
done
expect_one_line_error "^textclass: $scratch/ridge/test is the evaluation of a regression model but $scratch/topics/test of a multi_label_classification model: runs must share their task$" \
  compare "$scratch/topics/test" "$scratch/ridge/test" --output "$scratch/comparison"

# Ratings read without --problem-type: the error says what to pass.
expect_one_line_error "^textclass: data/examples/ratings\.csv:8: label '1\.5' is a number but not a class index; for regression give --problem-type regression \(for classes named by numbers, a classes file: --classes\)$" \
  baseline train "${ratings[@]}" --train data/examples/ratings.csv --output "$scratch/unasked"

# Sentence pairs: AG News titles as the text, descriptions as the pair (--text-pair-column) train,
# evaluate and predict; the pair changes what the model sees; a missing pair column or field is one
# error line naming file and line.
{
  echo 'topic,title,description'
  head -24 data/ag_news/test.csv | sed -e 's/^"1"/World/' -e 's/^"2"/Sports/' -e 's/^"3"/Business/' -e 's/^"4"/SciTech/'
} >"$scratch/pairs.csv"
pairs=(--format csv --text-columns title --text-pair-column description --label-column topic)
out=$("$textclass" train "${bert[@]}" "${pairs[@]}" --train "$scratch/pairs.csv" --max-steps 2 --output "$scratch/pairs" 2>&1) ||
  fail "train (pairs) exited $?: $out"
expect_line "$out" ' \(pooler head, 2 classes, on cpu\)$' "train (pairs): 2 classes (the first rows are Business and SciTech)"
out=$("$textclass" evaluate --model "$scratch/pairs" "${pairs[@]}" --threads 1 --data "$scratch/pairs.csv" \
      --output "$scratch/pairs/test" 2>&1) || fail "evaluate (pairs) exited $?: $out"
expect_line "$out" '^accuracy +[01]\.[0-9]{4}$' "evaluate (pairs): accuracy"
expect_line "$out" '^ +SciTech( +[0-9.]+){3} +[0-9]+$' "evaluate (pairs): report row of SciTech"
with_pairs=$("$textclass" predict --model "$scratch/pairs" "${pairs[@]}" --threads 1 --raw-scores --data "$scratch/pairs.csv" 2>&1) ||
  fail "predict (pairs) exited $?: $with_pairs"
[ "$(grep -Ec '^\{"label": "[A-Za-z]*", "label_id": [01], "score": [-0-9.e]+, "logits": \[[-0-9.e]+, [-0-9.e]+\]}$' <<<"$with_pairs")" -eq 24 ] ||
  fail "predict (pairs): expected 24 predictions, got: $with_pairs"
titles_only=$("$textclass" predict --model "$scratch/pairs" --format csv --text-columns title --threads 1 --raw-scores \
              --data "$scratch/pairs.csv" 2>&1) || fail "predict (titles) exited $?: $titles_only"
[ "$(wc -l <<<"$titles_only")" -eq 24 ] && [ "$titles_only" != "$with_pairs" ] ||
  fail "predict: the titles alone give the same logits as the pairs"
# data counts a pair's tokens in the pair template: more than its title's alone
max_tokens() { "$textclass" data --model "$tiny" "$@" --data "$scratch/pairs.csv" 2>&1 | grep -Eo '^tokens .* max [0-9]+' | grep -Eo '[0-9]+$'; }
[ "$(max_tokens "${pairs[@]}")" -gt "$(max_tokens --format csv --text-columns title --label-column topic)" ] ||
  fail "data --text-pair-column: the pairs' tokens are not counted"
printf '{"title": "a", "description": "b", "topic": "World"}\n{"title": "c", "topic": "World"}\n' >"$scratch/pairs.jsonl"
expect_one_line_error "^textclass: $scratch/pairs\.jsonl:2: missing field 'description'$" \
  evaluate --model "$scratch/pairs" --format jsonl --text-columns title --text-pair-column description \
  --label-column topic --data "$scratch/pairs.jsonl" --output "$scratch/pairs/jsonl"
expect_one_line_error "^textclass: $scratch/pairs\.csv:1: no column 'summary' in the header \(columns: topic, title, description\)$" \
  predict --model "$scratch/pairs" --format csv --text-columns title --text-pair-column summary --data "$scratch/pairs.csv"
expect_one_line_error "^textclass: predict: --text-pair-column reads pairs from --data; texts as arguments or on stdin are single texts$" \
  predict --model "$scratch/pairs" --text-pair-column description "a text"

# --help gives the new options with their defaults.
help=$("$textclass" train --help)
expect_line "$help" '--problem-type TEXT:\{single_label_classification,multi_label_classification,regression\}' "train --help: --problem-type"
expect_line "$help" '\(default: the model.s own problem_type, else multi-label when the labels are lists, else single-label\)' "train --help: --problem-type's default"
expect_line "$help" '--label-smoothing FLOAT:\[0, 1\)=0' "train --help: --label-smoothing=0"
expect_line "$help" '--class-weights .*\(default: none\)' "train --help: --class-weights"
expect_line "$help" '--label-separator .*\(multi-label; default: one class' "train --help: --label-separator"
expect_line "$help" '--text-pair-column .*default: single texts\)' "train --help: --text-pair-column"
for command in train evaluate predict "baseline train" "baseline evaluate" "baseline predict"; do
  expect_line "$("$textclass" $command --help)" '--threshold FLOAT:[^=]*=0\.5' "$command --help: --threshold=0.5"
done
help=$("$textclass" baseline train --help)
expect_line "$help" '--problem-type TEXT:\{single_label_classification,multi_label_classification,regression\}' "baseline train --help: --problem-type"
expect_line "$help" '--alpha FLOAT:POSITIVE=1 ' "baseline train --help: --alpha=1"

finish
