#pragma once
// The model families the engine runs: BERT and the encoders that differ from it only in their
// embeddings, their tensor names and their classification head (DESIGN.md: "a family is small").
// The encoder's ops are the same for all of them; a family is config.json's model_type, the names
// below, and a few switches that BertConfig answers (position offset, token types, the head).
#include <optional>
#include <string>

namespace textclass::model {

enum class Family {
  bert,        // BertForSequenceClassification
  roberta,     // RobertaForSequenceClassification: positions after padding_idx, one token type,
               // head dropout -> dense -> tanh -> dropout -> out_proj
  distilbert,  // DistilBertForSequenceClassification: no token types, no dropout after the
               // attention's output layer, head pre_classifier -> ReLU -> dropout -> classifier
};

// config.json's model_type of each family, and back (nullopt for a model_type we do not run).
const char* model_type(Family family);
std::optional<Family> family_from_model_type(const std::string& model_type);
// "\"bert\", \"roberta\", \"distilbert\"": for the error that refuses any other model_type.
std::string supported_model_types();

// The names transformers gives one encoder layer's tensors in this family.
struct LayerNames {
  std::string query_weight, query_bias, key_weight, key_bias, value_weight, value_bias;
  std::string attn_out_weight, attn_out_bias, attn_ln_weight, attn_ln_bias;
  std::string ffn_in_weight, ffn_in_bias, ffn_out_weight, ffn_out_bias, ffn_ln_weight, ffn_ln_bias;
};

// The names of a family's tensors in its ...ForSequenceClassification checkpoint.
struct TensorNames {
  Family family;
  std::string prefix;  // the encoder's: "bert.", "roberta.", "distilbert."
  std::string word_embeddings, position_embeddings;
  std::string token_type_embeddings;  // empty: the family has none (DistilBERT)
  std::string embeddings_ln_weight, embeddings_ln_bias;
  // The head's dense layer before the classifier: BERT's pooler, RoBERTa's classifier.dense,
  // DistilBERT's pre_classifier.
  std::string head_dense_weight, head_dense_bias;
  std::string classifier_weight, classifier_bias;

  LayerNames layer(int l) const;
};

const TensorNames& tensor_names(Family family);

}  // namespace textclass::model
