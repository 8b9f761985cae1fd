#!/usr/bin/env bash
# The main job: the notebook's pipeline on AG News. Installs the Debian packages it needs, builds
# textclass, then runs the steps built so far (read, split, tokenize) and prints their summary.
# The 120,000-row train set is downloaded from the notebook's URL when the network allows
# (cached under ~/.cache/textclass); otherwise the bundled 7,600-row test set stands in for it.
# Usage: ./run.sh [extra options for `textclass data`]
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEXTCLASS_MARCH=native >/dev/null
cmake --build build -j"$(nproc)" --target textclass

train_url=https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv
classes=data/ag_news/classes.txt
echo "== train set (notebook split: 90/10, seed 1122)"
if ! build/textclass data --train "$train_url" --classes "$classes" --model bert-base-cased "$@"; then
  echo "(could not fetch the train set; using the bundled test set in its place)"
  build/textclass data --train data/ag_news/test.csv --classes "$classes" --model bert-base-cased "$@"
fi
echo
echo "== test set"
build/textclass data --data data/ag_news/test.csv --classes "$classes" --model bert-base-cased "$@"
