#pragma once
// A dropout seed as the kernels take it: its value, or the device address where a CUDA graph finds
// it (graph_recorder.cuh). A graph's kernels keep the arguments they were captured with, so a graph
// that is replayed every step reads each step's seeds from memory the replay first writes.
#include <cuda_runtime.h>

#include <cstdint>

namespace textclass::backend::cuda {

struct Seed {
  uint64_t value = 0;
  const uint64_t* at = nullptr;  // device memory; when set, value is not used

  Seed(uint64_t seed_value = 0) : value(seed_value) {}  // NOLINT: a plain seed is a Seed
  Seed(uint64_t seed_value, const uint64_t* device_address) : value(seed_value), at(device_address) {}
  __device__ uint64_t get() const { return at != nullptr ? *at : value; }
};

}  // namespace textclass::backend::cuda
