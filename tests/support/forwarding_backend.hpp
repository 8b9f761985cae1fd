#pragma once
// A Backend that hands every call to another one: a test derives from it and overrides the few
// calls it changes (gradient_clipping_test.cpp counts the sums of squares).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::testing {

class ForwardingBackend : public backend::Backend {
 public:
  explicit ForwardingBackend(std::unique_ptr<backend::Backend> inner) : inner_(std::move(inner)) {}

  std::string name() const override { return inner_->name(); }
  float* alloc(std::size_t n) override { return inner_->alloc(n); }
  int32_t* alloc_ints(std::size_t n) override { return inner_->alloc_ints(n); }
  void free(void* ptr) override { inner_->free(ptr); }
  void upload(void* dst, const void* src, std::size_t bytes) override { inner_->upload(dst, src, bytes); }
  void download(void* dst, const void* src, std::size_t bytes) override { inner_->download(dst, src, bytes); }
  void copy(float* dst, const float* src, std::size_t n) override { inner_->copy(dst, src, n); }
  void fill(float* x, float value, std::size_t n) override { inner_->fill(x, value, n); }
  void synchronize() override { inner_->synchronize(); }
  MemoryUse memory_use() const override { return inner_->memory_use(); }
  int token_multiple() const override { return inner_->token_multiple(); }
  int row_multiple() const override { return inner_->row_multiple(); }
  std::size_t prediction_batch_size() const override { return inner_->prediction_batch_size(); }
  std::size_t attention_saved_floats(int B, int T, int C, int NH) const override {
    return inner_->attention_saved_floats(B, T, C, NH);
  }

  void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                          const float* wte, const float* wpe, const float* wtt, int M, int T, int C, int vocab,
                          int types) override {
    inner_->embeddings_forward(out, ids, token_types, rows, wte, wpe, wtt, M, T, C, vocab, types);
  }
  void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                           const int32_t* token_types, const int32_t* rows, int M, int T, int C, int vocab,
                           int types) override {
    inner_->embeddings_backward(dwte, dwpe, dwtt, dout, ids, token_types, rows, M, T, C, vocab, types);
  }
  void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                         const float* bias, float eps, int N, int C) override {
    inner_->layernorm_forward(out, mean, rstd, inp, weight, bias, eps, N, C);
  }
  void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                          const float* weight, const float* mean, const float* rstd, int N, int C) override {
    inner_->layernorm_backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
  }
  void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                  const float* residual, const float* weight, const float* bias, float dropout_p,
                                  uint64_t seed, float eps, int N, int C) override {
    inner_->residual_layernorm_forward(out, res, mean, rstd, inp, residual, weight, bias, dropout_p, seed, eps, N, C);
  }
  void residual_layernorm_backward(float* dres, float* dinp, float* dweight, float* dbias, float* dinp_sums,
                                   const float* dout, const float* dout2, const float* res, const float* weight,
                                   const float* mean, const float* rstd, float dropout_p, uint64_t seed, int N,
                                   int C) override {
    inner_->residual_layernorm_backward(dres, dinp, dweight, dbias, dinp_sums, dout, dout2, res, weight, mean, rstd,
                                        dropout_p, seed, N, C);
  }
  void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                      int OC) override {
    inner_->matmul_forward(out, inp, weight, bias, N, C, OC);
  }
  void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                       const float* weight, int N, int C, int OC, backend::GradientWrite dweight_write) override {
    inner_->matmul_backward(dinp, dweight, dbias, dout, inp, weight, N, C, OC, dweight_write);
  }
  void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, const int32_t* starts, int M,
                         float dropout_p, uint64_t seed, int B, int T, int C, int NH) override {
    inner_->attention_forward(out, att, qkv, mask, starts, M, dropout_p, seed, B, T, C, NH);
  }
  void attention_backward(float* dqkv, const float* dout, const float* out, const float* att, const int32_t* mask,
                          const int32_t* starts, int M, float dropout_p, uint64_t seed, int B, int T, int C,
                          int NH) override {
    inner_->attention_backward(dqkv, dout, out, att, mask, starts, M, dropout_p, seed, B, T, C, NH);
  }
  void gelu_forward(float* out, const float* inp, std::size_t n) override { inner_->gelu_forward(out, inp, n); }
  void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) override {
    inner_->gelu_backward(dinp, inp, dout, n);
  }
  void gelu_backward_sums(float* dinp, float* dinp_sums, const float* inp, const float* dout, int N,
                          int C) override {
    inner_->gelu_backward_sums(dinp, dinp_sums, inp, dout, N, C);
  }
  void tanh_forward(float* out, const float* inp, std::size_t n) override { inner_->tanh_forward(out, inp, n); }
  void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    inner_->tanh_backward(dinp, out, dout, n);
  }
  void relu_forward(float* out, const float* inp, std::size_t n) override { inner_->relu_forward(out, inp, n); }
  void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    inner_->relu_backward(dinp, out, dout, n);
  }
  void add(float* out, const float* a, const float* b, std::size_t n) override { inner_->add(out, a, b, n); }
  void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n) override {
    inner_->dropout_forward(out, inp, p, seed, n);
  }
  void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n) override {
    inner_->dropout_backward(dinp, dout, p, seed, n);
  }
  void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C) override {
    inner_->gather_rows(out, inp, rows, n, C);
  }
  void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                            const float* class_weights, float label_smoothing, int B, int V) override {
    inner_->crossentropy_forward(losses, probs, logits, labels, class_weights, label_smoothing, B, V);
  }
  void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, const float* class_weights,
                             float label_smoothing, int B, int V) override {
    inner_->crossentropy_backward(dlogits, probs, labels, class_weights, label_smoothing, B, V);
  }
  void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets, int B,
                               int V) override {
    inner_->bce_with_logits_forward(losses, probs, logits, targets, B, V);
  }
  void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B, int V) override {
    inner_->bce_with_logits_backward(dlogits, probs, targets, B, V);
  }
  void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V) override {
    inner_->mse_forward(losses, predictions, targets, B, V);
  }
  void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V) override {
    inner_->mse_backward(dpredictions, predictions, targets, B, V);
  }
  double sum_squares(const float* x, std::size_t n) override { return inner_->sum_squares(x, n); }
  void adamw_update(float* params, const float* grads, float* m, float* v,
                    const std::vector<backend::ParameterSpan>& spans, double lr, double beta1, double beta2,
                    double eps, float grad_scale, int step) override {
    inner_->adamw_update(params, grads, m, v, spans, lr, beta1, beta2, eps, grad_scale, step);
  }

 protected:
  backend::Backend& inner() { return *inner_; }
  const backend::Backend& inner() const { return *inner_; }

 private:
  std::unique_ptr<backend::Backend> inner_;
};

}  // namespace textclass::testing
