#pragma once
// Device memory an op needs only while it runs (attention's per-head copies), kept between calls and
// grown when a larger batch needs more, so that steady-state training allocates nothing. The memory
// comes from the stream's pool and is freed in stream order, so growing never races a running kernel.
#include <cuda_runtime.h>

#include <cstddef>

namespace textclass::backend::cuda {

class Scratch {
 public:
  explicit Scratch(cudaStream_t stream) : stream_(stream) {}
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  // At least n floats, valid until the next call.
  float* floats(std::size_t n);
  // What the last floats() gave (null before the first).
  float* data() const { return data_; }
  std::size_t bytes() const { return capacity_ * sizeof(float); }

 private:
  cudaStream_t stream_;
  float* data_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace textclass::backend::cuda
