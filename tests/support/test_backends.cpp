#include "test_backends.hpp"

#include <stdexcept>

#include "forwarding_backend.hpp"

#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::testing {
namespace {

// The CPU backend, but its attention keeps a copy of qkv in att and its backward pass reads that
// instead of qkv, as the CUDA backend's tensor-core attention does (in bf16): so that machines
// without a GPU run the model the way it runs there, with qkv's memory shared by the layers.
class KeepsQkvBackend : public ForwardingBackend {
 public:
  KeepsQkvBackend() : ForwardingBackend(backend::make_cpu_backend()) {}
  std::string name() const override { return "cpu-keeps-qkv"; }
  // As the CUDA backend, packed tokens come with rows of zeros after the last token (up to 8 here).
  int row_multiple() const override { return 8; }
  AttentionSaved attention_saved(int B, int T, int C, int NH) const override {
    return {inner().attention_saved(B, T, C, NH).floats + qkv_floats(B, T, C), true};
  }
  void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, float dropout_p,
                         uint64_t seed, int B, int T, int C, int NH) override {
    inner().attention_forward(out, att, qkv, mask, dropout_p, seed, B, T, C, NH);
    if (att != nullptr) inner().copy(kept_qkv(att, B, T, C, NH), qkv, qkv_floats(B, T, C));
  }
  void attention_backward(float* dqkv, const float* dout, const float* /*qkv*/, const float* out, const float* att,
                          const int32_t* mask, float dropout_p, uint64_t seed, int B, int T, int C, int NH) override {
    const float* qkv = kept_qkv(const_cast<float*>(att), B, T, C, NH);
    inner().attention_backward(dqkv, dout, qkv, out, att, mask, dropout_p, seed, B, T, C, NH);
  }

 private:
  static std::size_t qkv_floats(int B, int T, int C) { return static_cast<std::size_t>(B) * T * 3 * C; }
  float* kept_qkv(float* att, int B, int T, int C, int NH) const {
    return att + inner().attention_saved(B, T, C, NH).floats;
  }
};

}  // namespace

std::vector<std::string> backend_names() {
#ifdef TEXTCLASS_HAS_CUDA
  return {"cpu", "cpu-keeps-qkv", "cuda", "cuda-fused"};
#else
  return {"cpu", "cpu-keeps-qkv"};
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
  if (name == "cpu-keeps-qkv") return std::make_unique<KeepsQkvBackend>();
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
  if (name == "cuda-bf16-rounded-weights") {
    backend::CudaSwitches switches;
    switches.bf16_weights = false;
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
  if (name == "cuda-bf16-reading-qkv") {
    backend::CudaSwitches switches;
    switches.attention_keeps_qkv = false;
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
  if (name == "cuda-bf16-autotune") {
    backend::CudaSwitches switches;
    switches.gemm_autotune = true;
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
  if (name == "cuda-bf16-one-stream" || name == "cuda-bf16-one-stream-graphs") {
    backend::CudaSwitches switches;
    switches.concurrent_products = false;
    switches.graphs = name == "cuda-bf16-one-stream-graphs";
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  }
  if (name == "cuda-bf16-separate-rounding") {
    backend::CudaSwitches switches;
    switches.fused_rounding = false;
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
