#pragma once
// BERT-family models for sequence classification (family.hpp: BERT, RoBERTa, DistilBERT):
// embeddings, post-LN encoder layers, and one of two heads (head.hpp), with its forward and backward passes written out over the backend's ops, as llm.c
// does for GPT-2. Parameters and gradients (made when training needs them) are each one device
// allocation laid out by ParameterTable; the activations live in a separate Activations object, so forward is const.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/activations.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/model/bert_tensors.hpp"
#include "textclass/model/head.hpp"
#include "textclass/model/parameter_table.hpp"

namespace textclass::model {

// One padded batch in host memory, row-major.
struct Inputs {
  int B = 0;                                // rows
  int T = 0;                                // tokens per row
  std::span<const int32_t> input_ids;       // [B, T]
  std::span<const int32_t> token_type_ids;  // [B, T]
  std::span<const int32_t> attention_mask;  // [B, T]: 1 token, 0 padding
  std::span<const int32_t> labels;          // [B] single-label classes, or empty
  std::span<const float> targets;           // [B, V] multi-label 0/1 indicators or regression values, or empty
  // What the loss reads: labels for single-label classification, targets for the other tasks;
  // neither when predicting.
  bool has_labels() const { return !labels.empty() || !targets.empty(); }
};

// The single-label loss's options, as a training run sets them: class weights (torch's
// CrossEntropyLoss weight; empty for none) and label smoothing (HF's label_smoothing_factor).
struct LossOptions {
  std::vector<float> class_weights;  // [V] or empty
  float label_smoothing = 0.0f;
};

struct Output {
  std::vector<float> logits;  // [B, V]
  std::optional<float> loss;  // the task's mean loss over the batch, when labels were given
};

class Bert {
 public:
  // Parameters start at zero; load_weights (checkpoint.hpp) fills them. with_pooler keeps a
  // pooler under Head::cls_linear (a checkpoint's, carried untrained); Head::pooler always has one
  // (the family's head dense layer). Head::cls_linear is BERT's only (an Error for other families).
  Bert(backend::Backend& backend, BertConfig config, Head head, bool with_pooler);
  ~Bert();
  Bert(const Bert&) = delete;
  Bert& operator=(const Bert&) = delete;

  const BertConfig& config() const { return config_; }
  Head head() const { return head_; }
  backend::Backend& backend() const { return backend_; }
  const ParameterTable& table() const { return table_; }
  // The single-label loss's class weights and label smoothing (none by default); Error for weights
  // that are not one positive number per class or a smoothing outside [0, 1).
  void set_loss_options(const LossOptions& options);

  float* params() { return params_; }  // device, table().total_floats() each
  const float* params() const { return params_; }
  // Gradients, table().total_floats() of device memory, allocated (as zeros) on first use: by
  // this, zero_grad or backward. A model that only predicts holds none.
  float* grads();

  // Gradients to zero, as far as anyone can tell after the next backward pass: that pass overwrites
  // the linear layers' weight gradients (Backend::GradientWrite::overwrite), so only the rest is
  // cleared here (the embeddings', biases' and LayerNorms', which ops add to). Until that pass the
  // weight gradients still hold the last step's: read grads() only after a backward pass.
  void zero_grad();

  // Logits for a batch, and the mean loss when it has labels. With a dropout_seed this is a
  // training pass: dropout is drawn from that seed (pass a new one each step) and acts keeps
  // what backward needs; without one, dropout is off (evaluation and prediction).
  Output forward(Activations& acts, const Inputs& inputs, std::optional<uint64_t> dropout_seed = std::nullopt) const;

  // A training step's passes: forward (dropout from dropout_seed), then backward (as below), then
  // the download of the mean loss alone. Queuing both passes before that download lets the host run
  // ahead of a GPU instead of waiting for the forward pass. inputs must have labels.
  float forward_backward(Activations& acts, const Inputs& inputs, uint64_t dropout_seed);

  // Adds the gradient of the last training pass's mean loss to grads() (acts must hold a
  // training forward pass with labels). Parameters that are not trainable get nothing.
  void backward(Activations& acts);

 private:
  void check_inputs(const Inputs& inputs) const;
  // forward() in its three parts: stage lays acts out for the batch and uploads it, forward_ops
  // issues the ops, fetch_output downloads logits and loss (fetch_loss only the loss).
  void stage(Activations& acts, const Inputs& inputs, std::optional<uint64_t> dropout_seed) const;
  void forward_ops(Activations& acts) const;
  Output fetch_output(const Activations& acts) const;
  float fetch_loss(const Activations& acts) const;
  // Every dropout draws its mask from its own seed. Sites, in order: the embeddings; per layer
  // l the attention probabilities (1 + 3l), attention output (2 + 3l) and feed-forward output
  // (3 + 3l); last the head's classifier input (1 + 3L) and RoBERTa's head dense input (2 + 3L).
  static uint64_t site_seed(uint64_t step_seed, int site);

  // The runs of grads_ that zero_grad clears: every gradient but the linear layers' weights, each
  // run across the alignment gaps between its tensors (zeros from the allocation on, never written).
  struct Run {
    std::size_t offset = 0, count = 0;
  };
  std::vector<Run> accumulated_runs() const;

  backend::Backend& backend_;
  BertConfig config_;
  Head head_;
  ParameterTable table_;
  float* params_ = nullptr;
  float* grads_ = nullptr;
  BertTensors p_;  // typed views of params_
  BertTensors g_;  // the same views of grads_
  // A family without token types (DistilBERT) runs the embeddings op with a table of one row of
  // zeros, not a parameter, and every token of type 0: [0, C) the row, [C, 2C) where its gradient
  // goes, never read.
  float* zero_type_table_ = nullptr;
  std::vector<Run> zeroed_runs_;  // accumulated_runs(), made with grads_
  bool overwrite_weight_gradients_ = false;
  float label_smoothing_ = 0.0f;
  float* class_weights_ = nullptr;  // device, [V], or null for none  // zero_grad sets it, backward clears it
};

}  // namespace textclass::model
