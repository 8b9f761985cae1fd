#!/usr/bin/env bash
# Runs on the lent GPU machine (its CPU): textclass's tokenizer and CPU BERT benchmarks and their
# anchors (HF fast tokenizer on one thread; PyTorch BERT-base on the CPU) in the same call, so the
# ratios compare like with like. Binaries are built here (x86-64-v3) and carried in .devrun/ with
# their shared libraries (lib.tar.xz), since that machine has none of our Debian packages:
#   cmake -S . -B build-dev -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEXTCLASS_MARCH=x86-64-v3 \
#         -DTEXTCLASS_TESTS=OFF -DTEXTCLASS_CUDA=OFF && ninja -C build-dev bench_tokenizer bench_bert_cpu
# Usage there: bash bench/device/cpu_benchmarks.sh   (writes logs under $OUT)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=${OUT:-/tmp/out}; mkdir -p "$out"
tar -xJf .devrun/lib.tar.xz -C /tmp
export LD_LIBRARY_PATH=/tmp/lib
export TEXTCLASS_AGNEWS_CSV=$root/data/ag_news/test.csv TEXTCLASS_AGNEWS_CLASSES=$root/data/ag_news/classes.txt \
       TEXTCLASS_TOKENIZER=$root/data/bert-base-cased
# bench_bert_cpu reads data/bert-base-cased/config.json from the source dir it was built in
[ -e /work/main ] || { mkdir -p /work && ln -s "$root" /work/main; }

{ date -u; lscpu | grep -E "^Model name|^CPU\(s\)|^Thread|^Core"; nvidia-smi --query-gpu=name --format=csv,noheader; } | tee "$out/machine.txt"

echo "== tokenizer: textclass (1 thread and all threads)"
.devrun/bench_tokenizer --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>&1 | tee "$out/tokenizer_textclass.txt"
echo "== tokenizer: HF fast tokenizer, RAYON_NUM_THREADS=1"
PYTHONUNBUFFERED=1 python3 bench/tokenizer_anchor.py "$TEXTCLASS_AGNEWS_CSV" "$TEXTCLASS_TOKENIZER" 2>&1 | tee "$out/tokenizer_hf.json"

threads=16
echo "== BERT-base on the CPU, $threads threads: textclass"
OMP_NUM_THREADS=$threads timeout 200 .devrun/bench_bert_cpu --benchmark_min_time=3 2>&1 | tee "$out/bert_cpu_textclass.txt"
echo "== BERT-base on the CPU, $threads threads: PyTorch anchor"
THREADS=$threads timeout 200 python3 bench/torch_cpu_anchor.py 2>&1 | tee "$out/bert_cpu_torch.txt"
