#pragma once
// The backend a --device, --precision and --profile ask for: the one place that parses them.
#include <memory>
#include <string>

#include "textclass/backend/backend.hpp"

namespace textclass::backend {

// The arithmetic of the GPU's matmuls (linear layers and attention products). Weights, activations
// and gradients are stored in fp32 either way; the CPU computes in fp32.
//   fp32: fp32 products and sums, for exact comparisons with the CPU and HuggingFace.
//   tf32: tensor-core products of inputs rounded to TF32 (10-bit mantissa), summed in fp32:
//         what torch.backends.cuda.matmul.allow_tf32 turns on.
//   bf16: tensor-core products of inputs rounded to bf16 (8-bit mantissa), summed in fp32: the
//         matmul arithmetic of torch.autocast(bfloat16).
enum class Precision { fp32, tf32, bf16 };

struct DeviceOptions {
  std::string device = "auto";     // "cpu", "cuda", or "auto": cuda where a GPU answers, else cpu
  std::string precision = "auto";  // "fp32", "tf32", "bf16", "int8" (cpu, inference), or "auto": bf16 on
                                   // cuda, fp32 on cpu
  int threads = 0;                 // CPU threads, 0: all cores
  bool profile = false;            // every op is timed and a table printed at the end
  bool inference = false;          // no training: the CPU prepares each weight for its products once
};

// The devices this build runs on: "cpu", or "cpu, cuda" when built with the CUDA toolkit.
std::string available_devices();

// "cuda" for "auto" where this build has the CUDA backend and a GPU answers, else "cpu"; any other
// device as given.
std::string resolve_device(const std::string& device);

// Anything this build or machine cannot do throws Error saying what it can.
std::unique_ptr<Backend> make_backend(const DeviceOptions& options);

}  // namespace textclass::backend
