#!/usr/bin/env bash
# The RoBERTa and DistilBERT families end to end: `train` starts from a tiny random pre-training
# checkpoint of each (tests/fixtures/families/*/tiny-encoder, made by make_fixtures.py) with the
# real roberta-base and distilbert-base-uncased tokenizer files (tests/fixtures/tokenizers), gives it transformers' head for
# the family and saves a RobertaForSequenceClassification / DistilBertForSequenceClassification in
# transformers' names and config, with the tokenizer; `evaluate` and `predict` run what it saved.
# A model_type we do not run, and the notebook's head on another family, are one-line errors.
# Usage: families.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

head -8 data/ag_news/test.csv >"$scratch/eval.csv"
head -48 data/ag_news/test.csv >"$scratch/train.csv"
cp data/ag_news/classes.txt "$scratch/"

# tensor_names FILE: the names of a safetensors file's tensors, one a line.
tensor_names() {
  local size
  size=$(od -A n -t u8 -N 8 "$1" | tr -d ' ')
  tail -c +9 "$1" | head -c "$size" | grep -o '"[^"]*":{' | cut -d'"' -f2 | grep -vx __metadata__
}

for family in roberta distilbert; do
  base="$scratch/$family-base"
  mkdir -p "$base"
  case $family in
    roberta) tokenizer=tests/fixtures/tokenizers/roberta-base ;;
    distilbert) tokenizer=tests/fixtures/tokenizers/distilbert-base-uncased ;;
  esac
  cp tests/fixtures/families/$family/tiny-encoder/* "$tokenizer"/tokenizer*.json "$base/"
  out="$scratch/$family"
  log=$("$textclass" train --model "$base" --train "$scratch/train.csv" --max-length 32 --max-steps 2 --save-steps 2 \
    --threads 1 --output "$out" 2>&1) || fail "$family: train exited $?: $log"
  expect_line "$log" '\(pooler head, 4 classes' "$family: train runs transformers' head"
  case $family in
    roberta) class=RobertaForSequenceClassification prefix='roberta\.' head='classifier\.dense\.|classifier\.out_proj\.' ;;
    distilbert) class=DistilBertForSequenceClassification prefix='distilbert\.' head='pre_classifier\.|classifier\.' ;;
  esac
  for folder in "$out" "$out/checkpoint-2"; do
    config=$(cat "$folder/config.json" 2>/dev/null)
    expect_line "$config" "^ +\"$class\"$" "$folder: architectures"
    expect_line "$config" "\"model_type\": \"$family\"," "$folder: model_type"
    names=$(tensor_names "$folder/model.safetensors")
    grep -Evq "^($prefix|$head)" <<<"$names" && fail "$folder: tensors other than the family's: $names"
    grep -q pooler <<<"$names" && fail "$folder: a pooler, which $class does not have"
    [ "$(grep -Ec "^($head)" <<<"$names")" -eq 4 ] || fail "$folder: expected the head's 4 tensors in: $names"
  done
  [ "$family" = distilbert ] && expect_line "$(cat "$out/config.json")" '"n_layers": 1,' "distilbert: its own config names"
  [ "$family" = roberta ] && expect_line "$(cat "$out/config.json")" '"pad_token_id": 1,' "roberta: padding_idx"
  # the family's own tokenizer travels with the model: <s> ... </s>, [CLS] ... [SEP]
  case $family in
    roberta) expected='^0 31414 232 2$' ;;
    distilbert) expected='^101 7592 2088 102$' ;;
  esac
  expect_line "$("$textclass" tokenize --model "$out" "Hello world" 2>&1)" "$expected" "$family: the saved tokenizer"

  log=$("$textclass" evaluate --model "$out" --data "$scratch/eval.csv" --threads 1 --output "$scratch/$family-eval" 2>&1) ||
    fail "$family: evaluate exited $?: $log"
  expect_line "$(cat "$scratch/$family-eval/metrics.json" 2>/dev/null)" '"accuracy"' "$family: evaluate's metrics.json"
  predictions=$("$textclass" predict --model "$out" --data "$scratch/eval.csv" --threads 1 2>&1) ||
    fail "$family: predict exited $?: $predictions"
  [ "$(grep -c '^{"label": "[A-Za-z/]*", "label_id": [0-3], "score": ' <<<"$predictions")" -eq 8 ] ||
    fail "$family: expected 8 predictions, got: $predictions"
  expect_one_line_error "^textclass: $base: the notebook's head \(cls_linear\) is BERT's only; a $family model runs" \
    train --model "$base" --train "$scratch/train.csv" --max-steps 1 --head cls_linear --output "$scratch/no"

  # --init random: the family's config.json and tokenizer alone give the same tensors, new weights
  config_only="$scratch/$family-config-only"
  mkdir -p "$config_only"
  cp "$base/config.json" "$base"/tokenizer*.json "$config_only/"
  log=$("$textclass" train --model "$config_only" --init random --train "$scratch/train.csv" --max-length 32 \
    --max-steps 1 --threads 1 --output "$scratch/$family-random" 2>&1) || fail "$family: train --init random exited $?: $log"
  [ "$(tensor_names "$scratch/$family-random/model.safetensors" | sort)" = "$(tensor_names "$out/model.safetensors" | sort)" ] ||
    fail "$family: --init random saved other tensors than the pretrained run"
  cmp -s "$scratch/$family-random/model.safetensors" "$out/model.safetensors" &&
    fail "$family: --init random saved the pretrained run's weights"
done

other="$scratch/other"
mkdir -p "$other"
cp tests/fixtures/families/roberta/tiny-encoder/model.safetensors tests/fixtures/tokenizers/roberta-base/tokenizer*.json "$other/"
sed 's/"model_type": "roberta"/"model_type": "xlm-roberta"/' tests/fixtures/families/roberta/tiny-encoder/config.json \
  >"$other/config.json"
expect_one_line_error "^textclass: $other/config.json: model_type \"xlm-roberta\" is not supported \(supported: \"bert\", \"roberta\", \"distilbert\"\)$" \
  predict --model "$other" "One text."

finish
