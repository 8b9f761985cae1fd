#!/usr/bin/env bash
# textclass tokenize, end to end: ids and tokens against HuggingFace's (tests/fixtures/hf/tokenizer/
# tricky.jsonl), the --ids contract (exactly one line of ids per input line, nothing else on
# stdout) and the errors. Usage: tokenize.sh /path/to/textclass /repo/root
set -euo pipefail
textclass=$(realpath "$1")
cd "$2"  # so that --model bert-base-cased is found as ./data/bert-base-cased
fixtures=tests/fixtures/hf/tokenizer/tricky.jsonl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# The ids / tokens HF gave the fixture case whose text is exactly $1, space-separated.
fixture_ids() {
  grep -F "{\"text\": \"$1\", " "$fixtures" | sed 's/.*"ids": \[\([^]]*\)\].*/\1/; s/,//g'
}
fixture_tokens() {
  grep -F "{\"text\": \"$1\", " "$fixtures" | sed 's/.*"tokens": \[\(.*\)\], "slow_ids".*/\1/; s/^"//; s/"$//; s/", "/ /g'
}

# --ids: one line per input line, an empty line included, in order.
cases=("Hello, world!" "" "U.S. \$1,234.56 (Reuters)" "Café résumé naïve façade Ångström"
       "$(printf 'c%.0s' {1..101})" "東京で会いましょう 北京欢迎你" "[CLS] [SEP] [MASK] [UNK]")
printf '%s\n' "${cases[@]}" > "$work/in.txt"
"$textclass" tokenize --model bert-base-cased --ids < "$work/in.txt" > "$work/out.txt"
for text in "${cases[@]}"; do fixture_ids "$text"; done > "$work/expected.txt"
[[ $(wc -l < "$work/expected.txt") == "${#cases[@]}" ]] || fail "fixture lookup found $(wc -l < "$work/expected.txt") cases"
diff "$work/expected.txt" "$work/out.txt" || fail "--ids output differs from HF's ids"
[[ $(sed -n 2p "$work/out.txt") == "101 102" ]] || fail "empty line did not give '101 102'"

# Many lines, empty ones among them, and a last line without a newline: as many lines out.
{ for i in $(seq 1 2000); do if (( i % 7 == 0 )); then echo; else echo "line $i of the AG News-like input."; fi; done
  printf 'no newline at the end'; } > "$work/many.txt"
"$textclass" tokenize --model bert-base-cased --ids < "$work/many.txt" > "$work/many_out.txt"
[[ $(wc -l < "$work/many_out.txt") == 2001 ]] || fail "expected 2001 lines, got $(wc -l < "$work/many_out.txt")"
grep -qvE '^101( [0-9]+)* 102$' "$work/many_out.txt" && fail "a --ids line is not '101 ... 102'"
[[ $(sed -n 7p "$work/many_out.txt") == "101 102" ]] || fail "empty line 7 did not give '101 102'"

# --tokens with texts as arguments, one line per argument.
"$textclass" tokenize --model bert-base-cased --tokens "don't stop-believing..." "UNAFFABLE unaffable Unaffable" \
  > "$work/tokens.txt"
printf '%s\n' "$(fixture_tokens "don't stop-believing...")" "$(fixture_tokens "UNAFFABLE unaffable Unaffable")" \
  > "$work/tokens_expected.txt"
diff "$work/tokens_expected.txt" "$work/tokens.txt" || fail "--tokens output differs from HF's tokens"

# Ids by default, from a model directory path too; --max-length truncates, [SEP] kept.
[[ $("$textclass" tokenize --model data/bert-base-cased "Hello, world!") == "$(fixture_ids "Hello, world!")" ]] ||
  fail "default output is not the ids"
read -r -a hello <<< "$(fixture_ids "Hello, world!")"
[[ $("$textclass" tokenize --model bert-base-cased --max-length 4 "Hello, world!") == "${hello[*]:0:3} ${hello[-1]}" ]] ||
  fail "--max-length 4 did not keep [CLS] Hello , [SEP]"

# Errors: message on stderr naming the line, nothing on stdout, non-zero exit.
printf 'fine\nbad \xff byte\n' > "$work/bad.txt"
if "$textclass" tokenize --model bert-base-cased --ids < "$work/bad.txt" > "$work/bad_out.txt" 2> "$work/bad_err.txt"
then
  fail "invalid UTF-8 was accepted"
fi
grep -q '<stdin>:2: invalid UTF-8 at byte 5' "$work/bad_err.txt" ||
  fail "error does not name line and byte: $(cat "$work/bad_err.txt")"
[[ ! -s "$work/bad_out.txt" ]] || fail "stdout not empty after an error"
if "$textclass" tokenize --model no-such-model x > /dev/null 2> "$work/model_err.txt"; then
  fail "unknown model accepted"
fi
grep -q "looked in" "$work/model_err.txt" || fail "unknown model error does not say where it looked"
if "$textclass" tokenize --model bert-base-cased --ids "text" < /dev/null > /dev/null 2>&1; then
  fail "--ids accepted text arguments"
fi

# Other families, from their tokenizer.json: ids as HF's (tests/fixtures/tokenizers/MODEL/
# tricky_ids.jsonl, the first case's text), and sentence pairs with --pair.
for model in roberta-base modernbert-base distilbert-base-uncased; do
  dir=tests/fixtures/tokenizers/$model
  first=$(head -n 1 "$dir/tricky_ids.jsonl")
  text=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["text"])' "$first")
  expected=$(python3 -c 'import json, sys; print(*json.loads(sys.argv[1])["ids"])' "$first")
  [[ $("$textclass" tokenize --model "$dir" "$text") == "$expected" ]] || fail "$model: ids differ from HF's for '$text'"
done
pair=$(head -n 1 tests/fixtures/tokenizers/roberta-base/tricky_pairs.jsonl)
input=$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["a"] + "\t" + r["b"])' "$pair")
expected=$(python3 -c 'import json, sys; print(*json.loads(sys.argv[1])["ids"])' "$pair")
[[ $(printf '%s\n' "$input" | "$textclass" tokenize --model tests/fixtures/tokenizers/roberta-base --pair) == "$expected" ]] ||
  fail "roberta-base: --pair ids differ from HF's"
if printf 'no tab\n' | "$textclass" tokenize --model bert-base-cased --pair > /dev/null 2> "$work/pair_err.txt"; then
  fail "--pair accepted a line without a tab"
fi
grep -q '<stdin>:1: --pair: no tab' "$work/pair_err.txt" || fail "--pair error: $(cat "$work/pair_err.txt")"

# A bad tokenizer.json: one line naming the file and the part.
mkdir "$work/bad_tokenizer"
sed 's/"BertPreTokenizer"/"Metaspace"/' data/bert-base-cased/tokenizer.json > "$work/bad_tokenizer/tokenizer.json"
if "$textclass" tokenize --model "$work/bad_tokenizer" x > /dev/null 2> "$work/json_err.txt"; then
  fail "an unsupported pre_tokenizer was accepted"
fi
[[ $(wc -l < "$work/json_err.txt") == 1 ]] || fail "the tokenizer.json error is not one line: $(cat "$work/json_err.txt")"
grep -q "bad_tokenizer/tokenizer.json: pre_tokenizer: unsupported type Metaspace (supported: " "$work/json_err.txt" ||
  fail "tokenizer.json error: $(cat "$work/json_err.txt")"
echo "tokenize: all checks passed"
