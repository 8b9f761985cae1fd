#pragma once
// The CUDA backend: the op list of backend.hpp on one NVIDIA GPU, with cuBLASLt for the matmuls
// and kernels of this folder for the rest. Built when CMake finds the CUDA toolkit (the layers
// above see TEXTCLASS_HAS_CUDA); a plain C++ header, so they need no CUDA headers to use it.
#include <memory>
#include <string>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/device.hpp"

namespace textclass::backend {

// Empty when this machine can run the CUDA backend; otherwise why not ("no CUDA device", or the
// driver's error), for a message or a skipped test.
std::string cuda_unavailable_reason();

struct CudaOptions {
  Precision precision = Precision::bf16;  // device.hpp
  // Times every op with events around it and prints a table (GPU and host time per op) when the
  // backend is destroyed: for finding what to make faster. Costs a little speed.
  bool profile = false;
};

// A CUDA backend on the current device (CUDA_VISIBLE_DEVICES picks it). Throws Error when
// cuda_unavailable_reason() is not empty.
std::unique_ptr<Backend> make_cuda_backend(const CudaOptions& options);

}  // namespace textclass::backend
