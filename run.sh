#!/usr/bin/env bash
# The main job: the notebook's whole pipeline on AG News, as `textclass run`. Installs the Debian
# packages it needs, builds textclass, then reads AG News, splits it 90/10, fine-tunes
# bert-base-cased with per-epoch validation, prints the test report and compares it with the
# TF-IDF + logistic-regression baseline; results go to ./run (bert/, baseline/, comparison/). BERT
# runs on the GPU when this machine has one and the CUDA toolkit (--device auto), else on the CPU.
# With the network, AG News comes from the notebook's URLs (cached under ~/.cache/textclass) and
# bert-base-cased from the HuggingFace hub (cached as huggingface_hub caches it). Without it, the
# bundled 7,600 rows stand in (protocol mod5-0) and a small BERT is trained from scratch.
# Usage: ./run.sh [extra options for `textclass run`, e.g. --epochs 1 --output DIR]
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEXTCLASS_MARCH=native >/dev/null
cmake --build build -j"$(nproc)" --target textclass
build/textclass run "$@"
