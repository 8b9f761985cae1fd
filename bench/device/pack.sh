#!/usr/bin/env bash
# Runs HERE (this machine has our Debian packages and a CUDA 13 toolkit but no GPU): builds the
# programs bench/device/cuda_checks.sh runs on the lent GPU machine and packs them into .devrun/
# (git-ignored, so the run tool must be given carry: [".devrun"]):
#   .devrun/bin.tar.xz  bin/ (textclass, test_backend, test_model, test_train, throughput,
#                       bench_cuda_attention) and textclass again (where bench/device/loss_curve.sh
#                       looks for it), xz-packed: 3 MiB instead of 34; cuda_checks.sh unpacks it
#   .devrun/lib.tar.xz  lib/<soname> of every shared library they load that the GPU machine may lack
#   .devrun/relink.tar.xz  their objects, to link them again there against its CUDA when it cannot
#                       run CUDA 13 (bench/device/pack_relink_kit.sh, bench/device/relink_cuda.sh)
#   .devrun/MANIFEST    what was built, from which commit, when, and what it needs from that machine
# That machine runs a different Linux with none of our -dev packages, so the tarball holds our
# dependencies (OpenBLAS, utf8proc, fmt, curl and theirs) and the compiler's runtime (libstdc++,
# libgcc_s, libgomp: its own may be older than ours). glibc is never carried: it must match that
# machine's dynamic loader, so the MANIFEST records the newest glibc symbol version the programs
# need instead. Of CUDA, only libcudart (small) is carried; cuBLAS/cuBLASLt (hundreds of MB) and
# the driver (libcuda, libnvidia-*) must come from that machine.
# Usage: bash bench/device/pack.sh   [BUILD=build-dev] [JOBS=2] [MARCH=x86-64-v3: TEXTCLASS_MARCH; empty: none]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=$root/${BUILD:-build-dev}
devrun=$root/.devrun
targets=(textclass test_backend test_model test_train throughput bench_cuda_attention)
declare -A built=([textclass]=textclass [test_backend]=tests/test_backend [test_model]=tests/test_model
                  [test_train]=tests/test_train [throughput]=bench/throughput
                  [bench_cuda_attention]=bench/bench_cuda_attention)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTEXTCLASS_MARCH="${MARCH-x86-64-v3}" \
  -DTEXTCLASS_CUDA=ON -DTEXTCLASS_BENCH=ON -DTEXTCLASS_TESTS=ON >/dev/null
ninja -C "$build" -j"${JOBS:-2}" "${targets[@]}"

rm -rf "${devrun:?}/bin" && mkdir -p "$devrun/bin"
binaries=()
for target in "${targets[@]}"; do
  cp "$build/${built[$target]}" "$devrun/bin/"
  binaries+=("$devrun/bin/$target")
done
cp "$devrun/bin/textclass" "$devrun/textclass"

# A library is left behind when it is glibc (libc, libm, libpthread, libdl, librt, libresolv,
# libutil, libanl, libmvec, libnsl, the loader, the vdso), the driver, or cuBLAS.
is_left_behind() {
  case "$1" in
    linux-vdso.so.* | ld-linux*.so.* | libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | \
      libresolv.so.* | libutil.so.* | libanl.so.* | libmvec.so.* | libnsl.so.* | libBrokenLocale.so.*) return 0 ;;
    libcuda.so.* | libnvidia*) return 0 ;;
    libcublas.so.* | libcublasLt.so.*) return 0 ;;
  esac
  return 1
}

# Older programs left in .devrun/ by earlier sessions (bench_bert_cpu, bench_tokenizer, for
# cpu_benchmarks.sh and final_checks.sh) share lib.tar.xz, so their libraries are packed too.
mapfile -t older < <(find "$devrun" -maxdepth 1 -type f -perm -u+x ! -name textclass)
staging=$(mktemp -d) && trap 'rm -rf "$staging"' EXIT
mkdir "$staging/lib"
missing=0
while read -r soname arrow path _; do
  [ "$arrow" = "=>" ] || continue  # the vdso and the loader have no "=>" line
  is_left_behind "$soname" && continue
  if [ "$path" = "not" ]; then echo "pack.sh: $soname is not found here" >&2; missing=1; continue; fi
  cp -L "$path" "$staging/lib/$soname"
done < <(ldd "${binaries[@]}" "${older[@]}" | sort -u)
[ "$missing" -eq 0 ] || exit 1
tar -cJf "$devrun/lib.tar.xz" -C "$staging" lib
programs=(); for target in "${targets[@]}"; do programs+=("${built[$target]}"); done
bash bench/device/pack_relink_kit.sh "$build" "${programs[@]}"
# The lead edits while this packs: a source changed since the build makes the kit's .cu sources
# disagree with its objects, and the binaries with the commit.
# (A dry run always lists CMake's glob check and the re-run that hangs on it: those are left out.)
stale=$(ninja -C "$build" -n "${targets[@]}" | grep '^\[' | grep -vc 'globbed directories\|Re-running CMake' || true)

# The newest glibc symbol version anything we carry needs: that machine's glibc must be at least it.
glibc_needed=$(objdump -T "${binaries[@]}" "$staging"/lib/* 2>/dev/null | grep -o 'GLIBC_2\.[0-9.]*' |
  sort -u -V | tail -1)
cuda_needed=$(ldd "${binaries[@]}" | awk '$1 ~ /^libcu(da|blas)/ {print $1}' | sort -u | tr '\n' ' ')
{
  echo "built:    $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(hostname) ($(. /etc/os-release && echo "$PRETTY_NAME"))"
  echo "commit:   $(git rev-parse HEAD) $(git log -1 --format=%s | cut -c1-60)"
  echo "          plus $(git status --porcelain --untracked-files=no | wc -l) changed tracked files; build steps out of date at the end: $stale"
  echo "options:  Release, -march=${MARCH-x86-64-v3} (empty: none), CUDA $(grep -o 'TEXTCLASS_CUDA_ARCHITECTURES:STRING=.*' "$build/CMakeCache.txt" | cut -d= -f2), tests and benchmarks on"
  echo "nvcc:     $(/usr/local/cuda/bin/nvcc --version | grep -o 'release [0-9.]*')"
  echo "compiler: $(c++ --version | sed -n 1p)"  # sed reads it all: head could end c++ by SIGPIPE
  echo "needs:    glibc >= ${glibc_needed#GLIBC_}; a driver for CUDA 13; from that machine: $cuda_needed(libcudart is carried)"
  echo "binaries:"
  (cd "$devrun/bin" && sha256sum "${targets[@]}" | sed 's/^/  /')
  echo "relink.tar.xz: $(du -h "$devrun/relink.tar.xz" | cut -f1)"
  echo "lib.tar.xz ($(du -h "$devrun/lib.tar.xz" | cut -f1)):"
  ls "$staging/lib" | sed 's/^/  /'
} >"$devrun/MANIFEST"

cat "$devrun/MANIFEST"
# The run tool carries at most 64 MiB with the working tree (22 MiB): unpacked, the programs alone
# came to 34 MiB.
tar -cJf "$devrun/bin.tar.xz" -C "$devrun" bin textclass && rm -rf "${devrun:?}/bin" "$devrun/textclass"
echo "== .devrun in all (the run tool carries at most 64 MiB):"
du -sh "$devrun"
du -sh "$devrun"/* | sort -h
[ "$stale" -eq 0 ] || { echo "pack.sh: WARNING: $stale build steps out of date: sources changed while packing; run it again" >&2; exit 1; }
