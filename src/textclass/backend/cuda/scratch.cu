#include "textclass/backend/cuda/scratch.cuh"

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {

Scratch::~Scratch() {
  if (data_ != nullptr) cudaFreeAsync(data_, stream_);
}

float* Scratch::floats(std::size_t n) {
  if (n <= capacity_) return data_;
  if (data_ != nullptr) check(cudaFreeAsync(data_, stream_), "freeing scratch memory");
  data_ = nullptr;
  capacity_ = 0;
  const std::size_t grown = n + n / 4;  // headroom, so slowly growing batches do not reallocate every time
  void* ptr = nullptr;
  check(cudaMallocAsync(&ptr, grown * sizeof(float), stream_), "allocating scratch memory");
  data_ = static_cast<float*>(ptr);
  capacity_ = grown;
  return data_;
}

}  // namespace textclass::backend::cuda
