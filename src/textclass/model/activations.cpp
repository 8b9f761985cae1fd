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

RowLayout row_layout(std::span<const int32_t> attention_mask, int B, int T, bool pack, int row_multiple) {
  const std::size_t N = static_cast<std::size_t>(B) * T;
  std::size_t real = 0;
  bool starts_real = true, prefix = true;
  for (std::size_t i = 0; i < N; i++) {
    real += attention_mask[i] != 0;
    if (i % T == 0) starts_real = starts_real && attention_mask[i] != 0;
    if (i % T != 0) prefix = prefix && (attention_mask[i - 1] != 0 || attention_mask[i] == 0);
  }
  const std::size_t multiple = std::max(row_multiple, 1);
  const std::size_t M = (real + multiple - 1) / multiple * multiple;
  RowLayout rows;
  rows.packed = pack && starts_real && M < N;
  rows.M = rows.packed ? static_cast<int>(M) : static_cast<int>(N);
  rows.prefix = prefix;
  rows.token_rows.assign(rows.M, -1);
  rows.padded_rows.assign(N, -1);
  rows.starts.resize(B + 1);
  rows.cls_of_row.assign(rows.M, -1);
  int32_t row = 0;
  for (std::size_t i = 0; i < N; i++) {
    if (rows.packed && attention_mask[i] == 0) continue;
    rows.token_rows[row] = static_cast<int32_t>(i);
    rows.padded_rows[i] = row;
    if (i % T == 0) {
      rows.starts[i / T] = row;
      rows.cls_of_row[row] = static_cast<int32_t>(i / T);
    }
    row++;
  }
  rows.starts[B] = row;
  return rows;
}

Activations::~Activations() {
  if (floats_) backend_.free(floats_);
  if (ints_) backend_.free(ints_);
}

void Activations::prepare(const BertConfig& config, int B, int T, const RowLayout& rows, bool for_training) {
  const bool on_rows = rows.packed && rows.prefix &&
                       backend_.attends_on_rows(B, T, config.hidden_size, config.num_attention_heads);
  Sizes needed = layout(config, B, T, rows.M, rows.packed, on_rows, for_training, nullptr, nullptr);
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
  layout(config, B, T, rows.M, rows.packed, on_rows, for_training, floats_, ints_);
  const ActivationBuffers& a = buffers_;
  auto upload = [&](int32_t* device, const std::vector<int32_t>& host) {
    backend_.upload(device, host.data(), host.size() * sizeof(int32_t));
  };
  upload(a.token_rows, rows.token_rows);
  upload(a.padded_rows, rows.padded_rows);
  upload(a.starts, rows.starts);
  upload(a.cls_of_row, rows.cls_of_row);
  padded_row_of_rows_ = rows.token_rows;
}

Activations::Sizes Activations::layout(const BertConfig& config, int B, int T, int rows, bool packed, bool on_rows,
                                       bool for_training, float* floats, int32_t* ints) {
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
  a.padded_rows = ci.take(N);
  a.starts = ci.take(b + 1);
  a.cls_of_row = ci.take(M);

  // Packed, the attention's moves between the layouts go through two temporaries: one of [M, 3C]
  // (qkv_rows, atty_rows, d_qkv_rows, each read right after it is written) and, training, one of
  // [N, C] (d atty). On rows, the attention's tensors are the rows' and nothing moves. A: the
  // attention's rows.
  a.attention_on_rows = on_rows;
  const bool moves = packed && !on_rows;
  const std::size_t A = on_rows ? M : N;
  float* padded_temporary = moves && for_training ? cf.take(N * C) : nullptr;
  float* rows_temporary = moves ? cf.take(M * 3 * C) : nullptr;
  a.emb_sum = cf.take(M * C);
  a.emb_mean = cf.take(M);
  a.emb_rstd = cf.take(M);
  a.emb_out = cf.take(M * C);
  a.layers.resize(config.num_hidden_layers);
  // In evaluation every layer reuses the first one's buffers, and qkv shares one with GELU's output:
  // the attention has read qkv before GELU writes, and the feed-forward has read GELU's output before
  // the next layer's qkv is made. Training keeps each layer's GELU output (the input of the feed-
  // forward's second dense layer, which its backward pass reads again), and qkv where a backward pass
  // reads it; where the attention keeps its own copy in att, the layers share one buffer for qkv.
  const backend::Backend::AttentionSaved saved =
      backend_.attention_saved(B, T, static_cast<int>(C), static_cast<int>(NH));
  a.attention_keeps_qkv = saved.keeps_qkv;
  const bool qkv_shared = !for_training || saved.keeps_qkv;
  float* shared = for_training ? (qkv_shared ? cf.take(A * 3 * C) : nullptr) : cf.take(std::max(M * I, A * 3 * C));
  for (std::size_t layer = 0; layer < a.layers.size(); layer++) {
    LayerActivations& l = a.layers[layer];
    if (!for_training && layer > 0) {  // evaluation: every layer reuses the first one's buffers
      l = a.layers[0];
      continue;
    }
    l.qkv = qkv_shared ? shared : cf.take(A * 3 * C);
    l.qkv_rows = moves ? rows_temporary : l.qkv;
    l.att = for_training ? cf.take(saved.floats) : nullptr;  // evaluation saves nothing
    l.atty = cf.take(A * C);
    l.atty_rows = moves ? rows_temporary : l.atty;
    l.res1 = cf.take(M * C);
    l.ln1 = cf.take(M * C);
    l.ln1_mean = cf.take(M);
    l.ln1_rstd = cf.take(M);
    l.fch = cf.take(M * I);
    l.fch_gelu = for_training ? cf.take(M * I) : shared;
    l.res2 = cf.take(M * C);
    l.ln2 = cf.take(M * C);
    l.ln2_mean = cf.take(M);
    l.ln2_rstd = cf.take(M);
  }
  a.dense_out = cf.take(M * C);
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
  a.d_a = cg.take(M * C);
  a.d_b = cg.take(M * C);
  a.d_c = cg.take(M * C);
  a.d_d = cg.take(M * C);
  a.d_fch_gelu = cg.take(std::max(M * I, A * 3 * C));
  a.d_fch = a.d_fch_gelu;  // GELU's backward runs in place
  a.d_qkv = a.d_fch_gelu;  // a layer's attention backward starts after its feed-forward's is done
  a.d_atty = moves && for_training ? padded_temporary : a.d_b;
  a.d_qkv_rows = moves && for_training ? rows_temporary : a.d_qkv;
  a.d_logits = cg.take(b * V);
  a.d_head_a = cg.take(b * C);
  a.d_head_b = cg.take(b * C);
  return {cf.used(), ci.used()};
}

}  // namespace textclass::model
