// Bert::backward: the forward pass in reverse. Parameter gradients accumulate into grads(), except
// the linear layers' weight gradients on the first pass after zero_grad, which are overwritten;
// activation gradients pass through the d_* temporaries of Activations. Shapes as in
// bert_forward.cpp.
#include <stdexcept>

#include "textclass/model/bert.hpp"

namespace textclass::model {

void Bert::backward(Activations& acts) {
  const Activations::Pass& pass = acts.pass;
  if (!pass.dropout_seed || !pass.has_labels)
    throw std::logic_error("Bert::backward needs a training forward pass with labels");
  grads();  // makes the gradients on a model's first backward pass
  backend::Backend& be = backend_;
  const int B = pass.B, T = pass.T, M = pass.M, C = config_.hidden_size, I = config_.intermediate_size,
            NH = config_.num_attention_heads, V = config_.num_labels(), L = config_.num_hidden_layers;
  const std::size_t MC = static_cast<std::size_t>(M) * C, BC = static_cast<std::size_t>(B) * C;
  const float p_hidden = static_cast<float>(config_.hidden_dropout_prob);
  const float p_attention = static_cast<float>(config_.attention_probs_dropout_prob);
  const float p_attention_out = static_cast<float>(config_.attention_output_dropout_prob());
  const float p_head = static_cast<float>(config_.head_dropout_prob());
  auto seed = [&](int site) { return site_seed(*pass.dropout_seed, site); };
  const ActivationBuffers& a = acts.buffers();
  using backend::GradientWrite;
  const GradientWrite dweight_write =
      overwrite_weight_gradients_ ? GradientWrite::overwrite : GradientWrite::accumulate;
  overwrite_weight_gradients_ = false;

  // the head, down to the gradient of the [CLS] features
  switch (config_.task()) {
    case ProblemType::single_label_classification:
      be.crossentropy_backward(a.d_logits, a.probs, a.labels, class_weights_, label_smoothing_, B, V);
      break;
    case ProblemType::multi_label_classification:
      be.bce_with_logits_backward(a.d_logits, a.probs, a.targets, B, V);
      break;
    case ProblemType::regression:
      be.mse_backward(a.d_logits, a.logits, a.targets, B, V);
      break;
  }
  be.matmul_backward(a.d_head_a, g_.classifier_weight, g_.classifier_bias, a.d_logits, a.head_in,
                     p_.classifier_weight, B, C, V, dweight_write);
  be.dropout_backward(a.d_head_b, a.d_head_a, p_head, seed(1 + 3 * L), BC);
  const float* d_cls = a.d_head_b;
  if (head_ == Head::pooler) {
    if (config_.family == Family::distilbert) {
      be.relu_backward(a.d_head_a, a.pooled, a.d_head_b, BC);
    } else {
      be.tanh_backward(a.d_head_a, a.pooled, a.d_head_b, BC);
    }
    const bool roberta = config_.family == Family::roberta;
    be.matmul_backward(a.d_head_b, g_.pooler_weight, g_.pooler_bias, a.d_head_a, roberta ? a.head_dense_in : a.layers.back().ln2,
                       p_.pooler_weight, B, C, C, dweight_write);
    if (roberta) {
      be.dropout_backward(a.d_head_a, a.d_head_b, p_head, seed(2 + 3 * L), BC);
      d_cls = a.d_head_a;
    }
  }

  // The gradient of each layer's output on the way down comes in two shares (the block's and the
  // residual connection's), added where they are read: d_out + d_out2 (d_out2 null at the top). In
  // each layer the buffers play the same parts, so that no op writes what it reads. The last layer
  // ran on the B [CLS] rows after its attention (bert_forward.cpp): there its gradients have B rows
  // and two buffers swap parts, then the gradients are spread to the M rows (zero in the others).
  const float* d_out = d_cls;
  const float* d_out2 = nullptr;
  for (int l = L - 1; l >= 0; --l) {
    const LayerActivations& la = a.layers[l];
    const LayerTensors& w = p_.layers[l];
    const LayerTensors& gw = g_.layers[l];
    const float* x = l == 0 ? a.emb_out : a.layers[l - 1].ln2;
    const bool last = l == L - 1;
    const int R = last ? B : M;
    float* const d_res2 = last ? a.d_a : a.d_b;  // d res2, also the residual's share of d ln1
    float* const d_res1 = last ? a.d_b : a.d_a;  // d res1, also the residual's share of d x
    // feed-forward block: d_d is d res2's dropout's, the output dense layer's output gradient, whose
    // column sums (its bias gradient) the same op adds
    be.residual_layernorm_backward(d_res2, a.d_d, gw.ffn_ln_weight, gw.ffn_ln_bias, gw.ffn_out_bias, d_out, d_out2,
                                   la.res2, w.ffn_ln_weight, la.ln2_mean, la.ln2_rstd, p_hidden, seed(3 + 3 * l), R, C);
    be.matmul_backward(a.d_fch_gelu, gw.ffn_out_weight, nullptr, a.d_d, la.fch_gelu, w.ffn_out_weight, R, I, C,
                       dweight_write);
    // (and the input dense layer's bias gradient, the column sums of d_fch)
    be.gelu_backward_sums(a.d_fch, gw.ffn_in_bias, la.fch, a.d_fch_gelu, R, I);
    be.matmul_backward(a.d_c, gw.ffn_in_weight, nullptr, a.d_fch, la.ln1, w.ffn_in_weight, R, C, I, dweight_write);
    // attention block, from d ln1 = d_c + d_res2: d_d is d res1's dropout's (and the attention's
    // dense layer's bias gradient, as above)
    be.residual_layernorm_backward(d_res1, a.d_d, gw.attn_ln_weight, gw.attn_ln_bias, gw.attn_out_bias, a.d_c, d_res2,
                                   la.res1, w.attn_ln_weight, la.ln1_mean, la.ln1_rstd, p_attention_out,
                                   seed(2 + 3 * l), R, C);
    float* d_atty = last ? a.d_c : a.d_b;
    be.matmul_backward(d_atty, gw.attn_out_weight, nullptr, a.d_d, last ? a.cls_atty : la.atty, w.attn_out_weight, R,
                       C, C, dweight_write);
    if (last) {  // to the M rows: d atty in d_d, d res1 in d_a, where the other layers have it
      be.gather_rows(a.d_d, d_atty, a.cls_of_row, M, C);
      be.gather_rows(a.d_a, d_res1, a.cls_of_row, M, C);
      d_atty = a.d_d;
    }
    be.attention_backward(a.d_qkv, d_atty, la.atty, la.att, a.attention_mask, a.starts, M, p_attention,
                          seed(1 + 3 * l), B, T, C, NH);
    be.matmul_backward(a.d_c, gw.qkv_weight, gw.qkv_bias, a.d_qkv, x, w.qkv_weight, M, C, 3 * C, dweight_write);
    d_out = a.d_c;  // d x = d_c + d_a
    d_out2 = a.d_a;
  }

  // the embeddings, from d emb_out = d_out + d_out2
  if (d_out2 != nullptr) {
    be.add(a.d_b, d_out, d_out2, MC);
    d_out = a.d_b;
  }
  be.dropout_backward(a.d_d, d_out, p_hidden, seed(0), MC);
  be.layernorm_backward(a.d_c, g_.embeddings_ln_weight, g_.embeddings_ln_bias, a.d_d, a.emb_sum,
                        p_.embeddings_ln_weight, a.emb_mean, a.emb_rstd, M, C);
  be.embeddings_backward(g_.word_embeddings,
                         g_.position_embeddings + static_cast<std::size_t>(config_.position_offset()) * C,
                         g_.token_type_embeddings, a.d_c, a.input_ids, a.token_type_ids, a.token_rows, M, T, C,
                         config_.vocab_size, config_.type_vocab_size);
  // torch's Embedding(padding_idx=pad_token_id), as HF builds it, never updates the padding row
  be.fill(g_.word_embeddings + static_cast<std::size_t>(config_.pad_token_id) * C, 0.0f, C);
}

}  // namespace textclass::model
