#include "textclass/model/activations.hpp"

#include <algorithm>
#include <string>

#include "textclass/error.hpp"

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

RowLayout row_layout(std::span<const int32_t> attention_mask, int B, int T, int row_multiple) {
  const std::size_t N = static_cast<std::size_t>(B) * T;
  RowLayout rows;
  rows.starts.resize(B + 1);
  rows.attention_mask.assign(N, 0);
  int32_t real = 0;
  for (int b = 0; b < B; b++) {
    const std::size_t first = static_cast<std::size_t>(b) * T;
    if (T > 0 && attention_mask[first] == 0)
      throw Error("attention_mask: sequence " + std::to_string(b) +
                  " starts with padding; its first token ([CLS]) must be real (pad on the right)");
    rows.starts[b] = real;
    for (int t = 0; t < T; t++) {
      if (attention_mask[first + t] == 0) continue;
      rows.attention_mask[first + (real - rows.starts[b])] = 1;
      rows.token_rows.push_back(static_cast<int32_t>(first + t));
      rows.cls_of_row.push_back(t == 0 ? b : -1);
      real++;
    }
  }
  rows.starts[B] = real;
  const std::size_t multiple = std::max(row_multiple, 1);
  rows.M = static_cast<int>(std::min((static_cast<std::size_t>(real) + multiple - 1) / multiple * multiple, N));
  rows.token_rows.resize(rows.M, -1);
  rows.cls_of_row.resize(rows.M, -1);
  return rows;
}

Activations::~Activations() {
  if (floats_) backend_.free(floats_);
  if (ints_) backend_.free(ints_);
}

void Activations::prepare(const BertConfig& config, int B, int T, const RowLayout& rows, bool for_training) {
  Sizes needed = layout(config, B, T, rows.M, for_training, nullptr, nullptr);
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
  layout(config, B, T, rows.M, for_training, floats_, ints_);
  const ActivationBuffers& a = buffers_;
  auto upload = [&](int32_t* device, const std::vector<int32_t>& host) {
    backend_.upload(device, host.data(), host.size() * sizeof(int32_t));
  };
  upload(a.attention_mask, rows.attention_mask);
  upload(a.token_rows, rows.token_rows);
  upload(a.starts, rows.starts);
  upload(a.cls_of_row, rows.cls_of_row);
  padded_row_of_rows_ = rows.token_rows;
}

Activations::Sizes Activations::layout(const BertConfig& config, int B, int T, int rows, bool for_training,
                                       float* floats, int32_t* ints) {
  const std::size_t b = B, N = static_cast<std::size_t>(B) * T, M = rows, C = config.hidden_size,
                    I = config.intermediate_size, NH = config.num_attention_heads, V = config.num_labels();
  Carver<int32_t> ci(ints);
  Carver<float> cf(floats);
  ActivationBuffers& a = buffers_;
  a.input_ids = ci.take(N);
  a.token_type_ids = ci.take(N);
  a.attention_mask = ci.take(N);
  a.labels = ci.take(b);
  a.token_rows = ci.take(M);
  a.starts = ci.take(b + 1);
  a.cls_of_row = ci.take(M);

  a.emb_sum = cf.take(M * C);
  a.emb_mean = cf.take(M);
  a.emb_rstd = cf.take(M);
  a.emb_out = cf.take(M * C);
  a.layers.resize(config.num_hidden_layers);
  // Every layer's qkv is one buffer: the attention reads it in the forward pass and keeps in att
  // what its backward pass needs. In evaluation every layer reuses the first one's buffers, and qkv
  // shares one with GELU's output: the attention has read qkv before GELU writes, and the
  // feed-forward has read GELU's output before the next layer's qkv is made. Training keeps each
  // layer's GELU output (the input of the feed-forward's second dense layer, which its backward pass
  // reads again).
  const std::size_t saved = backend_.attention_saved_floats(B, T, static_cast<int>(C), static_cast<int>(NH));
  float* qkv = cf.take(for_training ? M * 3 * C : std::max(M * I, M * 3 * C));
  for (std::size_t layer = 0; layer < a.layers.size(); layer++) {
    LayerActivations& l = a.layers[layer];
    if (!for_training && layer > 0) {  // evaluation: every layer reuses the first one's buffers
      l = a.layers[0];
      continue;
    }
    l.qkv = qkv;
    l.att = for_training ? cf.take(saved) : nullptr;  // evaluation saves nothing
    l.atty = cf.take(M * C);
    l.res1 = cf.take(M * C);
    l.ln1 = cf.take(M * C);
    l.ln1_mean = cf.take(M);
    l.ln1_rstd = cf.take(M);
    l.fch = cf.take(M * I);
    l.fch_gelu = for_training ? cf.take(M * I) : qkv;
    l.res2 = cf.take(M * C);
    l.ln2 = cf.take(M * C);
    l.ln2_mean = cf.take(M);
    l.ln2_rstd = cf.take(M);
  }
  a.dense_out = cf.take(M * C);
  a.emb_ln = a.dense_out;  // only dropped out into emb_out: the backward pass needs emb_sum
  a.cls_atty = cf.take(b * C);
  a.cls_input = cf.take(b * C);
  a.head_dense_in = cf.take(b * C);
  a.pooled_pre = cf.take(b * C);
  a.pooled = cf.take(b * C);
  a.head_in = cf.take(b * C);
  a.logits = cf.take(b * V);
  a.losses = cf.take(b);
  a.probs = cf.take(b * V);
  a.targets = cf.take(b * V);

  Carver<float> none(nullptr);
  Carver<float>& cg = for_training ? cf : none;
  a.d_a = cg.take(M * C);
  a.d_b = cg.take(M * C);
  a.d_c = cg.take(M * C);
  a.d_d = cg.take(M * C);
  a.d_fch_gelu = cg.take(std::max(M * I, M * 3 * C));
  a.d_fch = a.d_fch_gelu;  // GELU's backward runs in place
  a.d_qkv = a.d_fch_gelu;  // a layer's attention backward starts after its feed-forward's is done
  a.d_logits = cg.take(b * V);
  a.d_head_a = cg.take(b * C);
  a.d_head_b = cg.take(b * C);
  return {cf.used(), ci.used()};
}

}  // namespace textclass::model
