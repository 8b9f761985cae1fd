#!/usr/bin/env bash
# The CUDA backend's checks on the lent GPU machine, as one prepared step. Runs there, from the
# repository root, with .devrun/ carried (made here by `bash bench/device/pack.sh`, which builds the
# programs with CUDA 13 and packs them with their shared libraries; run it again right before the
# call, since the programs are only as new as that). Logs go under $OUT; summary.txt is rewritten
# after every stage, so a call cut short still says how far it got.
#   run tool: command "STAGES='env tests loss' bash bench/device/cuda_checks.sh", carry [".devrun"]
# Stages (STAGES, default all, in this order), each under its own timeout (LIMIT_<stage>=seconds,
# defaults below), a failed one does not stop the next; estimates for an H100 with 16 cores (the
# tests take 35 s on this 2-core machine with CUDA skipped; HF's rates from bench/RESULTS.md):
#   env         ~15 s   GPU, driver, toolkit, python/torch/transformers, where cuBLAS is   (60)
#   tests       ~1 min  test_backend, test_model, test_train; a CUDA test that skips fails  (240)
#   throughput  2-4 min bench/throughput --device cuda, bf16 then fp32, batch 16,32,64,
#                       TPUT_STEPS=100 timed after TPUT_WARMUP=20 warm-up, then predict all
#                       7,600 rows (TPUT_PRECISIONS="bf16 fp32")                            (400)
#   anchor      ~1.5 min bench/hf_anchor.py (ANCHOR_STEPS=120), then bench/compare_throughput.py
#                       ours against it into $OUT/throughput.md (needs throughput in the same call) (300)
#   loss        ~2 min  bench/device/loss_curve.sh (LOSS_STEPS=300; LOSS_PRECISION, else its bf16) (420)
#   run         ~1 min  textclass run --offline (bundled rows, small BERT) on the GPU     (180)
#   profile     ~1 min  where the time goes at bf16 batch 16 (not in the default STAGES): the
#                       backend's op table (throughput --profile) after 100 warm-up steps, GPU
#                       time per kernel of ~2 steps under ncu (bench/device/ncu_summary.py); then
#                       cuBLAS's times for the same products through PyTorch (gemm_shapes.py);
#                       with PROFILE_NCU=0 the op table only (~20 s)                          (240)
#   kernels     ~1 min  ncu's sections for the kernels matching NCU_KERNELS at bf16 batch 16
#                       (not in the default STAGES; NCU_SKIP, NCU_COUNT)                      (180)
#   attention   ~20 s   the attention ops alone, forward and backward at batch 16, T from 32 to 512,
#                       bf16's tensor-core kernels against tf32's plan (bench/bench_cuda_attention.cpp;
#                       not in the default STAGES)                                          (120)
# Plus, before the stages, ~10 s, or ~1 min when the programs must be relinked (below). The
# machine's start-up eats minutes of the 15 too, so for a single ~9-minute call (timeout_s 560):
# STAGES="env tests loss throughput anchor" (correctness first; a cut-off costs the anchor). Split:
# first STAGES="env tests loss" (~4 min: is it right?), then STAGES="throughput anchor" (~5 min:
# is it fast?) on the still-warm machine.
#
# Libraries. Before the stages this extracts lib.tar.xz to /tmp/lib, the one folder our programs
# are run with (LD_LIBRARY_PATH for them only: python keeps its own libstdc++). They need
# libcublasLt.so.13 and libcublas.so.13 from that machine: when the loader does not find them, the
# first folder holding both among /usr/local/cuda*/ and Python's nvidia wheels is linked into
# /tmp/lib (loss_curve.sh sets LD_LIBRARY_PATH=/tmp/lib itself, so adding a folder would not do).
# Then one CUDA test probes the GPU. If it fails for a reason programs built for that machine's
# CUDA would cure (no cuBLAS 13 anywhere; a driver older than CUDA 13, "CUDA driver version is
# insufficient"; no machine code for the GPU), it runs bench/device/relink_cuda.sh: that machine's
# nvcc compiles the CUDA sources carried in .devrun/relink.tar.xz and the five programs are linked
# again against its own cudart and cuBLAS (about a minute; RELINK=1 forces it, RELINK=0 never).
# If that fails too, the banner says CUDA IS NOT USABLE and the stages go on and fail. Then the
# env stage shows what is missing: nvcc, or a toolkit whose major version the driver runs
# (nvidia-smi's "CUDA Version") with its cuBLAS; failing those, nothing here can use that GPU.
# shellcheck disable=SC2317  # the stage_* functions are called as "stage_$name"
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
root=$PWD
self=$root/bench/device/cuda_checks.sh
out=${OUT:-/tmp/out}
lib=/tmp/lib
programs=(test_backend test_model test_train)

ours() { LD_LIBRARY_PATH=$lib "$@"; }
banner() { printf '\n############ %s\n' "$*"; }

# ---------------------------------------------------------------- the stages
stage_env() {
  date -u
  echo "== GPU";   nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv
  nvidia-smi | grep -o 'CUDA Version: [0-9.]*' | sed 's/^/driver supports /'
  echo "== nvcc";  { command -v nvcc || ls /usr/local/cuda/bin/nvcc; } 2>/dev/null
  "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" --version 2>&1 | tail -2
  ls -d /usr/local/cuda* 2>/dev/null
  echo "== host";  uname -r; ldd --version | head -1; g++ --version 2>&1 | head -1; nproc
  grep '^needs:' .devrun/MANIFEST
  echo "== python"
  python3 -c 'import sys, torch, transformers
print("python", sys.version.split()[0], "torch", torch.__version__, "built for CUDA", torch.version.cuda,
      "cuda available", torch.cuda.is_available(), "transformers", transformers.__version__)'
  echo "== libcublasLt on this machine"
  { find /usr/local/cuda*/ /usr/lib/x86_64-linux-gnu -name 'libcublasLt.so*' 2>/dev/null
    python_sites | while read -r dir; do find "$dir/nvidia" -name 'libcublasLt.so*' 2>/dev/null; done; } | sort -u
  echo "== what our programs load"
  ours ldd .devrun/bin/test_backend | grep -E 'libcu|libstdc|not found'
  nvidia-smi -L >/dev/null 2>&1 || { echo "!! nvidia-smi sees no GPU"; return 1; }
}

# A test program's CUDA tests must run, not skip: a skip prints "file:line: Skipped" and then the
# reason, which starts with the backend's name ("cuda: no usable CUDA device ..."). The console
# gets the failures, the summary and each skip reason once (the run tool returns only its tail);
# $OUT/<program>.log has everything.
stage_tests() {
  local status=0 program log code skipped
  for program in "${programs[@]}"; do
    log=$out/$program.log
    echo "== $program"
    ours .devrun/bin/"$program" --gtest_brief=1 >"$log" 2>&1
    code=$?
    grep -v -e '^step [0-9]' -e '^Running main' -e ': Skipped$' -e '^cuda\(-bf16\)\?: ' "$log"
    grep -A1 ': Skipped$' "$log" | grep -v -e ': Skipped$' -e '^--$' | sort | uniq -c | sed 's/^ */  skipped: /'
    skipped=$(grep -A1 ': Skipped$' "$log" | grep -c '^cuda')
    if [ "$code" -ne 0 ]; then
      echo "!! $program FAILED (exit $code)"; status=1
    elif ! ours .devrun/bin/"$program" --gtest_list_tests | grep -qi cuda; then
      echo "!! $program lists no CUDA test: not a CUDA build"; status=1
    elif [ "$skipped" -gt 0 ]; then
      echo "!! $program: $skipped tests skipped for want of CUDA: the CUDA backend was not tested"; status=1
    else
      echo "ok $program: passed, no CUDA test skipped"
    fi
  done
  return "$status"
}

stage_throughput() {
  local status=0 precision
  rm -f "$out/throughput_ours.jsonl"
  for precision in ${TPUT_PRECISIONS:-bf16 fp32}; do
    echo "== ours: --device cuda --precision $precision"
    ours .devrun/bin/throughput --device cuda --precision "$precision" --batch-sizes 16,32,64 \
      --steps "${TPUT_STEPS:-100}" --warmup "${TPUT_WARMUP:-20}" --data data/ag_news/test.csv 2>"$out/throughput_ours_$precision.err" |
      tee -a "$out/throughput_ours.jsonl"
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "!! throughput --precision $precision failed:"; tail -5 "$out/throughput_ours_$precision.err"; status=1; }
  done
  return "$status"
}

stage_anchor() {
  echo "== HF transformers, STEPS=${ANCHOR_STEPS:-120}"
  STEPS=${ANCHOR_STEPS:-120} PYTHONUNBUFFERED=1 python3 bench/hf_anchor.py data/ag_news/test.csv data/bert-base-cased \
    2>"$out/hf_anchor.err" | tee "$out/throughput_hf.jsonl"
  [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "!! hf_anchor.py failed:"; tail -5 "$out/hf_anchor.err"; return 1; }
  [ -s "$out/throughput_ours.jsonl" ] || { echo "!! no throughput_ours.jsonl: run the throughput stage in the same call"; return 1; }
  echo "== ours against HF"
  python3 bench/compare_throughput.py "$out/throughput_ours.jsonl" "$out/throughput_hf.jsonl" | tee "$out/throughput.md"
}

stage_loss() {
  mkdir -p "$out/loss"
  env OUT="$out/loss" STEPS="${LOSS_STEPS:-300}" DEVICE=cuda ${LOSS_PRECISION+"PRECISION=$LOSS_PRECISION"} \
    bash bench/device/loss_curve.sh
}

stage_run() {
  echo "== textclass run --offline: the notebook's pipeline on the bundled rows with the small BERT"
  rm -rf /tmp/run_gpu
  local start=$SECONDS
  ours .devrun/bin/textclass run --offline --output /tmp/run_gpu >"$out/run_gpu.log" 2>&1
  local code=$?
  grep -v -e '^step [0-9]' "$out/run_gpu.log" | tail -30
  echo "exit $code after $((SECONDS - start)) s"
  return "$code"
}

stage_attention() {
  echo "== attention alone: batch 16, hidden 768, 12 heads, dropout 0.1, forward and backward;"
  echo "   bf16:1 = tensor_core_attention.cuh's kernels, bf16:0 = tf32's plan on the padded layout"
  ours .devrun/bin/bench_cuda_attention --benchmark_min_time=0.2
}

stage_profile() {
  echo "== op profile: bf16, batch 16, 100 warm-up steps and 400 more"
  ours .devrun/bin/throughput --device cuda --precision bf16 --profile --batch-sizes 16 --warmup 100 --steps 400 \
    --predict-batch-sizes 256 --data data/ag_news/test.csv >"$out/profile.out" 2>"$out/profile.txt"
  cat "$out/profile.out"
  awk '/CUDA ops/ {n++} n == 1' "$out/profile.txt" | head -16  # the training table
  [ "${PROFILE_NCU:-1}" = 1 ] || return 0
  local ncu
  ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
  [ -n "$ncu" ] || { echo "no ncu on this machine"; return 1; }
  echo "== ncu: GPU time per kernel, bf16 batch 16, launches 25,000 to 26,200"
  timeout 100 "$ncu" --clock-control none --metrics gpu__time_duration.sum \
    --launch-skip 25000 --launch-count 1200 --csv --page raw env LD_LIBRARY_PATH=$lib .devrun/bin/throughput \
    --device cuda --precision bf16 --batch-sizes 16 --warmup 60 --steps 1 --predict-batch-sizes 2000 --rows 2000 \
    --data data/ag_news/test.csv >"$out/ncu.csv" 2>"$out/ncu.err"
  python3 bench/device/ncu_summary.py "$out/ncu.csv" 40 || tail -5 "$out/ncu.err"
  echo "== cuBLAS through PyTorch: one layer's products at 1536 tokens"
  python3 bench/device/gemm_shapes.py 1536 | grep layer_products
}

# ncu's sections (speed of light, occupancy, warp states, memory) for the training kernels whose
# demangled names (namespaces included) match NCU_KERNELS, NCU_COUNT launches of them after NCU_SKIP
# (past the first steps' plans), at bf16 batch 16: why a kernel takes the time it takes. All of it in
# $OUT/ncu_sections.txt, a few lines a kernel on the console.
stage_kernels() {
  local ncu
  ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda/bin/ncu 2>/dev/null | head -1)
  [ -n "$ncu" ] || { echo "no ncu on this machine"; return 1; }
  local kernels=${NCU_KERNELS:-layernorm|column_sums|adamw|query_prologue}
  echo "== ncu sections: kernels matching '$kernels', launches ${NCU_SKIP:-400} to +${NCU_COUNT:-40}"
  timeout 150 "$ncu" --clock-control none --kernel-name-base demangled --kernel-name "regex:$kernels" \
    --launch-skip "${NCU_SKIP:-400}" \
    --launch-count "${NCU_COUNT:-40}" --section SpeedOfLight --section LaunchStats --section Occupancy \
    --section WarpStateStats --section MemoryWorkloadAnalysis --section SchedulerStats --page details \
    env LD_LIBRARY_PATH=$lib .devrun/bin/throughput --device cuda --precision bf16 --batch-sizes 16 --warmup 10 \
    --steps 10 --predict-batch-sizes 16 --rows 2000 --data data/ag_news/test.csv >"$out/ncu_sections.txt" \
    2>"$out/ncu_sections.err"
  grep -E 'CC [0-9]|Duration|DRAM Throughput|Achieved Occupancy|Registers Per|Warp Cycles Per Issued|No Eligible' \
    "$out/ncu_sections.txt" | cut -c1-150 | head -200
}

python_sites() { python3 -c 'import site; print("\n".join(site.getsitepackages()))' 2>/dev/null; }

# ---------------------------------------------------------------- before the stages
# One small CUDA test: prints why CUDA cannot run (or that the program cannot start) when it fails,
# and leaves the output in probe_log.
probe_cuda() {
  probe_log=$(ours timeout 60 .devrun/bin/test_backend --gtest_brief=1 --gtest_filter='*MemoryTest*/cuda' 2>&1)
  if grep -q '^\[  PASSED  \] [1-9]' <<<"$probe_log" && ! grep -q ': Skipped$' <<<"$probe_log"; then
    echo "probe: the CUDA backend runs here"; return 0
  fi
  echo "probe: the CUDA backend does not run here:"; grep -v -e '^Running main' -e ': Skipped$' <<<"$probe_log" | uniq | sed 's/^/  /' | tail -6; return 1
}

# When the loader finds no cuBLAS 13, the first folder with both libraries is linked into /tmp/lib.
link_cublas() {
  if ! ours ldd .devrun/bin/test_backend | grep -q 'libcublas.*not found'; then
    echo "cuBLAS: $(ours ldd .devrun/bin/test_backend | awk '/libcublasLt/ {print $3}')"; return 0
  fi
  local dir
  for dir in $( { find /usr/local/cuda*/ -name libcublasLt.so.13 2>/dev/null
                  python_sites | while read -r site; do find "$site/nvidia" -name libcublasLt.so.13 2>/dev/null; done; } |
                xargs -r -n1 dirname); do
    if [ -e "$dir/libcublas.so.13" ]; then
      ln -sf "$dir/libcublasLt.so.13" "$dir/libcublas.so.13" "$lib/"
      echo "cuBLAS: linked $dir/libcublas{,Lt}.so.13 into $lib"; return 0
    fi
  done
  echo "cuBLAS: NO libcublasLt.so.13 + libcublas.so.13 on this machine (the toolkit's or a Python wheel's)"; return 1
}

setup() {
  tar -xJf .devrun/lib.tar.xz -C /tmp
  tar -xJf .devrun/bin.tar.xz -C .devrun  # bin/ and textclass (pack.sh)
  # the tests find their fixtures under the source folder compiled in
  [ -e /work/main ] || { mkdir -p /work && ln -s "$root" /work/main; }
  head -3 .devrun/MANIFEST
  link_cublas
  local relink=${RELINK:-auto}
  if [ "$relink" != 1 ] && probe_cuda; then return 0; fi
  # what programs built for this machine's CUDA would cure: an old driver, missing libraries, a GPU
  # the carried machine code and PTX do not cover
  if [ "$relink" = auto ] && ! grep -qiE 'insufficient|loading shared libraries|kernel image|PTX|toolchain' <<<"$probe_log"; then
    relink=0
  fi
  if [ "$relink" != 0 ]; then
    echo "relinking against this machine's CUDA (bench/device/relink_cuda.sh)"
    LIB=$lib timeout 300 bash bench/device/relink_cuda.sh && probe_cuda && return 0
  fi
  banner "CUDA IS NOT USABLE with these programs: see above and the env stage"
  return 1
}

# ---------------------------------------------------------------- main
if [ "${1-}" = --stage ]; then  # one stage, run by the loop below under its timeout
  "stage_$2"
  exit $?
fi

declare -A limit=([env]=60 [tests]=240 [throughput]=400 [anchor]=300 [loss]=420 [run]=180 [profile]=240
                  [attention]=120 [kernels]=180)
stages=${STAGES:-env tests throughput anchor loss}
for stage in $stages; do
  [ -n "${limit[$stage]-}" ] || { echo "unknown stage '$stage' (known: ${!limit[*]})"; exit 2; }
done

mkdir -p "$out"
banner "setup $(date -u +%T)"
setup 2>&1 | tee "$out/setup.txt"
echo "stage       result  seconds" >"$out/summary.txt"
failed=0
for stage in $stages; do
  seconds=$(eval echo "\${LIMIT_$stage:-${limit[$stage]}}")
  banner "stage $stage (limit ${seconds} s) $(date -u +%T)"
  start=$SECONDS
  timeout -k 10 "$seconds" bash "$self" --stage "$stage" 2>&1 | tee "$out/$stage.txt"
  code=${PIPESTATUS[0]}
  case $code in 0) result=ok ;; 124 | 137) result=TIMEOUT ;; *) result=FAILED ;; esac
  [ "$code" -eq 0 ] || failed=1
  printf '%-11s %-7s %d\n' "$stage" "$result" $((SECONDS - start)) >>"$out/summary.txt"
done
banner "summary"
cat "$out/summary.txt"
exit $failed
