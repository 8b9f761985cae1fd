#!/usr/bin/env bash
# One call on the lent GPU machine: the loss-curve check. From the same random bert-base-sized
# weights, HF's fp32 training (bench/loss_curve/hf_loss_curve.py) and `textclass train`, on the
# same AG News rows in file order without dropout, must give per-step losses whose mean absolute
# difference is under 2% of the loss (bench/loss_curve/compare_loss_curves.py; its status is this
# script's). Prepared here, as for bench/device/cpu_benchmarks.sh: textclass built with CUDA and
# carried in .devrun/ with its shared libraries (lib.tar.xz):
#   cmake -S . -B build-dev -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEXTCLASS_MARCH=x86-64-v3 \
#         -DTEXTCLASS_TESTS=OFF -DTEXTCLASS_CUDA=ON && ninja -C build-dev textclass && cp build-dev/textclass .devrun/
# Usage there: [DEVICE=cuda] [PRECISION=bf16] [STEPS=300] bash bench/device/loss_curve.sh
#   PRECISION= (empty) leaves --precision out. Logs and both curves are written under $OUT; the
#   models (over 400 MB each) stay in /tmp/loss_curve.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-/tmp/out}; mkdir -p "$out"
work=/tmp/loss_curve
device=${DEVICE:-cuda}
precision=${PRECISION-bf16}
steps=${STEPS:-300}
rm -rf "$work" && mkdir -p "$work"  # nothing left from an earlier call on a warm machine
tar -xJf .devrun/lib.tar.xz -C /tmp
{ date -u; nvidia-smi --query-gpu=name --format=csv,noheader; echo "DEVICE=$device PRECISION=$precision STEPS=$steps"; } |
  tee "$out/machine.txt"

echo "== HF: the initial weights, then $steps fp32 steps"
PYTHONUNBUFFERED=1 timeout 300 python3 bench/loss_curve/hf_loss_curve.py data/ag_news/test.csv data/bert-base-cased \
  "$work/hf" "$steps" 2>&1 | tee "$out/hf.txt"
[ -f "$work/hf/hf_losses.json" ] || { echo "the HF side wrote no losses"; exit 1; }
cp "$work/hf/hf_losses.json" "$out/"

# train evaluates at the end of the epoch, so it gets a small validation file of other rows (without
# --validation it would split the training rows); --save-steps above $steps skips the checkpoint.
sed -n 7001,7064p data/ag_news/test.csv >"$work/valid.csv"
precision_args=()
[ -n "$precision" ] && precision_args=(--precision "$precision")
echo "== textclass: the same $steps steps on $device ${precision_args[*]}"
LD_LIBRARY_PATH=/tmp/lib timeout 400 .devrun/textclass train --model "$work/hf/init" --train "$work/hf/rows.csv" \
  --validation "$work/valid.csv" --classes data/ag_news/classes.txt --no-shuffle --dropout 0 \
  --max-steps "$steps" --logging-steps 1 --batch-size 16 --learning-rate 5e-5 --weight-decay 0.01 \
  --max-grad-norm 1.0 --save-steps $((steps + 1)) --device "$device" "${precision_args[@]}" \
  --output "$work/ours" >"$out/ours.txt" 2>&1
status=$?
tail -n 5 "$out/ours.txt"
[ "$status" -eq 0 ] || { echo "textclass train exited $status (log: ours.txt)"; exit 1; }
cp "$work/ours/log.jsonl" "$out/ours_log.jsonl"

echo "== the curves"
python3 bench/loss_curve/compare_loss_curves.py "$out/hf_losses.json" "$out/ours_log.jsonl" 2>&1 | tee "$out/compare.txt"
status=${PIPESTATUS[0]}

# Both sides trained on the same batches, so their peaks compare at the same lengths (the throughput
# benchmarks draw their batches at random, each its own).
echo "== peak device memory over these $steps steps"
grep -o '"peak_mem_gib": [0-9.]*' "$out/hf.txt" | sed 's/^/HF fp32: /'
grep -o 'peak memory on [^)]*' "$out/ours.txt" | sed 's/^/textclass: /'
exit "$status"
