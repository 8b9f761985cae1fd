# Sourced by the end-to-end scripts in tests/cli/ (each run by ctest as SCRIPT TEXTCLASS REPO_ROOT):
# works from the repository root (where data/ and the fixtures are found), a scratch folder removed
# at exit, and the checks they share. A script ends with `finish`.
set -uo pipefail
textclass=$1
repo=$2
cd "$repo"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

expect_line() {  # expect_line OUTPUT REGEX WHAT
  grep -Eq -- "$2" <<<"$1" || fail "$3: no line matching '$2' in:"$'\n'"$1"
}

# expect_one_line_error REGEX ARGS...: `textclass ARGS...` fails with one stderr line matching REGEX.
expect_one_line_error() {
  local regex=$1
  shift
  local err
  if err=$("$textclass" "$@" 2>&1 >/dev/null); then
    fail "$* succeeded, expected an error"
  elif ! grep -Eq -- "$regex" <<<"$err" || [ "$(wc -l <<<"$err")" -ne 1 ]; then
    fail "$*: expected one line matching '$regex', got: $err"
  fi
}

finish() {  # the script's last line: its verdict and exit status
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "$(basename "$0"): all checks passed"
}
