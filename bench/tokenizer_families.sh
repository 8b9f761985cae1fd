#!/usr/bin/env bash
# Tokenizer speed per thread, each family against HF's `tokenizers` in the same run: the 7,600
# AG News test rows with roberta-base and ModernBERT-base (byte-level BPE), distilbert-base-uncased
# and bert-base-cased (WordPiece). Ours: bench_tokenizer on one thread (OMP_NUM_THREADS=1), median
# of RUNS repetitions; HF's: bench/tokenizer_anchor.js with RAYON_NUM_THREADS=1, encodeBatch,
# median of RUNS. The two count the same tokens (special tokens included; the ids are equal, test
# Families in tests/text/tokenizer_families_test.cpp).
# usage: bench/tokenizer_families.sh BUILD_DIR NODE_MODULES_DIR [RUNS]
#   BUILD_DIR has bench/bench_tokenizer (-DTEXTCLASS_BENCH=ON); NODE_MODULES_DIR has tokenizers@0.23.2
#   and csv-parse@7.0.3 (npm install them in a scratch folder).
set -euo pipefail
build=$1
node_modules=$2
runs=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
csv=$root/data/ag_news/test.csv
printf '| tokenizer | tokens | HF tokens/s (1 thread) | textclass tokens/s (1 thread) | ratio |\n|---|---|---|---|---|\n'
for model in roberta-base modernbert-base distilbert-base-uncased bert-base-cased; do
  if [ "$model" = bert-base-cased ]; then dir=$root/data/$model; else dir=$root/tests/fixtures/tokenizers/$model; fi
  hf=$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false UV_THREADPOOL_SIZE=1 NODE_PATH=$node_modules \
       node "$root/bench/tokenizer_anchor.js" "$dir/tokenizer.json" "$csv" batch "$runs")
  ours=$(OMP_NUM_THREADS=1 TEXTCLASS_TOKENIZER=$dir/tokenizer.json "$build/bench/bench_tokenizer" \
         --benchmark_filter='threads:1/' --benchmark_repetitions="$runs" --benchmark_report_aggregates_only=true \
         --benchmark_format=json 2>/dev/null)
  python3 - "$model" "$hf" "$ours" <<'PY'
import json, sys
model, hf, ours = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
median = next(b for b in ours["benchmarks"] if b["name"].endswith("_median"))
rate = median["tokens/s"]
print(f"| {model} | {hf['tokens']:,} | {hf['median_tokens_per_s']:,} | {round(rate):,} | {rate / hf['median_tokens_per_s']:.1f}x |")
PY
done
