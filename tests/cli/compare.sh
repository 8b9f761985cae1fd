#!/usr/bin/env bash
# `textclass compare`: the Markdown of the fixture runs against the golden file, the files it
# writes, one-line errors for runs that cannot be compared, and the HTML page rendered in headless
# Chromium without console errors (scripts/install-deps.sh installs chromium).
# Usage: compare.sh /path/to/textclass /repo/root
source "$(dirname "$0")/../support/cli.sh"
fixtures=tests/report/fixtures

# The Markdown on stdout is the golden file's, and comparison.md holds the same text.
"$textclass" compare "$fixtures/bert" "$fixtures/baseline" --output "$scratch/out" >"$scratch/stdout" 2>"$scratch/stderr" ||
  fail "compare exited $?: $(cat "$scratch/stderr")"
diff -u "$fixtures/comparison.golden.md" "$scratch/stdout" >&2 || fail "stdout differs from comparison.golden.md"
cmp -s "$scratch/stdout" "$scratch/out/comparison.md" || fail "comparison.md differs from stdout"
[ -s "$scratch/out/comparison.html" ] || fail "no comparison.html"

# The default output folder is ./comparison.
(cd "$scratch" && "$textclass" compare "$repo/$fixtures/bert" "$repo/$fixtures/baseline" >/dev/null 2>&1) ||
  fail "compare with the default --output failed"
[ -s "$scratch/comparison/comparison.html" ] || fail "no comparison/comparison.html by default"

# Errors: one line on stderr, exit status 1.
expect_error() {  # expect_error REGEX ARGS...
  local regex=$1
  shift
  local err status
  err=$("$textclass" compare "$@" --output "$scratch/bad" 2>&1 >/dev/null)
  status=$?
  [ "$status" -eq 1 ] || fail "compare $* exited $status, expected 1"
  [ "$(wc -l <<<"$err")" -eq 1 ] || fail "compare $*: expected one line, got: $err"
  grep -Eq -- "$regex" <<<"$err" || fail "compare $*: '$err' does not match '$regex'"
}
mkdir -p "$scratch/empty" "$scratch/binary"
expect_error "empty: no metrics.json in this run folder" "$fixtures/bert" "$scratch/empty"
printf '%s\n' '{"class_names": ["neg", "pos"], "accuracy": 1, "per_class": [' \
  '{"name": "neg", "precision": 1, "recall": 1, "f1": 1, "support": 1},' \
  '{"name": "pos", "precision": 1, "recall": 1, "f1": 1, "support": 1}], "confusion": [[1, 0], [0, 1]]}' \
  >"$scratch/binary/metrics.json"
expect_error "binary has classes \(neg, pos\) but .*bert has \(World, Sports, Business, Sci/Tech\)" \
  "$fixtures/bert" "$scratch/binary"
[ ! -e "$scratch/bad" ] || fail "a failed compare created its output folder"
"$textclass" compare "$fixtures/bert" >/dev/null 2>&1 && fail "compare accepted a single run"

# The page renders in headless Chromium with no console errors, and the screenshot shows something.
if ! command -v chromium >/dev/null; then
  fail "chromium is not installed (scripts/install-deps.sh installs it)"
else
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$scratch/profile" --enable-logging=stderr --v=0 --window-size=1200,2400 \
    --screenshot="$scratch/page.png" "file://$scratch/out/comparison.html" >"$scratch/chromium.log" 2>&1 ||
    fail "chromium exited $?: $(tail -5 "$scratch/chromium.log")"
  if grep -E "Uncaught|CONSOLE|console\(|Failed to load resource|ERR_FILE_NOT_FOUND" "$scratch/chromium.log" >&2; then
    fail "console errors while rendering comparison.html"
  fi
  size=$(stat -c %s "$scratch/page.png" 2>/dev/null || echo 0)
  [ "$size" -gt 50000 ] || fail "screenshot is $size bytes: the page looks empty"
fi

finish
