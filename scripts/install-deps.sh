#!/usr/bin/env bash
# Installs the Debian packages textclass builds with. Safe to run again: apt-get skips what is there.
# Usage: scripts/install-deps.sh [--tests|--fixtures]   (--tests adds what only the tests need;
# --fixtures what the committed scripts that make test fixtures run on)
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev
  libdnnl-dev libutf8proc-dev nlohmann-json3-dev libcli11-dev
  libcurl4-openssl-dev libcpp-httplib-dev libfmt-dev
  zlib1g-dev  # reads the gzipped tokenizer fixtures
)
if [ "${1:-}" = "--tests" ]; then
  packages+=(chromium)  # renders the comparison page in tests/cli/compare.sh
  packages+=(curl jq)   # tests/cli/serve.sh talks to the server
fi
if [ "${1:-}" = "--fixtures" ]; then
  # tests/fixtures/families/make_fixtures.py and losses/make_losses.py (torch 1.13, run with
  # /usr/bin/python3), tests/fixtures/sklearn/make_task_metrics.py and make_baselines.py
  packages+=(python3-torch python3-sklearn python3-scipy)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
echo "installing: ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
