// Bert::forward: embeddings, post-LN encoder layers, the head and the loss, one backend op per
// step. Shapes: B rows, T tokens, M rows of tokens (activations.hpp's packed tokens), C hidden, I
// intermediate, NH heads, V classes.
#include <cstdint>
#include <numeric>
#include <stdexcept>

#include "textclass/model/bert.hpp"

namespace textclass::model {

Output Bert::forward(Activations& acts, const Inputs& in, std::optional<uint64_t> dropout_seed) const {
  stage(acts, in, dropout_seed);
  forward_ops(acts);
  return fetch_output(acts);
}

float Bert::forward_backward(Activations& acts, const Inputs& in, uint64_t dropout_seed) {
  if (!in.has_labels()) throw std::logic_error("Bert::forward_backward needs a batch with labels");
  stage(acts, in, dropout_seed);
  forward_ops(acts);
  backward(acts);
  return fetch_loss(acts);
}

void Bert::stage(Activations& acts, const Inputs& in, std::optional<uint64_t> dropout_seed) const {
  check_inputs(in);
  const RowLayout rows = row_layout(in.attention_mask, in.B, in.T, backend_.row_multiple());
  acts.prepare(config_, in.B, in.T, rows, dropout_seed.has_value());
  acts.pass = {in.B, in.T, rows.M, in.has_labels(), dropout_seed};
  const ActivationBuffers& a = acts.buffers();
  backend_.upload(a.input_ids, in.input_ids.data(), in.input_ids.size_bytes());
  if (config_.has_token_types()) {
    backend_.upload(a.token_type_ids, in.token_type_ids.data(), in.token_type_ids.size_bytes());
  } else {  // every token reads the one row of zeros
    const std::vector<int32_t> zeros(in.token_type_ids.size(), 0);
    backend_.upload(a.token_type_ids, zeros.data(), zeros.size() * sizeof(int32_t));
  }
  if (!in.labels.empty()) backend_.upload(a.labels, in.labels.data(), in.labels.size_bytes());
  if (!in.targets.empty()) backend_.upload(a.targets, in.targets.data(), in.targets.size_bytes());
}

void Bert::forward_ops(Activations& acts) const {
  backend::Backend& be = backend_;
  const Activations::Pass& pass = acts.pass;
  const int B = pass.B, T = pass.T, M = pass.M, C = config_.hidden_size, I = config_.intermediate_size,
            NH = config_.num_attention_heads, V = config_.num_labels(), L = config_.num_hidden_layers;
  const std::size_t MC = static_cast<std::size_t>(M) * C;
  const bool training = pass.dropout_seed.has_value();
  // evaluation runs with dropout off: p = 0 makes every dropout op a copy
  const float p_hidden = training ? static_cast<float>(config_.hidden_dropout_prob) : 0.0f;
  const float p_attention = training ? static_cast<float>(config_.attention_probs_dropout_prob) : 0.0f;
  const float p_attention_out = training ? static_cast<float>(config_.attention_output_dropout_prob()) : 0.0f;
  const float p_head = training ? static_cast<float>(config_.head_dropout_prob()) : 0.0f;
  const float eps = static_cast<float>(config_.layer_norm_eps);
  auto seed = [&](int site) { return training ? site_seed(*pass.dropout_seed, site) : 0; };
  const ActivationBuffers& a = acts.buffers();

  // (RoBERTa's positions start at padding_idx + 1: its table from that row on is the op's)
  be.embeddings_forward(a.emb_sum, a.input_ids, a.token_type_ids, a.token_rows, p_.word_embeddings,
                        p_.position_embeddings + static_cast<std::size_t>(config_.position_offset()) * C,
                        p_.token_type_embeddings, M, T, C, config_.vocab_size, config_.type_vocab_size);
  be.layernorm_forward(a.emb_ln, a.emb_mean, a.emb_rstd, a.emb_sum, p_.embeddings_ln_weight, p_.embeddings_ln_bias,
                       eps, M, C);
  be.dropout_forward(a.emb_out, a.emb_ln, p_hidden, seed(0), MC);

  // Only the [CLS] rows of the last layer's output reach the head, so the last layer runs its
  // attention on all M rows (every token is a key and a value) and everything after it on the B
  // [CLS] rows alone: the same logits for a twelfth less arithmetic in BERT-base.
  const float* x = a.emb_out;  // the current layer's input [M, C]
  for (int l = 0; l < L; ++l) {
    const LayerActivations& la = a.layers[l];
    const LayerTensors& w = p_.layers[l];
    // self-attention; its dense output is dropped out and added to the input, then normalised
    be.matmul_forward(la.qkv, x, w.qkv_weight, w.qkv_bias, M, C, 3 * C);
    be.attention_forward(la.atty, la.att, la.qkv, a.attention_mask, a.starts, M, p_attention, seed(1 + 3 * l), B, T,
                         C, NH);
    const bool last = l == L - 1;
    const int R = last ? B : M;  // the rows from here on
    const float* atty = la.atty;
    const float* residual = x;
    if (last) {  // (the first B starts)
      be.gather_rows(a.cls_atty, la.atty, a.starts, B, C);
      be.gather_rows(a.cls_input, x, a.starts, B, C);
      atty = a.cls_atty;
      residual = a.cls_input;
    }
    be.matmul_forward(a.dense_out, atty, w.attn_out_weight, w.attn_out_bias, R, C, C);
    be.residual_layernorm_forward(la.ln1, la.res1, la.ln1_mean, la.ln1_rstd, a.dense_out, residual, w.attn_ln_weight,
                                  w.attn_ln_bias, p_attention_out, seed(2 + 3 * l), eps, R, C);
    // feed-forward, the same residual pattern
    be.matmul_forward(la.fch, la.ln1, w.ffn_in_weight, w.ffn_in_bias, R, C, I);
    be.gelu_forward(la.fch_gelu, la.fch, static_cast<std::size_t>(R) * I);
    be.matmul_forward(a.dense_out, la.fch_gelu, w.ffn_out_weight, w.ffn_out_bias, R, I, C);
    be.residual_layernorm_forward(la.ln2, la.res2, la.ln2_mean, la.ln2_rstd, a.dense_out, la.ln1, w.ffn_ln_weight,
                                  w.ffn_ln_bias, p_hidden, seed(3 + 3 * l), eps, R, C);
    x = la.ln2;
  }

  const float* cls = x;  // [B, C] the last layer's [CLS] rows
  const float* features = cls;
  if (head_ == Head::pooler) {  // the family's: BERT's pooler, RoBERTa's classifier.dense, DistilBERT's pre_classifier
    const float* dense_in = cls;
    if (config_.family == Family::roberta) {  // RobertaClassificationHead drops out its input too
      be.dropout_forward(a.head_dense_in, cls, p_head, seed(2 + 3 * L), static_cast<std::size_t>(B) * C);
      dense_in = a.head_dense_in;
    }
    be.matmul_forward(a.pooled_pre, dense_in, p_.pooler_weight, p_.pooler_bias, B, C, C);
    if (config_.family == Family::distilbert) {
      be.relu_forward(a.pooled, a.pooled_pre, static_cast<std::size_t>(B) * C);
    } else {
      be.tanh_forward(a.pooled, a.pooled_pre, static_cast<std::size_t>(B) * C);
    }
    features = a.pooled;
  }
  be.dropout_forward(a.head_in, features, p_head, seed(1 + 3 * L), static_cast<std::size_t>(B) * C);
  be.matmul_forward(a.logits, a.head_in, p_.classifier_weight, p_.classifier_bias, B, C, V);

  if (!pass.has_labels) return;
  switch (config_.task()) {
    case ProblemType::single_label_classification:
      be.crossentropy_forward(a.losses, a.probs, a.logits, a.labels, class_weights_, label_smoothing_, B, V);
      break;
    case ProblemType::multi_label_classification:
      be.bce_with_logits_forward(a.losses, a.probs, a.logits, a.targets, B, V);
      break;
    case ProblemType::regression:  // transformers squeezes [B,1] to [B]: the same mean
      be.mse_forward(a.losses, a.logits, a.targets, B, V);
      break;
  }
}

Output Bert::fetch_output(const Activations& acts) const {
  const Activations::Pass& pass = acts.pass;
  const ActivationBuffers& a = acts.buffers();
  Output out;
  out.logits.resize(static_cast<std::size_t>(pass.B) * config_.num_labels());
  backend_.download(out.logits.data(), a.logits, out.logits.size() * sizeof(float));
  if (pass.has_labels) out.loss = fetch_loss(acts);
  return out;
}

float Bert::fetch_loss(const Activations& acts) const {
  const Activations::Pass& pass = acts.pass;
  if (!pass.has_labels) throw std::logic_error("Bert::fetch_loss needs a pass with labels");
  std::vector<float> losses(pass.B);
  backend_.download(losses.data(), acts.buffers().losses, losses.size() * sizeof(float));
  return static_cast<float>(std::accumulate(losses.begin(), losses.end(), 0.0) / pass.B);
}

}  // namespace textclass::model
