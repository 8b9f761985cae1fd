#include "textclass/model/family.hpp"

#include <array>

namespace textclass::model {

namespace {

constexpr std::array<Family, 3> kFamilies = {Family::bert, Family::roberta, Family::distilbert};

TensorNames make_names(Family family) {
  if (family == Family::distilbert) {
    const std::string e = "distilbert.embeddings.";
    return {family, "distilbert.", e + "word_embeddings.weight", e + "position_embeddings.weight", "",
            e + "LayerNorm.weight", e + "LayerNorm.bias", "pre_classifier.weight", "pre_classifier.bias",
            "classifier.weight", "classifier.bias"};
  }
  const std::string prefix = family == Family::roberta ? "roberta." : "bert.";
  const std::string e = prefix + "embeddings.";
  const std::string dense = family == Family::roberta ? "classifier.dense." : "bert.pooler.dense.";
  const std::string classifier = family == Family::roberta ? "classifier.out_proj." : "classifier.";
  return {family, prefix, e + "word_embeddings.weight", e + "position_embeddings.weight",
          e + "token_type_embeddings.weight", e + "LayerNorm.weight", e + "LayerNorm.bias", dense + "weight",
          dense + "bias", classifier + "weight", classifier + "bias"};
}

}  // namespace

const char* model_type(Family family) {
  switch (family) {
    case Family::roberta: return "roberta";
    case Family::distilbert: return "distilbert";
    case Family::bert: break;
  }
  return "bert";
}

std::optional<Family> family_from_model_type(const std::string& type) {
  for (Family family : kFamilies)
    if (type == model_type(family)) return family;
  return std::nullopt;
}

std::string supported_model_types() {
  std::string list;
  for (Family family : kFamilies) list += std::string(list.empty() ? "" : ", ") + "\"" + model_type(family) + "\"";
  return list;
}

LayerNames TensorNames::layer(int l) const {
  if (family == Family::distilbert) {
    const std::string p = "distilbert.transformer.layer." + std::to_string(l) + ".";
    const std::string a = p + "attention.";
    return {a + "q_lin.weight", a + "q_lin.bias", a + "k_lin.weight", a + "k_lin.bias", a + "v_lin.weight",
            a + "v_lin.bias", a + "out_lin.weight", a + "out_lin.bias", p + "sa_layer_norm.weight",
            p + "sa_layer_norm.bias", p + "ffn.lin1.weight", p + "ffn.lin1.bias", p + "ffn.lin2.weight",
            p + "ffn.lin2.bias", p + "output_layer_norm.weight", p + "output_layer_norm.bias"};
  }
  const std::string p = prefix + "encoder.layer." + std::to_string(l) + ".";
  const std::string s = p + "attention.self.";
  return {s + "query.weight", s + "query.bias", s + "key.weight", s + "key.bias", s + "value.weight",
          s + "value.bias", p + "attention.output.dense.weight", p + "attention.output.dense.bias",
          p + "attention.output.LayerNorm.weight", p + "attention.output.LayerNorm.bias",
          p + "intermediate.dense.weight", p + "intermediate.dense.bias", p + "output.dense.weight",
          p + "output.dense.bias", p + "output.LayerNorm.weight", p + "output.LayerNorm.bias"};
}

const TensorNames& tensor_names(Family family) {
  static const std::array<TensorNames, 3> names = {make_names(Family::bert), make_names(Family::roberta),
                                                   make_names(Family::distilbert)};
  return names[static_cast<int>(family)];
}

}  // namespace textclass::model
