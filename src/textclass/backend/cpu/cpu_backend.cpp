// The CPU backend: host memory and the kernels of this folder, one call per op.
#include <omp.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cpu/attention.hpp"
#include "textclass/backend/cpu/crossentropy.hpp"
#include "textclass/backend/cpu/elementwise.hpp"
#include "textclass/backend/cpu/embeddings.hpp"
#include "textclass/backend/cpu/gather_rows.hpp"
#include "textclass/backend/cpu/int8_matmul.hpp"
#include "textclass/backend/cpu/isa.hpp"
#include "textclass/backend/cpu/layernorm.hpp"
#include "textclass/backend/cpu/gemm.hpp"
#include "textclass/backend/cpu/matmul.hpp"
#include "textclass/backend/cpu/op_profile.hpp"
#include "textclass/backend/cpu/optimizer.hpp"
#include "textclass/backend/memory_tracker.hpp"

namespace textclass::backend {
namespace {

// Cache-line aligned, so that the channel blocks threads split among themselves share no lines.
void* aligned_bytes(std::size_t bytes) {
  constexpr std::size_t alignment = 64;
  const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  void* ptr = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  if (ptr == nullptr) throw std::bad_alloc();
  return ptr;
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(cpu::Isa isa, cpu::Products products, bool int8, bool inference, bool profile)
      : isa_(isa), products_(products), int8_(int8), inference_(inference || int8), profile_(profile) {}
  std::string name() const override { return "cpu"; }

  float* alloc(std::size_t n) override { return static_cast<float*>(tracked_bytes(n * sizeof(float))); }
  int32_t* alloc_ints(std::size_t n) override { return static_cast<int32_t*>(tracked_bytes(n * sizeof(int32_t))); }
  void free(void* ptr) override {
    forget_weights_between(ptr, memory_.bytes_at(ptr));
    memory_.freed(ptr);
    std::free(ptr);
  }
  MemoryUse memory_use() const override { return memory_.use(); }
  // An empty vector's data() may be null, which memcpy may not be given even for no bytes.
  void upload(void* device_dst, const void* host_src, std::size_t bytes) override {
    if (bytes == 0) return;
    forget_weights_between(device_dst, bytes);
    std::memcpy(device_dst, host_src, bytes);
  }
  void download(void* host_dst, const void* device_src, std::size_t bytes) override {
    if (bytes != 0) std::memcpy(host_dst, device_src, bytes);
  }
  void copy(float* dst, const float* src, std::size_t n) override {
    const auto timed = profile_.time("copy");
    std::memcpy(dst, src, n * sizeof(float));
  }
  void fill(float* x, float value, std::size_t n) override {
    const auto timed = profile_.time("fill");
#pragma omp parallel for
    for (std::size_t i = 0; i < n; i++) x[i] = value;
  }
  void synchronize() override {}

  void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                          const float* wte, const float* wpe, const float* wtt, int M, int T, int C, int /*vocab*/,
                          int /*types*/) override {
    const auto timed = profile_.time("embeddings_forward");
    cpu::embeddings_forward(out, ids, token_types, rows, wte, wpe, wtt, M, T, C);
  }
  void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                           const int32_t* token_types, const int32_t* rows, int M, int T, int C, int /*vocab*/,
                           int /*types*/) override {
    const auto timed = profile_.time("embeddings_backward");
    cpu::embeddings_backward(dwte, dwpe, dwtt, dout, ids, token_types, rows, M, T, C);
  }
  void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                         float eps, int N, int C) override {
    const auto timed = profile_.time("layernorm_forward");
    cpu::layernorm_forward(out, mean, rstd, inp, weight, bias, eps, N, C, isa_);
  }
  void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                          const float* weight, const float* mean, const float* rstd, int N, int C) override {
    const auto timed = profile_.time("layernorm_backward");
    cpu::layernorm_backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C, isa_);
  }
  void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                  const float* residual, const float* weight, const float* bias, float dropout_p,
                                  uint64_t seed, float eps, int N, int C) override {
    const auto timed = profile_.time("residual_layernorm_forward");
    cpu::residual_layernorm_forward(out, res, mean, rstd, inp, residual, weight, bias, dropout_p, seed, eps, N, C,
                                    isa_);
  }
  void residual_layernorm_backward(float* dres, float* dinp, float* dweight, float* dbias, float* dinp_sums,
                                   const float* dout, const float* dout2, const float* res, const float* weight,
                                   const float* mean, const float* rstd, float dropout_p, uint64_t seed, int N,
                                   int C) override {
    const auto timed = profile_.time("residual_layernorm_backward");
    const std::size_t n = static_cast<std::size_t>(N) * C;
    if (dout2 != nullptr) {  // dinp holds the sum until the last step overwrites it
      cpu::add(dinp, dout, dout2, n);
      dout = dinp;
    }
    cpu::layernorm_backward(dres, dweight, dbias, dout, res, weight, mean, rstd, N, C, isa_);
    cpu::dropout_backward(dinp, dres, dropout_p, seed, n, isa_);
    if (dinp_sums != nullptr) cpu::add_column_sums(dinp_sums, dinp, N, C);
  }
  void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                      int OC) override {
    const auto timed = profile_.time("matmul_forward");
    if (int8_)
      cpu::int8_matmul_forward(out, inp, prepared(int8_weights_, weight, OC, C), bias, N, C, OC, isa_);
    else if (inference_ && products_ == cpu::Products::bf16)
      cpu::matmul_forward(out, inp, prepared(bf16_weights_, weight, OC, C), bias, N);
    else
      cpu::matmul_forward(out, inp, weight, bias, N, C, OC, products_);
  }
  void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                       const float* weight, int N, int C, int OC, GradientWrite dweight_write) override {
    const auto timed = profile_.time("matmul_backward");
    if (inference_) throw std::logic_error("the CPU backend was made for inference, which has no backward pass");
    cpu::matmul_backward(dinp, dweight, dbias, dout, inp, weight, N, C, OC, dweight_write, products_);
  }
  std::size_t attention_saved_floats(int B, int T, int C, int NH) const override {
    return cpu::attention_saved_floats(B, T, C, NH);
  }
  void attention_forward(float* out, float* att, const float* qkv, const int32_t* /*mask: starts say it*/,
                         const int32_t* starts, int M, float dropout_p, uint64_t seed, int B, int T, int C,
                         int NH) override {
    const auto timed = profile_.time("attention_forward");
    cpu::attention_forward(out, att, qkv, starts, M, dropout_p, seed, B, T, C, NH, isa_);
  }
  void attention_backward(float* dqkv, const float* dout, const float* /*out*/, const float* att,
                          const int32_t* /*mask*/, const int32_t* starts, int M, float dropout_p, uint64_t seed, int B,
                          int T, int C, int NH) override {
    const auto timed = profile_.time("attention_backward");
    cpu::attention_backward(dqkv, dout, att, starts, M, dropout_p, seed, B, T, C, NH, isa_);
  }
  void gelu_forward(float* out, const float* inp, std::size_t n) override {
    const auto timed = profile_.time("gelu_forward");
    cpu::gelu_forward(out, inp, n, isa_);
  }
  void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) override {
    const auto timed = profile_.time("gelu_backward");
    cpu::gelu_backward(dinp, inp, dout, n, isa_);
  }
  void gelu_backward_sums(float* dinp, float* dinp_sums, const float* inp, const float* dout, int N,
                          int C) override {
    const auto timed = profile_.time("gelu_backward_sums");
    cpu::gelu_backward(dinp, inp, dout, static_cast<std::size_t>(N) * C, isa_);
    cpu::add_column_sums(dinp_sums, dinp, N, C);
  }
  void tanh_forward(float* out, const float* inp, std::size_t n) override {
    const auto timed = profile_.time("tanh_forward");
    cpu::tanh_forward(out, inp, n);
  }
  void relu_forward(float* out, const float* inp, std::size_t n) override {
    const auto timed = profile_.time("relu_forward");
    cpu::relu_forward(out, inp, n);
  }
  void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    const auto timed = profile_.time("relu_backward");
    cpu::relu_backward(dinp, out, dout, n);
  }
  void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    const auto timed = profile_.time("tanh_backward");
    cpu::tanh_backward(dinp, out, dout, n);
  }
  void add(float* out, const float* a, const float* b, std::size_t n) override {
    const auto timed = profile_.time("add");
    cpu::add(out, a, b, n);
  }
  void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n) override {
    const auto timed = profile_.time("dropout_forward");
    cpu::dropout_forward(out, inp, p, seed, n, isa_);
  }
  void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n) override {
    const auto timed = profile_.time("dropout_backward");
    cpu::dropout_backward(dinp, dout, p, seed, n, isa_);
  }
  void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C) override {
    const auto timed = profile_.time("gather_rows");
    cpu::gather_rows(out, inp, rows, n, C);
  }
  void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                            const float* class_weights, float label_smoothing, int B, int V) override {
    const auto timed = profile_.time("crossentropy_forward");
    cpu::crossentropy_forward(losses, probs, logits, labels, class_weights, label_smoothing, B, V);
  }
  void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, const float* class_weights,
                             float label_smoothing, int B, int V) override {
    const auto timed = profile_.time("crossentropy_backward");
    cpu::crossentropy_backward(dlogits, probs, labels, class_weights, label_smoothing, B, V);
  }
  void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets, int B,
                               int V) override {
    const auto timed = profile_.time("bce_with_logits_forward");
    cpu::bce_with_logits_forward(losses, probs, logits, targets, B, V);
  }
  void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B, int V) override {
    const auto timed = profile_.time("bce_with_logits_backward");
    cpu::bce_with_logits_backward(dlogits, probs, targets, B, V);
  }
  void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V) override {
    const auto timed = profile_.time("mse_forward");
    cpu::mse_forward(losses, predictions, targets, B, V);
  }
  void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V) override {
    const auto timed = profile_.time("mse_backward");
    cpu::mse_backward(dpredictions, predictions, targets, B, V);
  }
  double sum_squares(const float* x, std::size_t n) override {
    const auto timed = profile_.time("sum_squares");
    return cpu::sum_squares(x, n);
  }
  void adamw_update(float* params, const float* grads, float* m, float* v, const std::vector<ParameterSpan>& spans,
                    double lr, double beta1, double beta2, double eps, float grad_scale, int step) override {
    const auto timed = profile_.time("adamw_update");
    for (const ParameterSpan& s : spans)
      cpu::adamw_update(params + s.offset, grads + s.offset, m + s.offset, v + s.offset, s.count, lr, beta1, beta2, eps,
                        s.weight_decay, grad_scale, step, isa_);
  }

 private:
  // The weight [OC, C] prepared for the products (in int8, or bf16 packed), made at its first product.
  // Inference never changes a weight (the backend refuses a backward pass), so its address names it.
  template <class Prepared>
  static const Prepared& prepared(std::unordered_map<const float*, Prepared>& cache, const float* weight, int OC,
                                  int C) {
    auto found = cache.find(weight);
    if (found == cache.end()) found = cache.try_emplace(weight, weight, OC, C).first;
    return found->second;
  }

  // Forgets the prepared copies of weights that overlap the `bytes` at ptr, which are going (freed)
  // or changing (uploaded over, wholly or in part).
  void forget_weights_between(const void* ptr, std::size_t bytes) {
    if (int8_weights_.empty() && bf16_weights_.empty()) return;
    const char* begin = static_cast<const char*>(ptr);
    const char* end = begin + bytes;
    const auto overlaps = [&](const auto& entry) {
      const char* weight = reinterpret_cast<const char*>(entry.first);
      return weight < end && weight + weight_bytes(entry.second) > begin;
    };
    std::erase_if(int8_weights_, overlaps);
    std::erase_if(bf16_weights_, overlaps);
  }
  static std::size_t weight_bytes(const cpu::Int8Weight& w) { return w.values.size() * sizeof(float); }
  static std::size_t weight_bytes(const cpu::PackedBf16Weight& w) {
    return static_cast<std::size_t>(w.OC()) * w.C() * sizeof(float);
  }

  void* tracked_bytes(std::size_t bytes) {
    void* ptr = aligned_bytes(bytes);
    memory_.allocated(ptr, bytes);
    return ptr;
  }

  MemoryTracker memory_;
  cpu::Isa isa_;  // the vector instructions the kernels run with
  cpu::Products products_;  // the linear layers' arithmetic, unless int8_
  bool int8_;               // the linear layers' products in int8 (inference)
  bool inference_;          // no backward pass: weights are prepared for the products once
  std::unordered_map<const float*, cpu::Int8Weight> int8_weights_;
  std::unordered_map<const float*, cpu::PackedBf16Weight> bf16_weights_;
  cpu::OpProfile profile_;
};

}  // namespace

namespace {

cpu::Isa isa_of(CpuOptions::Vectors vectors) {
  switch (vectors) {
    case CpuOptions::Vectors::widest: return cpu::best_isa();
    case CpuOptions::Vectors::avx2: return cpu::Isa::avx2;
    case CpuOptions::Vectors::baseline: break;
  }
  return cpu::Isa::baseline;
}

}  // namespace

bool cpu_supports(CpuOptions::Vectors vectors) { return cpu::isa_supported(isa_of(vectors)); }

std::string cpu_bf16_unavailable_reason() { return cpu::bf16_products_unavailable_reason(); }

std::string cpu_int8_unavailable_reason() {
  if (__builtin_cpu_supports("avx512vnni")) return "";
  return "this processor has no AVX512-VNNI, without which int8 products can overflow";
}

std::unique_ptr<Backend> make_cpu_backend(const CpuOptions& options) {
  const cpu::Isa isa = isa_of(options.vectors);
  if (!cpu::isa_supported(isa))
    throw std::invalid_argument(std::string("this processor cannot run the CPU kernels built for ") +
                                cpu::isa_name(isa));
  if (options.int8 && !cpu_int8_unavailable_reason().empty())
    throw std::invalid_argument("int8 products: " + cpu_int8_unavailable_reason());
  if (options.bf16 && *cpu::bf16_products_unavailable_reason() != '\0')
    throw std::invalid_argument(std::string("bf16 products: ") + cpu::bf16_products_unavailable_reason());
  // oneDNN's products run on the same OpenMP team, so this covers them too.
  if (options.threads > 0) omp_set_num_threads(options.threads);
  return std::make_unique<CpuBackend>(isa, options.bf16 ? cpu::Products::bf16 : cpu::Products::fp32, options.int8,
                                      options.inference, options.profile);
}

}  // namespace textclass::backend
