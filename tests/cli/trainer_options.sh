#!/usr/bin/env bash
# `textclass train`'s Trainer options end to end on the tiny fixture model: --init random trains a
# model from config.json and the tokenizer alone (transformers' from_config); early stopping with
# --save-total-limit leaves the best checkpoint and the newest, and the final model is the best's;
# a short run logs a row every total/50 steps by default.
# Usage: trainer_options.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

head -320 data/ag_news/test.csv >"$scratch/train.csv"
cp data/ag_news/classes.txt "$scratch/"
tiny=tests/fixtures/hf/tiny
inputs=(--train "$scratch/train.csv" --max-length 40 --threads 1)

# A folder with config.json and the tokenizer, no weights.
mkdir "$scratch/config-only"
cp "$tiny/config.json" "$tiny/tokenizer.json" "$tiny/tokenizer_config.json" "$scratch/config-only/"
err=$("$textclass" train --model "$scratch/config-only" "${inputs[@]}" --output "$scratch/none" 2>&1) &&
  fail "trained a pretrained model that has no weights"
expect_line "$err" "model.safetensors" "the missing weights named"
out=$("$textclass" train --model "$scratch/config-only" --init random "${inputs[@]}" --max-steps 10 \
  --output "$scratch/random" 2>&1) || fail "train --init random exited $?: $out"
expect_line "$out" '^training on 288 rows, validating on 32: 10 steps from step 0 \(pooler head, 4 classes' "summary"
[ -f "$scratch/random/model.safetensors" ] || fail "--init random saved no model"
# 10 steps log every step (total / 50 rounds down to less than 1)
[ "$(grep -c '"loss"' "$scratch/random/log.jsonl")" -eq 10 ] || fail "log.jsonl: expected 10 training rows"
err=$("$textclass" train --model "$scratch/config-only" --init random --resume "${inputs[@]}" --output "$scratch/random" 2>&1) &&
  fail "--init random --resume ran"
expect_line "$err" "cannot be combined with --resume" "--init random with --resume"

# Early stopping, evaluating every 2 steps at a learning rate that overfits 288 rows at once.
out=$("$textclass" train --model "$tiny" "${inputs[@]}" --learning-rate 1e-2 --eval-steps 2 --early-stopping-patience 2 \
  --save-total-limit 1 --output "$scratch/early" 2>&1) || fail "train --early-stopping-patience exited $?: $out"
expect_line "$out" '^early stopping at step [0-9]+: 2 evaluations without a better eval_loss$' "early stopping"
expect_line "$out" '^loading the best model, step [0-9]+ \(eval_loss [0-9.]+\), from ' "the best model loaded"
best=$(sed -n 's/^loading the best model, step \([0-9]*\) .*/\1/p' <<<"$out")
stopped=$(sed -n 's/^early stopping at step \([0-9]*\):.*/\1/p' <<<"$out")
[ "$stopped" -eq $((best + 4)) ] || fail "stopped at step $stopped, not 2 evaluations after the best ($best)"
kept=$(cd "$scratch/early" && ls -d checkpoint-* | sort | tr '\n' ' ')
[ "$kept" = "$(printf 'checkpoint-%s\n' "$best" "$stopped" | sort | tr '\n' ' ')" ] ||
  fail "kept $kept; expected the best (checkpoint-$best) and the newest (checkpoint-$stopped)"
cmp -s "$scratch/early/model.safetensors" "$scratch/early/checkpoint-$best/model.safetensors" ||
  fail "the final model is not the best checkpoint's"

err=$("$textclass" train --model "$tiny" "${inputs[@]}" --max-steps 2 --eval-steps 1 --load-best-model-at-end \
  --metric-for-best-model f1 --output "$scratch/f1" 2>&1) && fail "an unknown metric trained"
expect_line "$err" '^textclass: --metric-for-best-model f1: the evaluation has no such metric \(it has: loss, accuracy, f1_macro, f1_weighted\)$' \
  "unknown metric"
help=$("$textclass" train --help)
for option in --init --early-stopping-patience --metric-for-best-model --save-total-limit --load-best-model-at-end; do
  grep -q -- "$option" <<<"$help" || fail "train --help lacks $option"
done
finish
