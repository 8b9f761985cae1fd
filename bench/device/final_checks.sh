#!/usr/bin/env bash
# One call on the lent GPU machine: (1) the CPU BERT engine against the PyTorch anchor, same call,
# 16 threads; (2) `textclass train` checkpoints of both heads loaded by HuggingFace transformers,
# compared with `textclass predict --raw-scores`. Prepared here (see bench/device/cpu_benchmarks.sh
# for the carried .devrun/ binaries and libraries), with base/ the tiny fixture's
# tiny-pretraining-style folder plus tiny/'s tokenizer files:
#   for head in pooler cls_linear; do
#     build/textclass train --model base --head $head --train data/ag_news/test.csv \
#         --max-steps 60 --learning-rate 2e-3 --output .devrun/hfcheck/$head
#   done
#   head -64 data/ag_news/test.csv > .devrun/hfcheck/rows.csv   (classes.txt copied beside it)
#   for head in pooler cls_linear; do
#     build/textclass predict --model .devrun/hfcheck/$head --data .devrun/hfcheck/rows.csv --raw-scores \
#         > .devrun/hfcheck/$head.jsonl
#   done
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=${OUT:-/tmp/out}; mkdir -p "$out"
tar -xJf .devrun/lib.tar.xz -C /tmp
[ -e /work/main ] || { mkdir -p /work && ln -s "$root" /work/main; }
{ date -u; lscpu | grep -E "^Model name|^CPU\(s\)"; nvidia-smi --query-gpu=name --format=csv,noheader; } | tee "$out/machine.txt"

echo "== HF transformers loads textclass checkpoints of both heads"
PYTHONUNBUFFERED=1 python3 bench/device/hf_load_check.py .devrun/hfcheck/rows.csv \
  .devrun/hfcheck/pooler .devrun/hfcheck/pooler.jsonl .devrun/hfcheck/cls_linear .devrun/hfcheck/cls_linear.jsonl \
  2>&1 | grep -v Warning | tee "$out/hf_load_check.txt"

echo "== BERT-base on the CPU, 16 threads: textclass"
LD_LIBRARY_PATH=/tmp/lib OMP_NUM_THREADS=16 timeout 120 .devrun/bench_bert_cpu --benchmark_min_time=3 2>&1 | tee "$out/bert_cpu_textclass.txt"
echo "== BERT-base on the CPU, 16 threads: PyTorch anchor"
THREADS=16 timeout 120 python3 bench/torch_cpu_anchor.py 2>&1 | tee "$out/bert_cpu_torch.txt"
