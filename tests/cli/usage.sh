#!/usr/bin/env bash
# The command line as a new user meets it: every --help page works, and a wrong command line gets
# one line on stderr and a non-zero exit. Usage: usage.sh TEXTCLASS REPO_ROOT
set -uo pipefail
textclass=$1
cd "$2"  # relative paths below are from the repository root
fail() { echo "FAIL: $*" >&2; exit 1; }

for command in "" tokenize data compare run train evaluate predict baseline "baseline train" \
               "baseline evaluate" "baseline predict"; do
  # shellcheck disable=SC2086  # the subcommand words are meant to split
  out=$("$textclass" $command --help) || fail "'$command --help' exits non-zero"
  [[ $out == *Usage:* ]] || fail "'$command --help' prints no usage"
done
[[ $("$textclass" train --help) == *"--learning-rate FLOAT:POSITIVE=5e-05"* ]] || fail "train --help hides a default"

check_one_line_error() {
  local err
  if err=$("$textclass" "$@" 2>&1 >/dev/null); then fail "'$*' succeeded"; fi
  [[ $(printf '%s\n' "$err" | wc -l) == 1 ]] || fail "'$*' printed more than one line: $err"
  [[ $err == textclass:* ]] || fail "'$*' error does not start with 'textclass:': $err"
}
check_one_line_error train --bogus
check_one_line_error
check_one_line_error predict --model tests/fixtures/hf/tiny --data /nonexistent/rows.csv
check_one_line_error data --data /nonexistent/rows.csv
echo "all checks passed"
