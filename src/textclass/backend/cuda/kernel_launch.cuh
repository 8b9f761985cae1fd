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
// memory (tests/backend/kernel_launch_test.cpp checks every kernel of the folder for it). The wait
// is compiled only for compute capability 9.0 on, so a kernel whose code on this device came from
// older PTX (a build for 80 alone, run on an H100) is launched as <<<...>>> launches it.
// On an H200 at batch 16 training ran 2.3% slower with plain launches (212.7 against 217.7
// steps/s; bench/RESULTS.md, 2026-11-28).
#include <cuda_runtime.h>

#include <cstddef>
#include <mutex>
#include <unordered_map>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

// A launch's configuration: <<<blocks, threads, shared_bytes, stream>>>.
struct Grid {
  Grid(dim3 blocks, dim3 threads, std::size_t shared_bytes, cudaStream_t stream)
      : blocks(blocks), threads(threads), shared_bytes(shared_bytes), stream(stream) {}
  dim3 blocks, threads;
  std::size_t shared_bytes;
  cudaStream_t stream;
};

// Whether launches may be programmatic: the current device's compute capability is 9.0 or later,
// read at the first launch.
inline bool programmatic_launches() {
  static const bool enabled = [] {
    int device = 0, major = 0;
    check(cudaGetDevice(&device), "finding the current device");
    check(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), "reading the compute capability");
    return major >= 9;
  }();
  return enabled;
}

// Whether this kernel's code on the current device was compiled from PTX for compute capability
// 9.0 or later, so that it has await_earlier_kernels()'s wait; asked of CUDA once a kernel.
inline bool has_the_wait(const void* kernel) {
  static std::mutex mutex;
  static std::unordered_map<const void*, bool> known;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto found = known.find(kernel);
  if (found != known.end()) return found->second;
  cudaFuncAttributes attributes = {};
  const bool waits = cudaFuncGetAttributes(&attributes, kernel) == cudaSuccess && attributes.ptxVersion >= 90;
  static_cast<void>(cudaGetLastError());  // (a failure here only means no programmatic launch)
  known.emplace(kernel, waits);
  return waits;
}

// kernel<<<grid.blocks, grid.threads, grid.shared_bytes, grid.stream>>>(args...), programmatic where
// programmatic_launches() and the kernel has the wait. A bad configuration shows in
// cudaGetLastError, as after <<<...>>>, so callers check_launch() after it as before.
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
  config.numAttrs = programmatic_launches() && has_the_wait(reinterpret_cast<const void*>(kernel)) ? 1 : 0;
  static_cast<void>(cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...));
}

}  // namespace textclass::backend::cuda
