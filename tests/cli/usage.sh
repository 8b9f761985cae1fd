#!/usr/bin/env bash
# The command line as a new user meets it: every --help page works and shows the defaults, and a
# wrong command line gets one line on stderr and a non-zero exit.
# Usage: usage.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"

for command in "" tokenize data compare run train evaluate predict serve baseline "baseline train" \
               "baseline evaluate" "baseline predict"; do
  # shellcheck disable=SC2086  # the subcommand words are meant to split
  out=$("$textclass" $command --help) || fail "'$command --help' exits non-zero"
  expect_line "$out" '^Usage:' "'$command --help'"
done
expect_line "$("$textclass" train --help)" '--learning-rate FLOAT:POSITIVE=5e-05' "train --help's defaults"

expect_one_line_error '^textclass: The following argument was not expected: --bogus \(see --help\)$' train --bogus
expect_one_line_error '^textclass: A subcommand is required \(see --help\)$'
expect_one_line_error '^textclass: /nonexistent/rows\.csv: ' predict --model tests/fixtures/hf/tiny --data /nonexistent/rows.csv
expect_one_line_error '^textclass: /nonexistent/rows\.csv: ' data --data /nonexistent/rows.csv
tiny=tests/fixtures/hf/tiny
expect_one_line_error '^textclass: --precision tf32 needs --device cuda' predict --model $tiny --device cpu --precision tf32 "a text"
expect_one_line_error '^textclass: --device tpu: this build runs on: cpu' predict --model $tiny --device tpu "a text"
# int8 products are for inference on the CPU: training refuses them, and predict gives fp32's labels
expect_one_line_error '^textclass: --precision: int8 not in \{auto,fp32,tf32,bf16\}' train --model $tiny --precision int8
if grep -q avx512_vnni /proc/cpuinfo; then
  int8=$("$textclass" predict --model $tiny --device cpu --precision int8 "a text" "another one") ||
    fail "predict --precision int8 exited $?"
  fp32=$("$textclass" predict --model $tiny --device cpu "a text" "another one") || fail "predict exited $?"
  labels() { grep -o '"label": "[^"]*"' <<<"$1"; }
  [[ $(labels "$int8" | wc -l) == 2 && $(labels "$int8") == $(labels "$fp32") ]] ||
    fail "predict --precision int8 gave: $int8; fp32: $fp32"
else
  expect_one_line_error '^textclass: --precision int8: this processor has no AVX512-VNNI' \
    predict --model $tiny --device cpu --precision int8 "a text"
fi
expect_line "$("$textclass" predict --help)" '--device TEXT=auto' "predict --help's default device"
if ! nvidia-smi -L >/dev/null 2>&1; then  # without a GPU, --device cuda says why it cannot run, and auto is the CPU
  expect_one_line_error '^textclass: --device cuda: (no usable CUDA device|no CUDA device|this build has no CUDA)' \
    predict --model $tiny --device cuda "a text"
  expect_one_line_error '^textclass: --precision tf32 needs --device cuda .*--device auto found no usable GPU' \
    predict --model $tiny --precision tf32 "a text"
  out=$("$textclass" predict --model $tiny --device auto "a text") || fail "predict --device auto exited $?"
  expect_line "$out" . "predict --device auto without a GPU"
fi
finish
