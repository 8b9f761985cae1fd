#include "test_backends.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::testing {

std::vector<std::string> backend_names() {
#ifdef TEXTCLASS_HAS_CUDA
  return {"cpu", "cpu-avx2", "cpu-baseline", "cuda", "cuda-tf32", "cuda-bf16"};
#else
  return {"cpu", "cpu-avx2", "cpu-baseline"};
#endif
}

std::string backend_unavailable_reason(const std::string& name) {
  if (name == "cpu-avx2" && !backend::cpu_supports(backend::CpuOptions::Vectors::avx2))
    return "this processor has no AVX2 with FMA";
  if (name == "cpu-bf16" || name == "cpu-bf16-inference") return backend::cpu_bf16_unavailable_reason();
  if (name.rfind("cuda", 0) != 0) return "";
#ifdef TEXTCLASS_HAS_CUDA
  return backend::cuda_unavailable_reason();
#else
  return "this build has no CUDA backend";
#endif
}

std::unique_ptr<backend::Backend> make_test_backend(const std::string& name) {
  if (name == "cpu") return backend::make_cpu_backend();
  if (name == "cpu-bf16" || name == "cpu-bf16-inference") {
    backend::CpuOptions options;
    options.bf16 = true;
    options.inference = name == "cpu-bf16-inference";
    return backend::make_cpu_backend(options);
  }
  if (name == "cpu-avx2" || name == "cpu-baseline") {
    backend::CpuOptions options;
    options.vectors = name == "cpu-avx2" ? backend::CpuOptions::Vectors::avx2 : backend::CpuOptions::Vectors::baseline;
    return backend::make_cpu_backend(options);
  }
#ifdef TEXTCLASS_HAS_CUDA
  backend::CudaOptions options;
  if (name == "cuda") options.precision = backend::Precision::fp32;
  if (name == "cuda-tf32") options.precision = backend::Precision::tf32;
  if (name == "cuda-bf16") options.precision = backend::Precision::bf16;
  if (name == "cuda" || name == "cuda-tf32" || name == "cuda-bf16") return backend::make_cuda_backend(options);
#endif
  throw std::invalid_argument("no backend named " + name);
}

}  // namespace textclass::testing
