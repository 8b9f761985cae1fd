#pragma once
// The architecture of a BERT-family encoder and its classifier, read from a HuggingFace config.json.
// Defaults are HF's config class's for the family (BertConfig's: bert-base; RobertaConfig's;
// DistilBertConfig's, whose own field names, dim, n_layers, ..., map onto these), used where a field
// is absent, as HF does.
#include <optional>
#include <string>
#include <vector>

#include "textclass/model/family.hpp"
#include "textclass/model/head.hpp"
#include "textclass/model/problem_type.hpp"

namespace textclass::model {

struct BertConfig {
  Family family = Family::bert;            // config.json's model_type
  int vocab_size = 30522;
  int hidden_size = 768;                   // C
  int num_hidden_layers = 12;
  int num_attention_heads = 12;            // NH
  int intermediate_size = 3072;            // the feed-forward width
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  int max_position_embeddings = 512;
  int type_vocab_size = 2;                 // 1 for DistilBERT, which has no table: every token is type 0
  int pad_token_id = 0;                    // its embedding row never gets a gradient (torch's padding_idx)
  std::optional<int> bos_token_id, eos_token_id;  // kept to be written back (RoBERTa's config has them)
  double layer_norm_eps = 1e-12;
  double initializer_range = 0.02;         // std of the normal init of new linear layers
  std::optional<double> classifier_dropout;  // absent: hidden_dropout_prob, as HF
  std::vector<std::string> labels;         // id2label in id order; HF's default is two labels
  // The head config.json says the model has: Head::cls_linear for kNotebookHeadModelType
  // (notebook_head_code.hpp), or what "textclass_head" says (older textclass checkpoints); unset
  // for "bert", whose classifier, if any, is transformers' (Head::pooler).
  std::optional<Head> head;
  // config.json's problem_type; unset (absent or null), transformers decides by the labels it is
  // given, which here means task().
  std::optional<ProblemType> problem_type;

  int num_labels() const { return static_cast<int>(labels.size()); }
  // The task the model's loss and outputs follow: problem_type, or without one what transformers
  // infers from integer labels: regression for one label, single-label classification for more.
  ProblemType task() const {
    if (problem_type) return *problem_type;
    return num_labels() == 1 ? ProblemType::regression : ProblemType::single_label_classification;
  }
  double head_dropout_prob() const { return classifier_dropout.value_or(hidden_dropout_prob); }
  // DistilBERT drops out the feed-forward output only, not the attention's output layer.
  double attention_output_dropout_prob() const { return family == Family::distilbert ? 0.0 : hidden_dropout_prob; }
  // The position of a row's first token: RoBERTa counts positions from padding_idx + 1
  // (transformers' create_position_ids_from_input_ids), the others from 0. transformers counts the
  // ids that are not padding_idx; the model counts the mask's tokens, the same for every row a
  // tokenizer makes (padding at the end, and padding_idx nowhere else).
  int position_offset() const { return family == Family::roberta ? pad_token_id + 1 : 0; }
  int max_tokens() const { return max_position_embeddings - position_offset(); }
  bool has_token_types() const { return family != Family::distilbert; }
};

// Reads config.json, refusing architectures this engine does not implement (hidden_act other than
// gelu, relative position embeddings, decoders, cross-attention, sinusoidal DistilBERT positions,
// model types other than "bert", "roberta", "distilbert" and the notebook head's).
BertConfig load_config(const std::string& path);

// Writes config.json in HF's form, so HF can load what we save: the family's
// ...ForSequenceClassification config for Head::pooler (or no head), in the family's own field
// names, and the notebook head's custom-code entries for Head::cls_linear (BERT only).
void save_config(const BertConfig& config, const std::string& path);

}  // namespace textclass::model
