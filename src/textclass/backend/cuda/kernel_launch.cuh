#pragma once
// How this folder launches its kernels: launch(kernel, Grid(blocks, threads, shared_bytes, stream),
// args...) instead of kernel<<<blocks, threads, shared_bytes, stream>>>(args...), so that on GPUs
// with programmatic dependent launch (compute capability 9.0 on) the GPU may start a kernel's
// blocks while the kernel before it in the stream finishes, instead of only after it has finished
// and its writes have reached memory. At batch 16 most of a step's few hundred kernels last a few
// microseconds, and the gap between two of them is part of the step's time.
//
// This is safe because every kernel here begins with await_earlier_kernels() (launch.cuh), which
// waits for the kernel before it to finish and its writes to be seen; nothing before that touches
// memory (tests/backend/kernel_launch_test.cpp checks every kernel of the folder for it).
// TEXTCLASS_CUDA_PROGRAMMATIC_LAUNCHES=0 launches them as <<<...>>> does.
#include <cuda_runtime.h>

#include <cstddef>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/env_switch.hpp"

namespace textclass::backend::cuda {

// A launch's configuration: <<<blocks, threads, shared_bytes, stream>>>.
struct Grid {
  Grid(dim3 blocks, dim3 threads, std::size_t shared_bytes, cudaStream_t stream)
      : blocks(blocks), threads(threads), shared_bytes(shared_bytes), stream(stream) {}
  dim3 blocks, threads;
  std::size_t shared_bytes;
  cudaStream_t stream;
};

// Whether launches are programmatic: TEXTCLASS_CUDA_PROGRAMMATIC_LAUNCHES (default on) and the
// current device's compute capability 9.0 or later, read at the first launch.
inline bool programmatic_launches() {
  static const bool enabled = [] {
    if (!env_switch("TEXTCLASS_CUDA_PROGRAMMATIC_LAUNCHES", true)) return false;
    int device = 0, major = 0;
    check(cudaGetDevice(&device), "finding the current device");
    check(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), "reading the compute capability");
    return major >= 9;
  }();
  return enabled;
}

// kernel<<<grid.blocks, grid.threads, grid.shared_bytes, grid.stream>>>(args...), programmatic where
// programmatic_launches(). A bad configuration shows in cudaGetLastError, as after <<<...>>>, so
// callers check_launch() after it as before.
template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), const Grid& grid, Args&&... args) {
  cudaLaunchAttribute attribute = {};
  attribute.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attribute.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config = {};
  config.gridDim = grid.blocks;
  config.blockDim = grid.threads;
  config.dynamicSmemBytes = grid.shared_bytes;
  config.stream = grid.stream;
  config.attrs = &attribute;
  config.numAttrs = programmatic_launches() ? 1 : 0;
  static_cast<void>(cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...));
}

}  // namespace textclass::backend::cuda
