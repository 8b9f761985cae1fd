#pragma once
// What the attention kernels built for a few head sizes share: dispatching a head size to its
// template, and granting the kernels the shared memory they ask for.
#include <cuda_runtime.h>

#include <initializer_list>
#include <type_traits>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

// Calls f(std::integral_constant<int, HS>) with HS = hs when hs is one of Sizes; false otherwise.
template <int... Sizes, typename F>
bool dispatch_head_size(int hs, F&& f) {
  return ((hs == Sizes && (f(std::integral_constant<int, Sizes>{}), true)) || ...);
}

// Lets each kernel use all the dynamic shared memory a block may have on this device, and returns
// how much that is.
inline int grant_shared_memory(std::initializer_list<const void*> kernels) {
  int device = 0, bytes = 0;
  check(cudaGetDevice(&device), "finding the current device");
  check(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "reading the shared memory size");
  for (const void* kernel : kernels)
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes),
          "granting the attention kernels shared memory");
  return bytes;
}

}  // namespace textclass::backend::cuda
