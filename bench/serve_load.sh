#!/usr/bin/env bash
# `textclass serve` under load from wrk (Debian's wrk, with bench/serve_load.lua), beside `textclass
# predict` on the same AG News rows and --threads, in the same run. Each request is one row, so
# wrk's requests/s are rows/s. Prints a Markdown table: rows/s, p50 and p99 latency at each
# concurrency, the ratio to predict's rows/s, and (at concurrency 1) p50 against the model time of
# a one-row batch (te_batch_inference_duration's mean from /metrics).
# Usage: bench/serve_load.sh [TEXTCLASS]   env: MODEL (tests/fixtures/hf/tiny), ROWS (2000),
#        THREADS (2), SECONDS_EACH (10), CONCURRENCY ("1 16 64"), PREDICT_ARGS and SERVE_ARGS (more
#        options for each, e.g. PREDICT_ARGS="--batch-size 8" SERVE_ARGS="--max-batch-requests 8")
set -euo pipefail
cd "$(dirname "$0")/.."
textclass=$(realpath "${1:-build/textclass}")
model=${MODEL:-tests/fixtures/hf/tiny}
rows=${ROWS:-2000}
threads=${THREADS:-2}
seconds=${SECONDS_EACH:-10}
concurrency=${CONCURRENCY:-1 16 64}
read -r -a predict_args <<<"${PREDICT_ARGS:-}"
read -r -a serve_args <<<"${SERVE_ARGS:-}"
scratch=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$scratch"' EXIT

# The first ROWS AG News test rows as predict reads a csv's text (title, a space, description), one
# a line for predict's stdin, and one JSON body a line for wrk.
python3 - "$rows" "$scratch" <<'PY'
import csv, json, sys
rows, scratch = int(sys.argv[1]), sys.argv[2]
with open("data/ag_news/test.csv", newline="") as f, open(f"{scratch}/texts", "w") as texts, \
     open(f"{scratch}/bodies", "w") as bodies:
    for i, (label, title, description) in enumerate(csv.reader(f)):
        if i == rows:
            break
        text = " ".join(f"{title} {description}".split())  # one line, as stdin lines must be
        texts.write(text + "\n")
        bodies.write(json.dumps({"inputs": text}) + "\n")
PY

start=$(date +%s.%N)
"$textclass" predict --model "$model" --threads "$threads" "${predict_args[@]}" <"$scratch/texts" >"$scratch/predict.jsonl"
end=$(date +%s.%N)
[ "$(wc -l <"$scratch/predict.jsonl")" = "$rows" ] || { echo "predict gave $(wc -l <"$scratch/predict.jsonl") rows" >&2; exit 1; }
predict_rows_s=$(awk -v n="$rows" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')

"$textclass" serve --model "$model" --threads "$threads" --port 0 "${serve_args[@]}" 2>"$scratch/serve.log" &
server=$!
for _ in $(seq 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*' "$scratch/serve.log" | head -1) && break
  sleep 0.1
done

echo "| run | rows/s | vs predict | p50 ms | p99 ms |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| predict, $rows rows | $predict_rows_s | 1.00 | | |"
for c in $concurrency; do
  curl -s "$url/metrics" >"$scratch/metrics.before"
  SERVE_BODIES="$scratch/bodies" wrk -t "$(( c < 2 ? c : 2 ))" -c "$c" -d "${seconds}s" --latency \
    -s bench/serve_load.lua "$url" >"$scratch/wrk.$c"
  curl -s "$url/metrics" >"$scratch/metrics.after"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$scratch/wrk.$c")
  # wrk prints latencies with their unit (us, ms, s)
  to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[0-9]s$/) v *= 1000; printf "%.2f", v }'; }
  p50=$(awk '$1 == "50%" { print $2 }' "$scratch/wrk.$c" | to_ms)
  p99=$(awk '$1 == "99%" { print $2 }' "$scratch/wrk.$c" | to_ms)
  ratio=$(awk -v a="$rps" -v b="$predict_rows_s" 'BEGIN { printf "%.2f", a / b }')
  echo "| serve, concurrency $c | $rps | $ratio | $p50 | $p99 |"
  if [ "$c" = 1 ]; then
    # the model time of this run's batches (one row each at concurrency 1): the metrics' difference
    model_ms=$(cat "$scratch/metrics.before" "$scratch/metrics.after" | awk '
      /^te_batch_inference_duration_sum/ { s[n_s++] = $2 } /^te_batch_inference_duration_count/ { c[n_c++] = $2 }
      END { printf "%.3f", (s[1] - s[0]) / (c[1] - c[0]) * 1000 }')
    batch_rows=$(cat "$scratch/metrics.before" "$scratch/metrics.after" | awk '
      /^te_batch_next_size_sum/ { s[n_s++] = $2 } /^te_batch_next_size_count/ { c[n_c++] = $2 }
      END { printf "%.2f", (s[1] - s[0]) / (c[1] - c[0]) }')
    echo "| (concurrency 1: model time per batch ${model_ms} ms, ${batch_rows} rows per batch; p50 / model time $(awk -v a="$p50" -v b="$model_ms" 'BEGIN { printf "%.2f", a / b }')) | | | | |"
  fi
done
kill -TERM "$server"
wait "$server"
server=""
