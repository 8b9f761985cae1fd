#include "textclass/model/activations.hpp"

#include <algorithm>

namespace textclass::model {

namespace {

// Hands out consecutive 64-byte-aligned slices of one allocation; with a null base it only counts,
// so the same code sizes the allocation and then carves it.
template <typename T>
class Carver {
 public:
  explicit Carver(T* base) : base_(base) {}
  T* take(std::size_t n) {
    T* slice = base_ ? base_ + used_ : nullptr;
    used_ += (n + 15) / 16 * 16;
    return slice;
  }
  std::size_t used() const { return used_; }

 private:
  T* base_;
  std::size_t used_ = 0;
};

}  // namespace

Activations::~Activations() {
  if (floats_) backend_.free(floats_);
  if (ints_) backend_.free(ints_);
}

void Activations::prepare(const BertConfig& config, int B, int T, bool for_training) {
  Sizes needed = layout(config, B, T, for_training, nullptr, nullptr);
  if (needed.floats > float_capacity_) {
    if (floats_) backend_.free(floats_);
    floats_ = nullptr;  // so a failed alloc leaves no dangling pointer behind
    float_capacity_ = 0;
    floats_ = backend_.alloc(needed.floats);
    float_capacity_ = needed.floats;
  }
  if (needed.ints > int_capacity_) {
    if (ints_) backend_.free(ints_);
    ints_ = nullptr;
    int_capacity_ = 0;
    ints_ = backend_.alloc_ints(needed.ints);
    int_capacity_ = needed.ints;
  }
  layout(config, B, T, for_training, floats_, ints_);
}

Activations::Sizes Activations::layout(const BertConfig& config, int B, int T, bool for_training, float* floats,
                                int32_t* ints) {
  const std::size_t b = B, N = static_cast<std::size_t>(B) * T, C = config.hidden_size,
                    I = config.intermediate_size, NH = config.num_attention_heads, V = config.num_labels();
  Carver<int32_t> ci(ints);
  Carver<float> cf(floats);
  ActivationBuffers& a = buffers_;
  a.input_ids = ci.take(N);
  a.token_type_ids = ci.take(N);
  a.attention_mask = ci.take(N);
  a.labels = ci.take(b);

  a.emb_sum = cf.take(N * C);
  a.emb_mean = cf.take(N);
  a.emb_rstd = cf.take(N);
  a.emb_out = cf.take(N * C);
  a.layers.resize(config.num_hidden_layers);
  // GELU's output is the input of the feed-forward's second dense layer, which its backward needs
  // again; it is recomputed there from fch (one element-wise pass), so all layers share one buffer:
  // a quarter of a training pass's activations. qkv shares it too where no backward pass reads qkv
  // (evaluation, or an attention that keeps its own copy in att): the attention has read qkv before
  // GELU writes, and the feed-forward has read GELU's output before the next layer's qkv is made.
  const backend::Backend::AttentionSaved saved =
      backend_.attention_saved(B, T, static_cast<int>(C), static_cast<int>(NH));
  a.attention_keeps_qkv = saved.keeps_qkv;
  const bool qkv_shared = !for_training || saved.keeps_qkv;
  float* shared = cf.take(qkv_shared ? std::max(N * I, N * 3 * C) : N * I);
  for (std::size_t layer = 0; layer < a.layers.size(); layer++) {
    LayerActivations& l = a.layers[layer];
    if (!for_training && layer > 0) {  // evaluation: every layer reuses the first one's buffers
      l = a.layers[0];
      continue;
    }
    l.qkv = qkv_shared ? shared : cf.take(N * 3 * C);
    l.att = for_training ? cf.take(saved.floats) : nullptr;  // evaluation saves nothing
    l.atty = cf.take(N * C);
    l.res1 = cf.take(N * C);
    l.ln1 = cf.take(N * C);
    l.ln1_mean = cf.take(N);
    l.ln1_rstd = cf.take(N);
    l.fch = cf.take(N * I);
    l.fch_gelu = shared;
    l.res2 = cf.take(N * C);
    l.ln2 = cf.take(N * C);
    l.ln2_mean = cf.take(N);
    l.ln2_rstd = cf.take(N);
  }
  a.dense_out = cf.take(N * C);
  a.emb_ln = a.dense_out;  // only dropped out into emb_out: the backward pass needs emb_sum
  a.cls = cf.take(b * C);
  a.pooled_pre = cf.take(b * C);
  a.pooled = cf.take(b * C);
  a.head_in = cf.take(b * C);
  a.logits = cf.take(b * V);
  a.losses = cf.take(b);
  a.probs = cf.take(b * V);

  Carver<float> none(nullptr);
  Carver<float>& cg = for_training ? cf : none;
  a.d_a = cg.take(N * C);
  a.d_b = cg.take(N * C);
  a.d_c = cg.take(N * C);
  a.d_d = cg.take(N * C);
  a.d_fch_gelu = cg.take(std::max(N * I, N * 3 * C));
  a.d_fch = a.d_fch_gelu;  // GELU's backward runs in place
  a.d_qkv = a.d_fch_gelu;  // a layer's attention backward starts after its feed-forward's is done
  a.d_logits = cg.take(b * V);
  a.d_head_a = cg.take(b * C);
  a.d_head_b = cg.take(b * C);
  return {cf.used(), ci.used()};
}

}  // namespace textclass::model
