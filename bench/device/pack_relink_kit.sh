#!/usr/bin/env bash
# Runs HERE, called by bench/device/pack.sh after its build: packs .devrun/relink.tar.xz, what
# bench/device/relink_cuda.sh needs to remake the carried programs on the GPU machine against ITS
# CUDA (for when that machine's driver is older than CUDA 13, or it has no cuBLAS 13):
#   relink/build/...     every object and static library the five programs link, as in the build
#                        tree, with the CUDA objects (*.cu.o) taken out of libtextclass_backend.a
#   relink/sys/          the static libraries they link from this machine (GoogleTest)
#   relink/src/...       the .cu sources and every project header
#   relink/cuda_sources  one "archive-member source" line per CUDA object
#   relink/nvcc_flags    the nvcc flags the build used, less paths, dependency output and architectures
#   relink/recipes       one "output link-arguments" line per program; @KIT@ (relink/), @LIB@ (the
#                        extracted lib.tar.xz) and @LINK@ (relink_cuda.sh's folder of linker names
#                        for the CUDA libraries and libstdc++) stand for that machine's folders
# Only the CUDA objects are compiled there: no other source includes a CUDA header.
# Usage: bash bench/device/pack_relink_kit.sh BUILD_DIR PROGRAM...   (programs as build-relative paths)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=$1; shift
kit_parent=$(mktemp -d) && trap 'rm -rf "$kit_parent"' EXIT
kit=$kit_parent/relink
mkdir -p "$kit/build" "$kit/sys" "$kit/src"

# The CUDA objects, their sources and the headers those include.
backend_archive=libtextclass_backend.a
: >"$kit/cuda_sources"
for object in $(ninja -C "$build" -t targets all | grep -o '^[^:]*backend/cuda/[^:]*\.cu\.o'); do
  source=$(ninja -C "$build" -t deps "$object" | grep -o "$root/src/.*\.cu$")
  echo "$(basename "$object") ${source#"$root"/}" >>"$kit/cuda_sources"
done
# Every header, not only those the last build read: a source edited since may include a new one.
find src \( -name '*.hpp' -o -name '*.cuh' -o -name '*.cu' \) -exec cp --parents {} "$kit/" \;
first_object=$(head -1 "$kit/cuda_sources" | cut -d' ' -f1)
ninja -C "$build" -t commands "$backend_archive" | grep -F "$first_object" | awk '/nvcc/ && !seen++' | tr ' ' '\n' |
  grep -E '^(-D|-O|-std=|--expt-)' | tr '\n' ' ' >"$kit/nvcc_flags"

# One link line per program, its paths rewritten for the kit (see the header).
: >"$kit/recipes"
for program in "$@"; do
  line=$(ninja -C "$build" -t commands "$program" | grep -F -- " -o $program " | sed 's/^: && //; s/ && .*//')
  recipe=()
  for word in ${line#* }; do  # the first word is this machine's compiler
    case "$word" in
      -O* | -D* | -Wl,-rpath,*) ;;  # compile flags; the run-time path is LD_LIBRARY_PATH there
      -L/usr/local/cuda*) recipe+=("-L@LINK@") ;;
      # cudart and cuBLAS are linked shared, so their static companions add nothing
      */libculibos.a | -lcudadevrt | -lcudart_static) ;;
      /usr/local/cuda*/lib*.so) name=$(basename "$word" .so); recipe+=("-l${name#lib}") ;;
      */libpthread.a | */libdl.a | */librt.a | */libm.a) name=$(basename "$word" .a); recipe+=("-l${name#lib}") ;;
      /*.a) cp "$word" "$kit/sys/" && recipe+=("@KIT@/sys/$(basename "$word")") ;;
      /*.so*)
        soname=$(objdump -p "$word" | awk '$1 == "SONAME" {print $2}')
        recipe+=("@LIB@/$soname") ;;
      -* | "$program") recipe+=("$word") ;;
      *) mkdir -p "$kit/build/$(dirname "$word")" && cp "$build/$word" "$kit/build/$word"
         recipe+=("@KIT@/build/$word") ;;
    esac
  done
  echo "$program ${recipe[*]}" >>"$kit/recipes"
done
# shellcheck disable=SC2046  # one word per member
ar d "$kit/build/$backend_archive" $(cut -d' ' -f1 "$kit/cuda_sources")
tar -cJf "$root/.devrun/relink.tar.xz" -C "$kit_parent" relink
