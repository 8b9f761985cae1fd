#!/usr/bin/env bash
# `textclass data`: the summary of the AG News test set, the split it would make of a --train set,
# the other input formats, and one-line file:line errors with a non-zero exit for bad input.
# Usage: data.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

# The test set: 7,600 rows, 1,900 (25.0%) in each of the four classes of classes.txt.
out=$("$textclass" data --data data/ag_news/test.csv 2>&1) || fail "data --data test.csv exited $?: $out"
expect_line "$out" '^== data: data/ag_news/test\.csv$' "source"
expect_line "$out" '^rows +7,600$' "row count"
expect_line "$out" '^classes +4$' "class count"
while read -r class; do
  expect_line "$out" "^  $class +1,900 +25\.0%$" "rows of class $class"
done <data/ag_news/classes.txt
expect_line "$out" '^characters +p50 [0-9,]+ +p90 [0-9,]+ +p99 [0-9,]+ +max [0-9,]+ +mean [0-9.]+$' "text lengths"
expect_line "$out" '^tokens +p50 [0-9,]+ +p90 [0-9,]+ +p99 [0-9,]+ +max [0-9,]+ +mean [0-9.]+ ' "token lengths"
expect_line "$out" '^over 512 tokens +[0-9,]+ rows' "truncated rows"

# As --train without --validation it also shows the notebook split: floor(0.9 * 7600) = 6,840 rows.
out=$("$textclass" data --train data/ag_news/test.csv 2>&1) || fail "data --train exited $?: $out"
expect_line "$out" '^== split of --train \(notebook, train fraction 0\.9, seed 1122\)$' "split header"
expect_line "$out" '^  total +6,840 +760$' "split sizes"
out=$("$textclass" data --train data/ag_news/test.csv --split stratified --train-fraction 0.5 2>&1) ||
  fail "stratified split exited $?: $out"
expect_line "$out" '^  World +950 +950$' "stratified split keeps the class shares"

# JSON Lines and CSV with a header, with the shared reading options.
printf '%s\n' '{"body": "Stocks rose.", "topic": "Business"}' '{"body": "A goal.", "topic": "Sports"}' >"$scratch/rows.jsonl"
out=$("$textclass" data --data "$scratch/rows.jsonl" --format jsonl --text-columns body --label-column topic \
      --classes data/ag_news/classes.txt 2>&1) || fail "jsonl exited $?: $out"
expect_line "$out" '^rows +2$' "jsonl rows"
expect_line "$out" '^  Business +1 +50\.0%$' "jsonl class names"
printf 'title,label,text\nHello,1,"big, wide"\nBye,0,now\n' >"$scratch/table.csv"
out=$("$textclass" data --data "$scratch/table.csv" --format csv --text-columns title,text 2>&1) || fail "csv exited $?: $out"
expect_line "$out" '^  0 +1 +50\.0%$' "csv integer labels"

# Bad input: non-zero exit and one "file:line: problem" line.
expect_error() { expect_one_line_error "$1" data "${@:2}"; }  # expect_error REGEX ARGS...
classes=(--classes data/ag_news/classes.txt)
printf '"1","a","b"\n"2","only two"\n' >"$scratch/columns.csv"
expect_error "^textclass: $scratch/columns\.csv:2: expected 3 columns \(class, title, description\), found 2$" \
  --data "$scratch/columns.csv" "${classes[@]}"
printf '"1","a","b"\n"9","c","d"\n' >"$scratch/label.csv"
expect_error "^textclass: $scratch/label\.csv:2: label '9' is outside the classes: expected 1-4$" \
  --data "$scratch/label.csv" "${classes[@]}"
printf '"1","a","b"\n"2","c\nd","never closed\n' >"$scratch/quote.csv"
expect_error "^textclass: $scratch/quote\.csv:3: unterminated quoted field" --data "$scratch/quote.csv" "${classes[@]}"
printf '"1","caf\xe9","b"\n' >"$scratch/latin1.csv"
expect_error "^textclass: $scratch/latin1\.csv:1: invalid UTF-8" --data "$scratch/latin1.csv" "${classes[@]}"
: >"$scratch/empty.csv"
expect_error "^textclass: $scratch/empty\.csv:1: empty file$" --data "$scratch/empty.csv" "${classes[@]}"
expect_error "^textclass: $scratch/classes\.txt: no classes file beside the data" --data "$scratch/columns.csv"
expect_error "^textclass: $scratch/none\.csv: no such file$" --data "$scratch/none.csv"
expect_error "give --train or --data"
if "$textclass" data --data data/ag_news/test.csv --format xml >/dev/null 2>&1; then fail "--format xml accepted"; fi

finish
