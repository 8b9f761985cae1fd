#include "test_backends.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "forwarding_backend.hpp"

#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::testing {
namespace {

// The CPU backend with the CUDA backend's tensor-core attention's ways, emulated, so that machines
// without a GPU run the model the way it runs there:
// - keeps_qkv: the attention keeps a copy of qkv in att and its backward pass reads that instead of
//   qkv (the GPU keeps its bf16 rounding), so the model shares qkv's memory among the layers;
// - on_rows: the attention runs on the packed rows of tokens (Backend::attention_forward_rows) by
//   moving them to the padded layout and back, and checks that each mask is the prefix its starts
//   say it is.
// As the CUDA backend, packed tokens come with rows of zeros after the last token (up to 8 here).
class CudaLikeBackend : public ForwardingBackend {
 public:
  CudaLikeBackend(std::string name, bool keeps_qkv, bool on_rows)
      : ForwardingBackend(backend::make_cpu_backend()), name_(std::move(name)), keeps_qkv_(keeps_qkv),
        on_rows_(on_rows) {}
  std::string name() const override { return name_; }
  int row_multiple() const override { return 8; }
  AttentionSaved attention_saved(int B, int T, int C, int NH) const override {
    if (!keeps_qkv_) return inner().attention_saved(B, T, C, NH);
    return {inner().attention_saved(B, T, C, NH).floats + qkv_floats(B, T, C), true};
  }
  void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, float dropout_p,
                         uint64_t seed, int B, int T, int C, int NH) override {
    inner().attention_forward(out, att, qkv, mask, dropout_p, seed, B, T, C, NH);
    if (keeps_qkv_ && att != nullptr) inner().copy(kept_qkv(att, B, T, C, NH), qkv, qkv_floats(B, T, C));
  }
  void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* att,
                          const int32_t* mask, float dropout_p, uint64_t seed, int B, int T, int C, int NH) override {
    if (keeps_qkv_) qkv = kept_qkv(const_cast<float*>(att), B, T, C, NH);
    inner().attention_backward(dqkv, dout, qkv, out, att, mask, dropout_p, seed, B, T, C, NH);
  }

  bool attends_on_rows(int, int, int, int) const override { return on_rows_; }
  void attention_forward_rows(float* out, float* att, const float* qkv, const int32_t* mask, const int32_t* starts,
                              int M, float dropout_p, uint64_t seed, int B, int T, int C, int NH) override {
    const Layouts layouts = layouts_of(mask, starts, M, B, T);
    std::vector<float> padded_qkv = to_padded(layouts, qkv, 3 * C), padded_out(padded_qkv.size() / 3);
    attention_forward(padded_out.data(), att, padded_qkv.data(), mask, dropout_p, seed, B, T, C, NH);
    inner().gather_rows(out, padded_out.data(), layouts.token_rows.data(), M, C);
  }
  void attention_backward_rows(float* dqkv, const float* dout, const float* qkv, const float* out, const float* att,
                               const int32_t* mask, const int32_t* starts, int M, float dropout_p, uint64_t seed, int B,
                               int T, int C, int NH) override {
    const Layouts layouts = layouts_of(mask, starts, M, B, T);
    std::vector<float> padded_qkv = qkv == nullptr ? std::vector<float>() : to_padded(layouts, qkv, 3 * C);
    std::vector<float> padded_dout = to_padded(layouts, dout, C), padded_out = to_padded(layouts, out, C);
    std::vector<float> padded_dqkv(3 * padded_dout.size());
    attention_backward(padded_dqkv.data(), padded_dout.data(), qkv == nullptr ? nullptr : padded_qkv.data(),
                       padded_out.data(), att, mask, dropout_p, seed, B, T, C, NH);
    inner().gather_rows(dqkv, padded_dqkv.data(), layouts.token_rows.data(), M, 3 * C);
  }

 private:
  // The padded row of each row (-1 after the last token) and the row of each padded row (-1 for padding).
  struct Layouts {
    std::vector<int32_t> token_rows, padded_rows;
  };
  Layouts layouts_of(const int32_t* mask, const int32_t* starts, int M, int B, int T) {
    std::vector<int32_t> host_starts(B + 1), host_mask(static_cast<std::size_t>(B) * T);
    inner().download(host_starts.data(), starts, host_starts.size() * sizeof(int32_t));
    inner().download(host_mask.data(), mask, host_mask.size() * sizeof(int32_t));
    Layouts layouts{std::vector<int32_t>(M, -1), std::vector<int32_t>(host_mask.size(), -1)};
    if (host_starts[0] != 0 || host_starts[B] > M) throw std::logic_error(name_ + ": starts outside the rows");
    for (int b = 0; b < B; b++)
      for (int t = 0; t < T; t++) {
        const int row = host_starts[b] + t;
        const bool token = row < host_starts[b + 1];
        if ((host_mask[static_cast<std::size_t>(b) * T + t] != 0) != token)
          throw std::logic_error(name_ + ": the mask of batch row " + std::to_string(b) + " is not the prefix its starts say");
        if (!token) continue;
        layouts.token_rows[row] = b * T + t;
        layouts.padded_rows[static_cast<std::size_t>(b) * T + t] = row;
      }
    return layouts;
  }
  std::vector<float> to_padded(const Layouts& layouts, const float* rows, int width) {
    std::vector<float> padded(layouts.padded_rows.size() * width);
    inner().gather_rows(padded.data(), rows, layouts.padded_rows.data(), static_cast<int>(layouts.padded_rows.size()),
                        width);
    return padded;
  }
  static std::size_t qkv_floats(int B, int T, int C) { return static_cast<std::size_t>(B) * T * 3 * C; }
  float* kept_qkv(float* att, int B, int T, int C, int NH) const {
    return att + inner().attention_saved(B, T, C, NH).floats;
  }

  std::string name_;
  bool keeps_qkv_, on_rows_;
};

}  // namespace

std::vector<std::string> backend_names() {
#ifdef TEXTCLASS_HAS_CUDA
  return {"cpu", "cpu-keeps-qkv", "cpu-on-rows", "cuda", "cuda-fused"};
#else
  return {"cpu", "cpu-keeps-qkv", "cpu-on-rows"};
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
  if (name == "cpu-keeps-qkv") return std::make_unique<CudaLikeBackend>(name, true, true);
  if (name == "cpu-on-rows") return std::make_unique<CudaLikeBackend>(name, false, true);
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
  // bf16 with the switches `set` changes
  auto bf16 = [](auto set) {
    backend::CudaSwitches switches;
    set(switches);
    return backend::make_cuda_backend(backend::Precision::bf16, switches);
  };
  using Switches = backend::CudaSwitches;
  if (name == "cuda-bf16-rounded-weights") return bf16([](Switches& s) { s.bf16_weights = false; });
  if (name == "cuda-bf16-reading-qkv") return bf16([](Switches& s) { s.attention_keeps_qkv = false; });
  if (name == "cuda-bf16-padded-attention") return bf16([](Switches& s) { s.attention_on_rows = false; });
  if (name == "cuda-bf16-autotune") return bf16([](Switches& s) { s.gemm_autotune = true; });
  if (name == "cuda-bf16-overlapped-updates") return bf16([](Switches& s) { s.overlapped_updates = true; });
  if (name == "cuda-bf16-prompt-joins") return bf16([](Switches& s) { s.deferred_joins = false; });
  if (name == "cuda-bf16-side-square-sums") return bf16([](Switches& s) { s.side_square_sums = true; });
  if (name == "cuda-bf16-separate-rounding") return bf16([](Switches& s) { s.fused_rounding = false; });
  if (name == "cuda-bf16-one-stream" || name == "cuda-bf16-one-stream-graphs") {
    const bool graphs = name == "cuda-bf16-one-stream-graphs";
    return bf16([&](Switches& s) {
      s.concurrent_products = false;
      s.graphs = graphs;
    });
  }
  if (name == "cuda-bf16-fused-rounding" || name == "cuda-bf16-fused-rounding-graphs") {
    const bool graphs = name == "cuda-bf16-fused-rounding-graphs";
    return bf16([&](Switches& s) {
      s.fused_rounding = true;
      s.graphs = graphs;
    });
  }
#endif
  throw std::invalid_argument("no backend named " + name);
}

}  // namespace textclass::testing
