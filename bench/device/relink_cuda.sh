#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, when the carried programs cannot run there as
# built (its driver is older than CUDA 13, or it has no cuBLAS 13): compiles the CUDA backend's
# sources with THAT machine's nvcc for its GPU and links the five programs again from the objects
# built here (.devrun/relink.tar.xz, made by bench/device/pack.sh), against its cudart and cuBLAS.
# The new programs replace those in .devrun/bin (and .devrun/textclass) and still run with
# LD_LIBRARY_PATH=LIB (the extracted lib.tar.xz, /tmp/lib). bench/device/cuda_checks.sh calls this
# on its own when it sees the need. About a minute on 16 cores; the programs are kept in
# /tmp/relinked, with links to the CUDA libraries they were linked against, for later calls on a
# warm machine.
# libstdc++: the objects built here need this machine's (GCC 12) or a newer one, the CUDA objects
# compiled there need that machine's g++'s, so the newer of the two is linked against. The programs
# find it, and the CUDA libraries, through a DT_RPATH to /tmp/relinked: it is searched before
# LD_LIBRARY_PATH, and LIB's copies get overwritten (bench/device/loss_curve.sh extracts the
# tarball again).
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${LIB:-/tmp/lib}
work=/tmp/relink_work
kept=/tmp/relinked
kit_sum=$(sha256sum .devrun/relink.tar.xz | cut -d' ' -f1)

log() { echo "relink: $*" >&2; }
glibcxx_of() { strings "$1" | grep -o '^GLIBCXX_3\.4\.[0-9]*$' | sort -V | tail -1; }
# The CUDA library NAME.so.MAJOR: the toolkit's, else a Python wheel's (torch ships cuBLAS).
find_cuda_library() {
  local name=$1 major=$2 found
  found=$({ find "$cuda_home"/lib64 "$cuda_home"/lib "$cuda_home"/targets/*/lib -maxdepth 1 -name "$name.so.$major" 2>/dev/null
            python3 -c 'import site; print("\n".join(site.getsitepackages()))' 2>/dev/null |
              while read -r dir; do find "$dir/nvidia" -name "$name.so.$major" 2>/dev/null; done; } | head -1 || true)
  [ -n "$found" ] || { log "no $name.so.$major in the toolkit at $cuda_home or in Python's nvidia wheels"; return 1; }
  echo "$found"
}

nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
[ -x "$nvcc" ] || { log "no nvcc on PATH or in /usr/local/cuda/bin"; exit 1; }
cuda_home=$(dirname "$(dirname "$(readlink -f "$nvcc")")")
major=$("$nvcc" --version | grep -o 'release [0-9]*' | grep -o '[0-9]*')
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '. ' || true)
arch=${arch:-90}
declare -A cuda_library
for name in libcudart libcublas libcublasLt; do cuda_library[$name]=$(find_cuda_library $name "$major"); done
log "nvcc $("$nvcc" --version | grep -o 'release [0-9.]*') at $cuda_home, sm_$arch; ${cuda_library[*]}"

if [ -f "$kept/KIT_SHA256" ] && [ "$(cat "$kept/KIT_SHA256")" = "$kit_sum" ]; then
  log "reusing the programs relinked earlier on this machine ($kept)"
else
  rm -rf "$work" "$kept" && mkdir -p "$work/objects" "$work/link" "$work/out/tests" "$work/out/bench" "$kept"
  tar -xJf .devrun/relink.tar.xz -C "$work"
  kit=$work/relink

  pids=()
  while read -r member source; do
    # shellcheck disable=SC2046  # the flags are words
    "$nvcc" $(cat "$kit/nvcc_flags") -I"$kit/src" -gencode "arch=compute_$arch,code=sm_$arch" \
      -x cu -c "$kit/$source" -o "$work/objects/$member" &
    pids+=($!)
  done <"$kit/cuda_sources"
  for pid in "${pids[@]}"; do wait "$pid" || { log "nvcc failed (above)"; exit 1; }; done
  ar rs "$kit/build/libtextclass_backend.a" "$work/objects"/*.cu.o

  ours=$lib/libstdc++.so.6
  theirs=$(readlink -f "$(g++ -print-file-name=libstdc++.so)")
  if [ "$(printf '%s\n%s\n' "$(glibcxx_of "$theirs")" "$(glibcxx_of "$ours")" | sort -V | tail -1)" = "$(glibcxx_of "$ours")" ]; then
    cp "$ours" "$kept/libstdc++.so.6" && cp "$lib/libgcc_s.so.1" "$kept/"
  else
    cp "$theirs" "$kept/libstdc++.so.6" && cp "$(readlink -f "$(g++ -print-file-name=libgcc_s.so.1)")" "$kept/libgcc_s.so.1"
  fi
  log "linking with libstdc++ $(glibcxx_of "$kept/libstdc++.so.6")"
  ln -s "$kept/libstdc++.so.6" "$work/link/libstdc++.so" && ln -s "$kept/libgcc_s.so.1" "$work/link/libgcc_s.so"
  for name in "${!cuda_library[@]}"; do
    ln -s "${cuda_library[$name]}" "$work/link/$name.so" && ln -s "${cuda_library[$name]}" "$kept/$name.so.$major"
  done

  while read -r program arguments; do
    arguments=${arguments//@KIT@/$kit}; arguments=${arguments//@LIB@/$lib}; arguments=${arguments//@LINK@/$work/link}
    # shellcheck disable=SC2086  # the recipe's words
    (cd "$work/out" && g++ $arguments -Wl,-rpath-link,"$lib" -Wl,--disable-new-dtags,-rpath,"$kept") ||
      { log "linking $program failed"; exit 1; }
    cp "$work/out/$program" "$kept/"
  done <"$kit/recipes"
  echo "$kit_sum" >"$kept/KIT_SHA256"
fi

for program in $(tar -xJOf .devrun/relink.tar.xz relink/recipes | cut -d' ' -f1); do
  cp "$kept/$(basename "$program")" .devrun/bin/
done
cp .devrun/bin/textclass .devrun/textclass
missing=$(LD_LIBRARY_PATH=$lib ldd .devrun/bin/* | grep 'not found' | sort -u || true)
[ -z "$missing" ] || { log "still missing: $missing"; exit 1; }
log "done: .devrun/bin relinked for CUDA $major on sm_$arch"
