#pragma once
// The two classification heads a Bert can carry on top of the encoder.
#include <optional>
#include <string>

namespace textclass::model {

enum class Head {
  // The notebook's head (the default): dropout + linear on [CLS]'s last hidden state, no pooler.
  // A checkpoint's pooler is kept, untrained, so that saving gives back what was loaded.
  cls_linear,
  // HF BertForSequenceClassification's head: pooler (dense + tanh) on [CLS], dropout, linear.
  pooler,
};

// "cls_linear" and "pooler": the names used in config.json and on the command line.
inline const char* head_name(Head head) { return head == Head::pooler ? "pooler" : "cls_linear"; }
inline std::optional<Head> head_from_name(const std::string& name) {
  if (name == "cls_linear") return Head::cls_linear;
  if (name == "pooler") return Head::pooler;
  return std::nullopt;
}

}  // namespace textclass::model
