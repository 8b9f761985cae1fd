#pragma once
// Device buffers of random inputs for the op benchmarks (bench_ops.cpp, bench_cuda_attention.cpp).
#include <cstddef>
#include <random>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::bench {

// n floats in [-1, 1] in the backend's memory, the same every run.
inline float* random_buffer(backend::Backend& backend, std::size_t n) {
  std::mt19937 engine(42);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> host(n);
  for (float& v : host) v = value(engine);
  float* device = backend.alloc(n);
  backend.upload(device, host.data(), n * sizeof(float));
  return device;
}

}  // namespace textclass::bench
