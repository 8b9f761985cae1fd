#!/usr/bin/env bash
# One call on the lent GPU machine: (1) the CPU BERT engine against the PyTorch anchor, same call,
# 16 threads; (2) a `textclass train` checkpoint (HF head) loaded by HuggingFace transformers,
# compared with `textclass predict`. Prepared here (see bench/device/cpu_benchmarks.sh for the
# carried .devrun/ binaries and libraries):
#   build/textclass train --model tests/fixtures/hf/tiny --head pooler --train data/ag_news/test.csv \
#       --max-steps 60 --learning-rate 2e-3 --output .devrun/hfcheck/model
#   head -64 data/ag_news/test.csv > .devrun/hfcheck/rows.csv
#   build/textclass predict --model .devrun/hfcheck/model --data .devrun/hfcheck/rows.csv \
#       > .devrun/hfcheck/predictions.jsonl     (classes.txt copied beside rows.csv)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=${OUT:-/tmp/out}; mkdir -p "$out"
tar -xJf .devrun/lib.tar.xz -C /tmp
[ -e /work/main ] || { mkdir -p /work && ln -s "$root" /work/main; }
{ date -u; lscpu | grep -E "^Model name|^CPU\(s\)"; nvidia-smi --query-gpu=name --format=csv,noheader; } | tee "$out/machine.txt"

echo "== HF transformers loads a textclass checkpoint"
PYTHONUNBUFFERED=1 python3 bench/device/hf_load_check.py .devrun/hfcheck/model .devrun/hfcheck/rows.csv \
  .devrun/hfcheck/predictions.jsonl 2>&1 | grep -v Warning | tee "$out/hf_load_check.txt"

echo "== BERT-base on the CPU, 16 threads: textclass"
LD_LIBRARY_PATH=/tmp/lib OMP_NUM_THREADS=16 timeout 120 .devrun/bench_bert_cpu --benchmark_min_time=3 2>&1 | tee "$out/bert_cpu_textclass.txt"
echo "== BERT-base on the CPU, 16 threads: PyTorch anchor"
THREADS=16 timeout 120 python3 bench/torch_cpu_anchor.py 2>&1 | tee "$out/bert_cpu_torch.txt"
