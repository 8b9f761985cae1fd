#include "textclass/train/label_alignment.hpp"

#include <algorithm>

#include "textclass/error.hpp"

namespace textclass::train {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

bool numbered(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] != std::to_string(i)) return false;
  return true;
}

}  // namespace

std::vector<int> align_labels(const data::Dataset& dataset, const std::vector<std::string>& model_classes) {
  std::vector<int> to_model(dataset.class_names.size(), -1);
  for (std::size_t c = 0; c < dataset.class_names.size(); ++c) {
    const auto found = std::find(model_classes.begin(), model_classes.end(), dataset.class_names[c]);
    if (found != model_classes.end()) to_model[c] = static_cast<int>(found - model_classes.begin());
  }
  const bool by_name = std::find(to_model.begin(), to_model.end(), -1) == to_model.end();
  if (!by_name) {
    if (!numbered(dataset.class_names) || dataset.class_names.size() > model_classes.size())
      throw Error(dataset.source + ": classes " + joined(dataset.class_names) + " are not the model's (" +
                  joined(model_classes) + "); give --classes with the model's class names");
    for (std::size_t c = 0; c < to_model.size(); ++c) to_model[c] = static_cast<int>(c);
  }
  std::vector<int> labels;
  labels.reserve(dataset.labels.size());
  for (int label : dataset.labels) labels.push_back(to_model[static_cast<std::size_t>(label)]);
  return labels;
}

}  // namespace textclass::train
