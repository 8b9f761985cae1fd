#pragma once
// The backend a --device and --precision ask for.
#include <memory>
#include <string>

#include "textclass/backend/backend.hpp"

namespace textclass::train {

// The devices this build runs on: "cpu", or "cpu, cuda" when built with the CUDA toolkit.
std::string available_devices();

// "cuda" for "auto" where this build has the CUDA backend and a GPU answers, else "cpu"; any other
// device as given.
std::string resolve_device(const std::string& device);

// device: "cpu" (threads 0: all cores), "cuda" (the current GPU) or "auto" (resolve_device).
// precision: "fp32", "tf32" or "bf16" (the GPU's tensor-core matmul products; fp32 storage and sums:
// backend/cuda/cuda_backend.hpp), or "auto" (bf16 on cuda, fp32 on cpu). Anything this build or
// machine cannot do throws Error saying what it can.
std::unique_ptr<backend::Backend> make_backend(const std::string& device, int threads,
                                               const std::string& precision = "auto");

}  // namespace textclass::train
