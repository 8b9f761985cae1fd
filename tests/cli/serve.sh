#!/usr/bin/env bash
# `textclass serve` over loopback with the tiny transformers fixture: every input shape and option
# (a sentence pair answers as predict does on the same pair row),
# every error status with TEI's JSON, malformed requests (cut off, 10x the payload limit, invalid
# UTF-8, not JSON, wrong types, deep nesting), 64 concurrent clients getting exactly predict's
# answers, 429 over --max-concurrent-requests while the rest are answered, the API key, and SIGTERM
# under load losing no accepted request.
# Usage: serve.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"
source "$(dirname "$0")/../support/server.sh"
tiny=tests/fixtures/hf/tiny
serve_model=$tiny

# expect_error STATUS TYPE WHAT PATH BODY [CURL ARGS...]: TEI's error JSON with that status and type.
expect_error() {
  local status=$1 type=$2 what=$3 out
  shift 3
  out=$(post "$@")
  [ "${out%% *}" = "$status" ] || fail "$what: expected status $status, got: $out"
  jq -e --arg type "$type" '(.error | type == "string" and length > 0) and .error_type == $type' <<<"${out#* }" \
    >/dev/null 2>&1 || fail "$what: expected {\"error\", \"error_type\": \"$type\"}, got: $out"
}

# --- options the server cannot work with: one line each, before it listens
expect_one_line_error 'serve: --max-batch-tokens 100 is less than the model.s max_input_length 512' \
  serve --model "$tiny" --port 0 --max-batch-tokens 100
expect_one_line_error 'serve: cannot bind 10\.255\.255\.1:1 ' serve --model "$tiny" --host 10.255.255.1 --port 1

start_server "$scratch/server.log" --payload-limit 100000
server=$pid

# --- each input shape and option
text="Wall St. Bears Claw Back Into the Black (Reuters)"
out=$(post /predict "{\"inputs\": \"$text\"}")
[ "${out%% *}" = 200 ] || fail "a single text: $out"
jq -e 'length == 4 and (map(.label) | sort) == ["LABEL_0","LABEL_1","LABEL_2","LABEL_3"] and
       (map(.score) | add - 1 | fabs < 1e-5) and (. == sort_by(-.score))' <<<"${out#* }" >/dev/null ||
  fail "a single text: expected 4 labels, sorted by score, summing to 1: $out"
single=${out#* }
for route in / /invocations; do
  out=$(post "$route" "{\"inputs\": \"$text\"}")
  [ "$out" = "200 $single" ] || fail "POST $route answers as /predict: $out"
done
out=$(post /predict "{\"inputs\": [\"$text\"]}")
[ "$out" = "200 $single" ] || fail "[\"text\"] is one text: $out"
# Two answers ([{label, score}] sorted by score) agree: the same labels, scores within 1e-5. Not
# bitwise: a row's products may round differently in batches of other sizes (oneDNN picks its
# kernels by shape).
close='def close($a; $b): ($a | length) == ($b | length) and
  ([$a, $b] | transpose | all(.[0].label == .[1].label and ((.[0].score - .[1].score) | fabs) < 1e-5));'
out=$(post /predict "{\"inputs\": [[\"$text\"], [\"Stocks fall\"]]}")
jq -e --argjson single "$single" "$close"' length == 2 and close(.[0]; $single) and (.[1] | length) == 4' <<<"${out#* }" >/dev/null ||
  fail "a batch: expected a list per item, the first as the single answer: $out"
predict_raw=$("$textclass" predict --model "$tiny" --threads 1 --raw-scores "$text")
out=$(post /predict "{\"inputs\": \"$text\", \"raw_scores\": true}")
jq -e --argjson raw "$predict_raw" '(map({(.label): .score}) | add) as $s |
       [range(4)] | all(($s["LABEL_\(.)"] - $raw.logits[.]) | fabs < 1e-5)' <<<"${out#* }" >/dev/null ||
  fail "raw_scores: expected predict --raw-scores' logits $predict_raw, got: $out"

# a sentence pair ["a", "b"], alone and in a batch, answers as predict does on the same pair row
question="Who claws back?"
printf 'text,pair\n"%s","%s"\n' "$question" "$text" >"$scratch/pair.csv"
predict_pair=$("$textclass" predict --model "$tiny" --threads 1 --raw-scores --format csv --text-pair-column pair \
               --data "$scratch/pair.csv")
out=$(post /predict "{\"inputs\": [\"$question\", \"$text\"], \"raw_scores\": true}")
jq -e --argjson raw "$predict_pair" --argjson single_raw "$predict_raw" '(map({(.label): .score}) | add) as $s |
       ([range(4)] | all(($s["LABEL_\(.)"] - $raw.logits[.]) | fabs < 1e-5)) and
       ([range(4)] | any(($s["LABEL_\(.)"] - $single_raw.logits[.]) | fabs > 1e-4))' <<<"${out#* }" >/dev/null ||
  fail "a pair: expected predict --text-pair-column's logits $predict_pair, got: $out"
pair_raw=${out#* }
out=$(post /predict "{\"inputs\": [[\"$text\"], [\"$question\", \"$text\"]], \"raw_scores\": true}")
jq -e --argjson pair "$pair_raw" "$close"' length == 2 and close(.[1]; $pair)' <<<"${out#* }" >/dev/null ||
  fail "a batch with a pair: expected the pair's answer second, got: $out"
jq -e --arg text "$text" '.[0] | map(.label) | length == 4' <<<"${out#* }" >/dev/null || fail "a batch with a pair: $out"
out=$(post /predict "{\"inputs\": [[\"$text\"], [\"$question\", \"$text\"]]}")
jq -e --argjson single "$single" "$close"' close(.[0]; $single)' <<<"${out#* }" >/dev/null ||
  fail "a batch with a pair: expected the single text's answer first, got: $out"

long=$(printf 'word %.0s' $(seq 600))
expect_error 413 validation "a text over 512 tokens" /predict "{\"inputs\": \"$long\"}"
out=$(post /predict "{\"inputs\": \"$long\", \"truncate\": true}")
[ "${out%% *}" = 200 ] || fail "truncate: true: $out"
out=$(post /predict "{\"inputs\": \"$long\", \"truncate\": true, \"truncation_direction\": \"left\"}")
[ "${out%% *}" = 200 ] || fail "truncation_direction left: $out"
for direction in right left; do
  out=$(post /predict "{\"inputs\": [\"$long\", \"$text\"], \"truncate\": true, \"truncation_direction\": \"$direction\"}")
  [ "${out%% *}" = 200 ] || fail "a long pair truncated from the $direction: $out"
done

out=$(post /tokenize '{"inputs": "Hello world"}')
jq -e '.[0] | map(.text) == ["[CLS]", "Hello", "world", "[SEP]"] and map(.special) == [true, false, false, true]' \
  <<<"${out#* }" >/dev/null || fail "/tokenize: $out"
out=$(post /tokenize '{"inputs": ["Hello", "world"], "add_special_tokens": false}')
jq -e 'map(map(.text)) == [["Hello"], ["world"]]' <<<"${out#* }" >/dev/null || fail "/tokenize a batch: $out"
# Offsets as TEI gives them: start and stop count characters (code points, not bytes), text is the
# input's characters [start, stop) rather than the vocabulary's "##é", special tokens have null. The
# tiny model's tokenizer is bert-base-cased's, whose offsets from HF's tokenizers are in
# tests/fixtures/tokenizers/bert-base-cased/tricky_offsets.jsonl (make_offsets.js).
input='Héllo wörld'
want=$(jq -c --arg text "$input" 'select(.text == $text) | .offsets' \
       tests/fixtures/tokenizers/bert-base-cased/tricky_offsets.jsonl)
[ -n "$want" ] || fail "no offsets for '$input' in bert-base-cased/tricky_offsets.jsonl"
out=$(post /tokenize "{\"inputs\": \"$input\"}")
jq -e --argjson want "$want" '.[0] | map(if .special then null else [.start, .stop] end) == $want and
       map(.text) == ["[CLS]", "H", "é", "llo", "w", "ö", "rl", "d", "[SEP]"] and
       (map(select(.special)) | all(.start == null and .stop == null))' <<<"${out#* }" >/dev/null ||
  fail "/tokenize offsets of '$input': expected HF's $want, got: $out"
# An emoji is one character (four bytes, two UTF-16 units); [UNK] shows the whole word it stands for.
out=$(post /tokenize '{"inputs": "a🚀b é", "add_special_tokens": false}')
jq -e '.[0] | map([.text, .start, .stop]) == [["a🚀b", 0, 3], ["é", 4, 5]]' <<<"${out#* }" >/dev/null ||
  fail "/tokenize offsets past an emoji: $out"

# --- the GET routes
for path in /health / /ping; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$url$path")" = 200 ] || fail "GET $path"
done
jq -e '.model_type.classifier.id2label["3"] == "LABEL_3" and .model_type.classifier.label2id.LABEL_0 == 0 and
       .max_input_length == 512 and .max_batch_tokens == 16384 and .max_client_batch_size == 32 and
       .max_concurrent_requests == 512 and .model_dtype == "float32" and (.version | length) > 0' \
  <(curl -s "$url/info") >/dev/null || fail "GET /info: $(curl -s "$url/info")"
jq -e '.paths["/predict"].post and .components.schemas.ErrorResponse' <(curl -s "$url/api-doc/openapi.json") \
  >/dev/null || fail "GET /api-doc/openapi.json"

# --- errors, as TEI answers them
expect_error 413 validation "empty inputs" /predict '{"inputs": ""}'
expect_error 413 validation "an empty batch" /predict '{"inputs": []}'
batch33=$(jq -nc '{inputs: [range(33) | ["a text"]]}')
expect_error 413 validation "a client batch over 32" /predict "$batch33"
expect_error 413 validation "a pair over 512 tokens" /predict "{\"inputs\": [\"a question\", \"$long\"]}"
expect_error 400 validation "not JSON" /predict 'inputs=hello'
expect_error 400 validation "invalid UTF-8" /predict "$(printf '{"inputs": "caf\xe9"}')"
expect_error 400 validation "JSON cut short" /predict '{"inputs": "a'
for body in '{"inputs": 5}' '{"text": "a"}' '["a"]' '{"inputs": "a", "truncate": "yes"}' '{"inputs": [["a", "b", "c"]]}'; do
  expect_error 422 validation "wrong shape: $body" /predict "$body"
done
deep="{\"inputs\": $(printf '[%.0s' $(seq 5000))$(printf ']%.0s' $(seq 5000))}"
expect_error 422 validation "deep nesting" /predict "$deep"
head -c 1000000 /dev/zero | tr '\0' a >"$scratch/huge"
out=$(curl -s -o "$scratch/body" -w '%{http_code}' --data-binary @"$scratch/huge" "$url/predict")
[ "$out" = 413 ] && jq -e '.error_type == "validation"' "$scratch/body" >/dev/null ||
  fail "a body 10x the payload limit: expected 413 with TEI's JSON, got $out $(head -c 200 "$scratch/body")"
# A request cut off in its body: the server drops it and answers the next.
exec 3<>"/dev/tcp/127.0.0.1/${url##*:}"
printf 'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inputs": "a' >&3
exec 3>&-
out=$(post /predict '{"inputs": "still here"}')
[ "${out%% *}" = 200 ] || fail "after a cut-off request: $out"

# --- 64 concurrent clients get exactly predict's answers for the same texts
# AG News titles (the fourth field of rows that quote no quotes)
head -200 data/ag_news/test.csv | grep -v '""' | cut -d'"' -f4 | head -64 >"$scratch/texts"
[ "$(wc -l <"$scratch/texts")" = 64 ] || fail "expected 64 AG News titles"
"$textclass" predict --model "$tiny" --threads 1 --raw-scores <"$scratch/texts" >"$scratch/predict.jsonl" ||
  fail "predict exited $?"
mkdir "$scratch/answers"
nl -ba "$scratch/texts" | while IFS=$'\t' read -r n line; do
  jq -nc --arg text "$line" '{inputs: $text, raw_scores: true}' >"$scratch/answers/$((n)).request"
done
seq 64 | xargs -P 64 -I{} curl -s -o "$scratch/answers/{}.json" -w '%{http_code}\n' -H 'Content-Type: application/json' \
  --data-binary @"$scratch/answers/{}.request" "$url/predict" >"$scratch/codes"
[ "$(grep -c '^200$' "$scratch/codes")" = 64 ] || fail "64 concurrent clients: statuses $(sort "$scratch/codes" | uniq -c)"
mismatch=0
for n in $(seq 64); do
  jq -e --argjson raw "$(sed -n "${n}p" "$scratch/predict.jsonl")" '(map({(.label): .score}) | add) as $s |
     [range(4)] | all(($s["LABEL_\(.)"] - $raw.logits[.]) | fabs < 1e-5)' "$scratch/answers/$n.json" >/dev/null ||
    mismatch=$((mismatch + 1))
done
[ "$mismatch" = 0 ] || fail "64 concurrent clients: $mismatch of 64 answers differ from predict --raw-scores"

curl -s "$url/metrics" >"$scratch/metrics"
for series in 'te_request_count{method="single"}' 'te_request_success{method="batch"}' \
              'te_request_failure{err="validation",status="413"}' 'te_request_duration_count' 'te_queue_size' \
              'te_batch_next_size_count' 'te_batch_next_tokens_sum' 'te_request_queue_duration_bucket'; do
  grep -qF "$series" "$scratch/metrics" || fail "GET /metrics has no $series"
done
grep -Eq '^POST /predict 200 rows=2 tokens=[0-9]+ ms=[0-9]+$' "$scratch/server.log" ||
  fail "no log line 'POST /predict 200 rows=2 tokens=N ms=N' in the server's stderr"

kill -TERM "$server"
wait "$server"
status=$?
[ "$status" = 0 ] || fail "SIGTERM: the server exited $status"

# --- the API key, and 429 over --max-concurrent-requests while the rest are answered
start_server "$scratch/limited.log" --api-key secret --max-concurrent-requests 1 --auto-truncate
limited=$pid
expect_error 401 unauthorized "no API key" /predict '{"inputs": "a"}'
expect_error 401 unauthorized "a wrong API key" /predict '{"inputs": "a"}' -H 'Authorization: Bearer wrong'
out=$(post /predict "{\"inputs\": \"$long\"}" -H 'Authorization: Bearer secret')
[ "${out%% *}" = 200 ] || fail "--auto-truncate with the API key: $out"
heavy=$(jq -nc --arg text "$long" '{inputs: [range(32) | [$text]]}')
printf '%s' "$heavy" >"$scratch/heavy"
seq 24 | xargs -P 24 -I{} curl -s -o "$scratch/heavy.{}" -w '%{http_code}\n' -H 'Authorization: Bearer secret' \
  -H 'Content-Type: application/json' \
  --data-binary @"$scratch/heavy" "$url/predict" >"$scratch/codes"
ok=$(grep -c '^200$' "$scratch/codes")
over=$(grep -c '^429$' "$scratch/codes")
[ "$ok" -ge 1 ] && [ "$over" -ge 1 ] && [ $((ok + over)) = 24 ] ||
  fail "over --max-concurrent-requests 1: expected 200s and 429s only, got $(sort "$scratch/codes" | uniq -c)"
grep -l '"error_type":"overloaded"' "$scratch"/heavy.* >/dev/null || fail "429 without TEI's overloaded JSON"
out=$(post /predict '{"inputs": "after the crowd"}' -H 'Authorization: Bearer secret')
[ "${out%% *}" = 200 ] || fail "after 429s: $out"
kill -TERM "$limited"
wait "$limited"

# --- SIGTERM under load: every request the server accepted is answered
start_server "$scratch/load.log"
load=$pid
batch=$(jq -nc --rawfile texts "$scratch/texts" '{inputs: ($texts | split("\n") | map(select(length > 0)) | .[:32] | map([.]))}')
printf '%s' "$batch" >"$scratch/batch"
mkdir "$scratch/load"
seq 64 | xargs -P 64 -I{} sh -c "curl -s -o '$scratch/load/{}.json' -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary @'$scratch/batch' '$url/predict' >'$scratch/load/{}.code'; echo \" \$?\" >>'$scratch/load/{}.code'" &
clients=$!
for _ in $(seq 100); do  # SIGTERM once the server has answered a request or two
  grep -q '^POST /predict 200' "$scratch/load.log" && break
  sleep 0.05
done
kill -TERM "$load"
wait "$load"
status=$?
wait "$clients"
[ "$status" = 0 ] || fail "SIGTERM under load: the server exited $status"
cat "$scratch"/load/*.code >"$scratch/load_codes"
answered=$(grep -c '^200 0$' "$scratch/load_codes")
# refused: no connection (curl 7), or reset while still in the kernel's listen queue, never
# accepted by the server (curl 56 before any byte of an answer)
refused=$(grep -Ec '^000 (7|56)$' "$scratch/load_codes")
[ $((answered + refused)) = 64 ] ||
  fail "SIGTERM under load: a request was lost (not answered, not refused): $(sort "$scratch/load_codes" | uniq -c)"
for f in "$scratch"/load/*.json; do
  [ -s "$f" ] || continue
  jq -e 'length == 32' "$f" >/dev/null || fail "SIGTERM under load: an answer is not 32 predictions: $(head -c 200 "$f")"
done
logged=$(grep -c '^POST /predict 200' "$scratch/load.log")
[ "$logged" = "$answered" ] || fail "SIGTERM under load: the server answered $logged, the clients got $answered"
echo "SIGTERM under load: $answered answered, $refused refused a connection"

finish
