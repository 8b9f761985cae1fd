#!/usr/bin/env bash
# The baseline against its anchors on one machine in one go: `textclass baseline train` on
# protocol mod5-K of the bundled AG News test rows (row i evaluates when i % 5 == K, the rest
# train), then bench/lr_anchor.py (sklearn's TF-IDF(1,2,sublinear) + LogisticRegression(C=10),
# CountVectorizer + LR, fastText). Prints one JSON line per system: accuracy, macro F1, fit
# seconds. Ours is the median fit of 3 runs (vectorizing + fitting, as the anchor's fit_s).
# Usage: bench/baseline_vs_sklearn.sh [path/to/textclass] [K]
#   needs python3 with scikit-learn and the fasttext command (Debian: python3-sklearn fasttext);
#   PYTHON picks the interpreter (default: the first of python3, /usr/bin/python3 with sklearn).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
textclass=${1:-$repo/build/textclass}
k=${2:-0}
python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import sklearn' 2>/dev/null; then python=$candidate; break; fi
  done
fi
[ -n "$python" ] || { echo "no python3 with scikit-learn (apt-get install python3-sklearn)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
data=$repo/data/ag_news/test.csv  # one row per line, so rows split by line number
awk -v k="$k" '(NR - 1) % 5 != k' "$data" >"$scratch/train.csv"
awk -v k="$k" '(NR - 1) % 5 == k' "$data" >"$scratch/eval.csv"

fits=()
for run in 1 2 3; do
  out=$("$textclass" baseline train --train "$scratch/train.csv" --validation "$scratch/eval.csv" \
        --classes "$repo/data/ag_news/classes.txt" --output "$scratch/run")
  fits+=("$(sed -nE 's/^fit .* ([0-9.]+) s$/\1/p' <<<"$out")")
done
median=$(printf '%s\n' "${fits[@]}" | sort -n | sed -n 2p)
"$python" - "$scratch/run/metrics.json" "$k" "$median" "$(wc -l <"$scratch/train.csv")" "$(wc -l <"$scratch/eval.csv")" <<'PY'
import json, sys
metrics, k, fit, n_train, n_eval = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
m = json.load(open(metrics))
print(json.dumps({"system": "textclass baseline TF-IDF(1,2,sublinear)+LR C=10", "protocol": f"mod5-{k}",
                  "train": n_train, "eval": n_eval, "accuracy": round(m["accuracy"], 4),
                  "macro_f1": round(sum(c["f1"] for c in m["per_class"]) / len(m["per_class"]), 4),
                  "fit_s": round(fit, 3)}), flush=True)
PY
"$python" "$repo/bench/lr_anchor.py" "$data" "$k"
