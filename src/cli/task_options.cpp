#include "cli/task_options.hpp"

#include <fstream>
#include <sstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "textclass/error.hpp"

namespace textclass::cli {

std::optional<data::LabelKind> label_kind_for(std::optional<model::ProblemType> task) {
  if (!task) return std::nullopt;
  switch (*task) {
    case model::ProblemType::multi_label_classification: return data::LabelKind::class_sets;
    case model::ProblemType::regression: return data::LabelKind::values;
    default: return data::LabelKind::classes;
  }
}

model::ProblemType task_of(const data::Dataset& dataset) {
  switch (dataset.label_kind) {
    case data::LabelKind::class_sets: return model::ProblemType::multi_label_classification;
    case data::LabelKind::values: return model::ProblemType::regression;
    default: return model::ProblemType::single_label_classification;
  }
}

std::optional<model::ProblemType> training_task(const std::string& asked, std::optional<model::ProblemType> checkpoint,
                                                const std::string& model_dir) {
  if (asked.empty()) return checkpoint;
  const std::optional<model::ProblemType> task = model::problem_type_from_name(asked);
  if (!task) throw Error("--problem-type " + asked + ": not a problem type");
  if (checkpoint && *checkpoint != *task)
    throw Error(fmt::format("{}: a {} model (config.json's problem_type) cannot train for --problem-type {}", model_dir,
                            model::problem_type_name(*checkpoint), asked));
  return task;
}

std::vector<std::vector<int>> classes_above(const std::vector<std::vector<float>>& probs, float threshold) {
  std::vector<std::vector<int>> rows;
  rows.reserve(probs.size());
  for (const std::vector<float>& row : probs) {
    rows.emplace_back();
    for (std::size_t c = 0; c < row.size(); ++c)
      if (row[c] > threshold) rows.back().push_back(static_cast<int>(c));
  }
  return rows;
}

void set_targets(data::TokenRows& rows, const data::Dataset& dataset) {
  rows.targets = data::label_targets(dataset);
  rows.target_width = dataset.label_kind == data::LabelKind::values ? 1 : dataset.class_names.size();
  if (dataset.label_kind != data::LabelKind::classes) rows.labels.clear();
}

std::vector<float> class_weights(const std::string& option, const data::Dataset& train) {
  if (option.empty()) return {};
  if (train.label_kind != data::LabelKind::classes)
    throw Error("--class-weights is for single_label_classification (one class per row)");
  const std::vector<std::string>& classes = train.class_names;
  std::vector<float> weights(classes.size());
  if (option == "balanced") {
    std::vector<std::size_t> rows(classes.size(), 0);
    for (int label : train.labels) ++rows[static_cast<std::size_t>(label)];
    for (std::size_t c = 0; c < classes.size(); ++c) {
      if (rows[c] == 0)
        throw Error(fmt::format("{}: class '{}' has no training rows, so 'balanced' cannot weigh it", train.source,
                                classes[c]));
      weights[c] = static_cast<float>(static_cast<double>(train.labels.size()) /
                                      (static_cast<double>(classes.size()) * static_cast<double>(rows[c])));
    }
    return weights;
  }
  std::ifstream in(option);
  if (!in) throw Error(option + ": cannot read the class weights (\"balanced\" or a JSON file)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error&) {
    throw Error(option + ": not valid JSON; expected {\"class name\": weight, ...}");
  }
  if (!j.is_object()) throw Error(option + ": expected a JSON object {\"class name\": weight, ...}");
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const auto found = j.find(classes[c]);
    if (found == j.end()) throw Error(fmt::format("{}: no weight for class '{}'", option, classes[c]));
    if (!found->is_number() || !(found->get<double>() > 0.0))
      throw Error(fmt::format("{}: the weight of class '{}' is not a positive number: {}", option, classes[c],
                              found->dump()));
    weights[c] = found->get<float>();
  }
  for (const auto& [name, value] : j.items())
    if (std::find(classes.begin(), classes.end(), name) == classes.end())
      throw Error(fmt::format("{}: '{}' is not one of the classes", option, name));
  return weights;
}

}  // namespace textclass::cli
