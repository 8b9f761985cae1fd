#!/usr/bin/env bash
# Runs every test: installs the Debian packages it needs, builds, runs the tests, then builds and
# runs them again under AddressSanitizer + UndefinedBehaviorSanitizer. Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh --tests
jobs=$(nproc)
# ctest runs $jobs tests at once, each with an OpenMP team of $jobs threads, so the cores are
# oversubscribed: libgomp's default busy-waits at every barrier, burning the time slices the
# threads it waits for need. Passive waiting only changes how idle threads wait (same threads, same
# code). On this 2-core machine, loaded, ctest -R 'cli\.(run|train)$' -j2 on a release build took
# 400 s wall and 126 s of CPU with the default, 69 s and 10.5 s with OMP_WAIT_POLICY=passive.
export OMP_WAIT_POLICY=passive

echo "== release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
# -O1 -g1, as sanitizer builds usually are: ASan's instrumentation makes -O2's optimisation and full
# debug information (RelWithDebInfo's -O2 -g) cost twice the compile time (serve/server.cpp: 52.6 s
# of CPU at -O2 -g, 24.1 s at -O1 -g1), while -O1 keeps the tests fast and -g1's line tables are
# what the sanitizers' stack traces print (function, file, line).
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DTEXTCLASS_SANITIZE=ON -DTEXTCLASS_BENCH=OFF -DTEXTCLASS_CUDA=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
