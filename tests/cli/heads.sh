#!/usr/bin/env bash
# Classifier heads as transformers means them. `predict` runs a transformers
# BertForSequenceClassification (the tiny fixture) with its own head: --raw-scores gives
# transformers' logits for the 8 golden rows, and the probabilities are their softmax. `train`
# saves transformers' head by default as a plain BertForSequenceClassification, and the notebook's
# (--head cls_linear) as custom code (config.json's auto_map and modeling_textclass.py), in the final
# folder and in every checkpoint-*/. Asking a finished classifier for another head is an error.
# Usage: heads.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

# The 8 golden rows are the first AG News test rows (tests/fixtures/hf/make_fixtures.py).
head -8 data/ag_news/test.csv >"$scratch/golden.csv"
head -64 data/ag_news/test.csv >"$scratch/train.csv"
cp data/ag_news/classes.txt "$scratch/"

# safetensors_header FILE: the JSON header of a safetensors file.
safetensors_header() {
  local size
  size=$(od -A n -t u8 -N 8 "$1" | tr -d ' ')
  tail -c +9 "$1" | head -c "$size"
}
# tensor_names FILE: the names of a safetensors file's tensors, one a line.
tensor_names() { safetensors_header "$1" | grep -o '"[^"]*":{' | cut -d'"' -f2 | grep -vx __metadata__; }
# golden_floats NAME: the floats of a tensor of golden.safetensors, one a line.
golden_floats() {
  local golden=tests/fixtures/hf/golden.safetensors header size first last
  header=$(safetensors_header "$golden")
  size=$(od -A n -t u8 -N 8 "$golden" | tr -d ' ')
  read -r first last < <(grep -o "\"$1\":{[^}]*}" <<<"$header" | grep -o '"data_offsets":\[[0-9]*,[0-9]*\]' |
                         grep -o '[0-9][0-9]*' | paste -sd' ')
  od -A n -v -t f4 -j $((8 + size + first)) -N $((last - first)) "$golden" | tr -s ' ' '\n' | grep -v '^$'
}
# scores_of FILE KEY: the numbers of each line's KEY array ("logits" or "probs"), one a line.
scores_of() { grep -o "\"$2\": \[[^]]*\]" "$1" | sed 's/.*\[//; s/\]//' | tr ',' '\n' | tr -d ' '; }
# within TOLERANCE FILE_A FILE_B: the same count of numbers, each pair within TOLERANCE.
within() {
  paste "$2" "$3" | awk -v tol="$1" '{ d = $1 - $2; if (d < 0) d = -d; if (d > max) max = d; n++ }
    END { if (n == 0 || n != lines) exit 1; print max; exit !(max <= tol) }' lines="$(wc -l <"$2")"
}

tiny=tests/fixtures/hf/tiny
"$textclass" predict --model "$tiny" --data "$scratch/golden.csv" --raw-scores --threads 1 >"$scratch/raw" ||
  fail "predict --raw-scores exited $?"
"$textclass" predict --model "$tiny" --data "$scratch/golden.csv" --threads 1 >"$scratch/probs" || fail "predict exited $?"
expect_line "$(head -1 "$scratch/raw")" '^\{"label": "LABEL_[0-3]", "label_id": [0-3], "score": -?[0-9.e-]+, "logits": \[[^]]*\]\}$' \
  "a raw-scores line"
golden_floats hf_head.logits >"$scratch/hf_logits"
scores_of "$scratch/raw" logits >"$scratch/our_logits"
[ "$(wc -l <"$scratch/hf_logits")" -eq 32 ] || fail "golden.safetensors: expected 8 x 4 logits of hf_head.logits"
max=$(within 1e-5 "$scratch/hf_logits" "$scratch/our_logits") || fail "--raw-scores differs from transformers' logits by $max"
# transformers' probabilities: the softmax of its logits, row by row
paste - - - - <"$scratch/hf_logits" |
  awk '{ m = $1; for (i = 2; i <= 4; i++) if ($i > m) m = $i; s = 0; for (i = 1; i <= 4; i++) s += exp($i - m);
         for (i = 1; i <= 4; i++) printf "%.9g\n", exp($i - m) / s }' >"$scratch/hf_probs"
scores_of "$scratch/probs" probs >"$scratch/our_probs"
max=$(within 1e-5 "$scratch/hf_probs" "$scratch/our_probs") || fail "predict differs from transformers' probabilities by $max"
out=$("$textclass" predict --model "$tiny" --raw-scores --format-out csv "One text." 2>&1) || fail "csv raw scores: $out"
expect_line "$out" '^label,label_id,score,logit_LABEL_0,logit_LABEL_1,logit_LABEL_2,logit_LABEL_3$' "CSV header of logits"

# A base model (no classifier) with the fixture's tokenizer, to train either head on.
base="$scratch/base"
mkdir -p "$base"
cp tests/fixtures/hf/tiny-pretraining-style/* "$tiny"/tokenizer*.json "$base/"
data=(--train "$scratch/train.csv" --max-length 32 --max-steps 2 --save-steps 2 --threads 1)
train=(--model "$base" "${data[@]}")

out=$("$textclass" train "${train[@]}" --output "$scratch/hf" 2>&1) || fail "train exited $?: $out"
expect_line "$out" '\(pooler head, 4 classes' "train's default head is transformers'"
for folder in "$scratch/hf" "$scratch/hf/checkpoint-2"; do
  config=$(cat "$folder/config.json")
  expect_line "$config" '"architectures": \[$' "$folder: architectures"
  expect_line "$config" '^ +"BertForSequenceClassification"$' "$folder: BertForSequenceClassification"
  expect_line "$config" '"model_type": "bert",' "$folder: model_type"
  grep -q 'auto_map\|textclass' <<<"$config" && fail "$folder/config.json names custom code or textclass keys"
  [ -e "$folder/modeling_textclass.py" ] && fail "$folder has modeling_textclass.py"
  names=$(tensor_names "$folder/model.safetensors")
  grep -vq '^bert\.\|^classifier\.' <<<"$names" && fail "$folder: tensors other than bert.* and classifier.*: $names"
  for name in bert.pooler.dense.weight classifier.weight bert.embeddings.LayerNorm.weight; do
    grep -qx "$name" <<<"$names" || fail "$folder/model.safetensors lacks $name"
  done
done

out=$("$textclass" train "${train[@]}" --head cls_linear --output "$scratch/notebook" 2>&1) || fail "train exited $?: $out"
expect_line "$out" '\(cls_linear head, 4 classes' "train --head cls_linear"
for folder in "$scratch/notebook" "$scratch/notebook/checkpoint-2"; do
  config=$(cat "$folder/config.json")
  expect_line "$config" '^ +"BertForClsLinearClassification"$' "$folder: architectures"
  expect_line "$config" '"model_type": "textclass_bert_cls_linear",' "$folder: a model_type transformers does not know"
  expect_line "$config" '"AutoConfig": "modeling_textclass.BertClsLinearConfig"' "$folder: auto_map's AutoConfig"
  expect_line "$config" '"AutoModelForSequenceClassification": "modeling_textclass.BertForClsLinearClassification"' \
    "$folder: auto_map's AutoModelForSequenceClassification"
  code=$(cat "$folder/modeling_textclass.py" 2>/dev/null)
  expect_line "$code" '^class BertForClsLinearClassification\(BertPreTrainedModel\):$' "$folder: the model's code"
  expect_line "$code" '^class BertClsLinearConfig\(BertConfig\):$' "$folder: the config's code"
  if command -v python3 >/dev/null; then
    python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$folder/modeling_textclass.py" ||
      fail "$folder/modeling_textclass.py is not valid Python"
  fi
  names=$(tensor_names "$folder/model.safetensors")
  grep -vq '^bert\.\|^classifier\.' <<<"$names" && fail "$folder: tensors other than bert.* and classifier.*: $names"
  grep -qx classifier.weight <<<"$names" || fail "$folder/model.safetensors lacks classifier.weight"
done
# read back with the head it was saved with; asked for the other, one line naming the folder
out=$("$textclass" predict --model "$scratch/notebook" "One text." 2>&1) || fail "predict on the notebook head: $out"
expect_one_line_error "^textclass: $scratch/hf: a finished classifier with transformers' head \(pooler\), which cannot run with the notebook's head \(cls_linear\)" \
  train --model "$scratch/hf" "${data[@]}" --head cls_linear --output "$scratch/again"

finish
