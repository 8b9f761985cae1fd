#!/usr/bin/env bash
# A BERT-base training step on the CPU (batch 16 x 64 tokens, forward, backward and AdamW), ours
# against PyTorch's, alternating: bench_bert_cpu's BM_bert_base_train_step (median of 3 repetitions)
# and torch_cpu_anchor.py (median of 3 steps after a warm-up), ROUNDS times each. Prints JSON lines
# and the median ratio torch / textclass (above 1: ours is faster).
# Usage: THREADS=2 ROUNDS=2 bench/cpu_training_vs_torch.sh   (from the project root, after a Release
# build in build/, with Debian's python3-torch: scripts/install-deps.sh --fixtures)
set -euo pipefail
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
BENCH=${BENCH:-build/bench/bench_bert_cpu}
ours=() theirs=()
for ((r = 1; r <= ROUNDS; r++)); do
  t=$(OMP_NUM_THREADS=$THREADS "$BENCH" --benchmark_filter=BM_bert_base_train_step --benchmark_repetitions=3 \
        --benchmark_format=json | /usr/bin/python3 -c '
import json, statistics, sys
runs = [b for b in json.load(sys.stdin)["benchmarks"] if b.get("run_type") == "iteration"]
print(statistics.median(b["real_time"] for b in runs))')
  echo "{\"engine\": \"textclass\", \"round\": $r, \"threads\": $THREADS, \"train_step_b16_t64_s\": $t, \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
  ours+=("$t")
  p=$(THREADS=$THREADS /usr/bin/python3 bench/torch_cpu_anchor.py)
  p=$(head -1 <<<"$p")  # the training step's line
  echo "$p" | sed "s/^{/{\"engine\": \"torch\", \"round\": $r, /"
  theirs+=("$(echo "$p" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["train_step_b16_t64_s"])')")
done
/usr/bin/python3 - "${ours[*]}" "${theirs[*]}" <<'PY'
import statistics, sys
ours, theirs = [list(map(float, a.split())) for a in sys.argv[1:3]]
o, t = statistics.median(ours), statistics.median(theirs)
print(f"median step: textclass {o:.3f} s, PyTorch {t:.3f} s; PyTorch / textclass = {t / o:.2f}")
PY
