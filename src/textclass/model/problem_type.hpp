#pragma once
// The task a classifier's head is trained for, as transformers' config.json `problem_type` names it;
// each has its loss (BertForSequenceClassification's): softmax cross-entropy for one label per
// text, BCE with logits for any number of labels (a 0/1 target per class), MSE for a number.
#include <optional>
#include <string>

namespace textclass::model {

enum class ProblemType { single_label_classification, multi_label_classification, regression };

inline const char* problem_type_name(ProblemType type) {
  switch (type) {
    case ProblemType::multi_label_classification: return "multi_label_classification";
    case ProblemType::regression: return "regression";
    default: return "single_label_classification";
  }
}
inline std::optional<ProblemType> problem_type_from_name(const std::string& name) {
  for (ProblemType type : {ProblemType::single_label_classification, ProblemType::multi_label_classification,
                           ProblemType::regression})
    if (name == problem_type_name(type)) return type;
  return std::nullopt;
}

}  // namespace textclass::model
