#include "test_backends.hpp"

#include <stdexcept>

#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::testing {

std::vector<std::string> backend_names() {
#ifdef TEXTCLASS_HAS_CUDA
  return {"cpu", "cuda", "cuda-fused"};
#else
  return {"cpu"};
#endif
}

std::string backend_unavailable_reason(const std::string& name) {
  if (name.rfind("cuda", 0) != 0) return "";
#ifdef TEXTCLASS_HAS_CUDA
  return backend::cuda_unavailable_reason();
#else
  return "this build has no CUDA backend";
#endif
}

std::unique_ptr<backend::Backend> make_test_backend(const std::string& name) {
  if (name == "cpu") return backend::make_cpu_backend();
#ifdef TEXTCLASS_HAS_CUDA
  // fp32 with CUDA graphs and the fused attention as given (the other switches are bf16's)
  auto fp32 = [](bool graphs, bool fused_attention) {
    backend::CudaSwitches switches;
    switches.graphs = graphs;
    switches.fused_attention = fused_attention;
    return backend::make_cuda_backend(backend::Precision::fp32, switches);
  };
  // "cuda" records CUDA graphs (off by default elsewhere), so the recording tests see them
  if (name == "cuda") return fp32(true, false);
  if (name == "cuda-direct") return fp32(false, false);
  if (name == "cuda-fused") return fp32(true, true);
  if (name == "cuda-tf32") return backend::make_cuda_backend(backend::Precision::tf32);
  if (name == "cuda-bf16") return backend::make_cuda_backend(backend::Precision::bf16);
  if (name == "cuda-bf16-weights") {
    backend::CudaSwitches switches;
    switches.bf16_weights = true;
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
  if (name == "cuda-bf16-fused-rounding" || name == "cuda-bf16-fused-rounding-graphs") {
    backend::CudaSwitches switches;
    switches.fused_rounding = true;
    switches.graphs = name == "cuda-bf16-fused-rounding-graphs";
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
#endif
  throw std::invalid_argument("no backend named " + name);
}

}  // namespace textclass::testing
