#include "textclass/model/bert.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "textclass/error.hpp"

namespace textclass::model {

Bert::Bert(backend::Backend& backend, BertConfig config, Head head, bool with_pooler)
    : backend_(backend), config_(std::move(config)), head_(head), table_(config_, head, with_pooler) {
  if (head_ == Head::cls_linear && config_.family != Family::bert)
    throw Error(std::string("the notebook's head (cls_linear) is BERT's only; ") + model_type(config_.family) +
                " models run transformers' head (pooler)");
  params_ = backend_.alloc(table_.total_floats());
  // zeros everywhere, the alignment gaps included, so the optimizer may sweep across them
  backend_.fill(params_, 0.0f, table_.total_floats());
  p_ = resolve_tensors(table_, config_, params_);
  if (!config_.has_token_types()) {
    zero_type_table_ = backend_.alloc(2 * static_cast<std::size_t>(config_.hidden_size));
    backend_.fill(zero_type_table_, 0.0f, 2 * static_cast<std::size_t>(config_.hidden_size));
    p_.token_type_embeddings = zero_type_table_;
  }
}

Bert::~Bert() {
  backend_.free(params_);
  backend_.free(grads_);
  backend_.free(zero_type_table_);
  backend_.free(class_weights_);
}

void Bert::set_loss_options(const LossOptions& options) {
  if (!(options.label_smoothing >= 0.0f && options.label_smoothing < 1.0f))
    throw Error("label smoothing " + std::to_string(options.label_smoothing) + " is outside [0, 1)");
  if (!options.class_weights.empty()) {
    if (static_cast<int>(options.class_weights.size()) != config_.num_labels())
      throw Error(std::to_string(options.class_weights.size()) + " class weights for a model of " +
                  std::to_string(config_.num_labels()) + " classes");
    for (float w : options.class_weights)
      if (!(w > 0.0f) || !std::isfinite(w)) throw Error("class weight " + std::to_string(w) + " is not a positive number");
  }
  if ((!options.class_weights.empty() || options.label_smoothing != 0.0f) &&
      config_.task() != ProblemType::single_label_classification)
    throw Error(std::string("class weights and label smoothing are for single_label_classification, not ") +
                problem_type_name(config_.task()));
  label_smoothing_ = options.label_smoothing;
  backend_.free(class_weights_);
  class_weights_ = nullptr;
  if (!options.class_weights.empty()) {
    class_weights_ = backend_.alloc(options.class_weights.size());
    backend_.upload(class_weights_, options.class_weights.data(), options.class_weights.size() * sizeof(float));
  }
}

float* Bert::grads() {
  if (grads_ == nullptr) {
    grads_ = backend_.alloc(table_.total_floats());
    backend_.fill(grads_, 0.0f, table_.total_floats());
    g_ = resolve_tensors(table_, config_, grads_);
    if (zero_type_table_ != nullptr) g_.token_type_embeddings = zero_type_table_ + config_.hidden_size;
    zeroed_runs_ = accumulated_runs();
  }
  return grads_;
}

void Bert::zero_grad() {
  grads();
  for (const Run& run : zeroed_runs_) backend_.fill(grads_ + run.offset, 0.0f, run.count);
  overwrite_weight_gradients_ = true;
}

std::vector<Bert::Run> Bert::accumulated_runs() const {
  // the weight gradients that backward's products write (matmul_backward's dweight): each layer's
  // four, the head's; as [first, end) in floats of grads_
  const std::size_t C = config_.hidden_size, I = config_.intermediate_size, V = config_.num_labels();
  std::vector<std::pair<const float*, std::size_t>> overwritten;
  for (const LayerTensors& layer : g_.layers) {
    overwritten.emplace_back(layer.qkv_weight, 3 * C * C);  // query, key and value
    overwritten.emplace_back(layer.attn_out_weight, C * C);
    overwritten.emplace_back(layer.ffn_in_weight, I * C);
    overwritten.emplace_back(layer.ffn_out_weight, C * I);
  }
  overwritten.emplace_back(g_.classifier_weight, V * C);
  if (head_ == Head::pooler) overwritten.emplace_back(g_.pooler_weight, C * C);
  auto is_overwritten = [&](const ParameterView& view) {
    const float* first = grads_ + view.offset;
    return std::any_of(overwritten.begin(), overwritten.end(), [&](const auto& weight) {
      return first >= weight.first && first + view.numel <= weight.first + weight.second;
    });
  };

  std::vector<ParameterView> views = table_.views();
  std::sort(views.begin(), views.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  std::vector<Run> runs;
  bool open = false;  // whether the last run may grow: no overwritten tensor since its start
  for (const ParameterView& view : views) {
    if (is_overwritten(view)) {
      open = false;
    } else if (open) {
      runs.back().count = view.offset + view.numel - runs.back().offset;
    } else {
      runs.push_back({view.offset, view.numel});
      open = true;
    }
  }
  return runs;
}

uint64_t Bert::site_seed(uint64_t step_seed, int site) {
  // splitmix64's finaliser, so neighbouring sites get unrelated streams rather than shifted copies
  uint64_t z = step_seed + static_cast<uint64_t>(site + 1) * 0xD1B54A32D192ED03ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Bert::check_inputs(const Inputs& in) const {
  if (in.B <= 0 || in.T <= 0) throw std::invalid_argument("Bert: empty batch");
  std::size_t n = static_cast<std::size_t>(in.B) * in.T;
  if (in.input_ids.size() != n || in.token_type_ids.size() != n || in.attention_mask.size() != n ||
      (!in.labels.empty() && in.labels.size() != static_cast<std::size_t>(in.B)))
    throw std::invalid_argument("Bert: input sizes do not match B x T");
  // The kernels index tables with these values, so they are checked here, where the message can
  // say what is wrong (typically a tokenizer that does not belong to the model).
  if (in.T > config_.max_tokens())
    throw Error("a batch of " + std::to_string(in.T) + " tokens per row exceeds the model's " +
                std::to_string(config_.max_tokens()) + " positions (max_position_embeddings " +
                std::to_string(config_.max_position_embeddings) +
                (config_.position_offset() > 0 ? " from padding_idx + 1)" : ")"));
  auto where = [&](std::size_t i) { return " at row " + std::to_string(i / in.T) + ", position " + std::to_string(i % in.T); };
  for (std::size_t i = 0; i < n; ++i) {
    if (in.input_ids[i] < 0 || in.input_ids[i] >= config_.vocab_size)
      throw Error("token id " + std::to_string(in.input_ids[i]) + where(i) + " is outside the model's vocabulary of " +
                  std::to_string(config_.vocab_size));
    if (config_.has_token_types() && (in.token_type_ids[i] < 0 || in.token_type_ids[i] >= config_.type_vocab_size))
      throw Error("token type " + std::to_string(in.token_type_ids[i]) + where(i) + " is outside the model's " +
                  std::to_string(config_.type_vocab_size) + " token types");
  }
  const bool single_label = config_.task() == ProblemType::single_label_classification;
  if (!in.labels.empty() && !single_label)
    throw std::invalid_argument(std::string("Bert: class labels for a ") + problem_type_name(config_.task()) + " model");
  if (!in.targets.empty() && (single_label || in.targets.size() != static_cast<std::size_t>(in.B) * config_.num_labels()))
    throw std::invalid_argument("Bert: targets for a single-label model or not B x num_labels of them");
  for (std::size_t b = 0; b < in.labels.size(); ++b)
    if (in.labels[b] < 0 || in.labels[b] >= config_.num_labels())
      throw Error("label " + std::to_string(in.labels[b]) + " of row " + std::to_string(b) + " is outside the model's " +
                  std::to_string(config_.num_labels()) + " classes");
}

}  // namespace textclass::model
