#pragma once
// The task a command runs (transformers' problem_type) and what it means for the data: how labels
// are read, the float targets the model reads, and train's loss options (--class-weights).
#include <optional>
#include <string>
#include <vector>

#include "textclass/data/batcher.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/model/problem_type.hpp"

namespace textclass::cli {

// How to read labels for a task: class sets (multi-label), values (regression), one class per row;
// no task yet: the data decides (data::DatasetSpec::label_kind).
std::optional<data::LabelKind> label_kind_for(std::optional<model::ProblemType> task);

// The task of data read without one: multi-label for class sets, regression for values.
model::ProblemType task_of(const data::Dataset& dataset);

// The task to train: --problem-type (empty: none asked for), else the checkpoint's own
// problem_type (config.json), else none (the training data decides). Both given and different is
// an Error naming both.
std::optional<model::ProblemType> training_task(const std::string& asked, std::optional<model::ProblemType> checkpoint,
                                                const std::string& model_dir);

// The classes of each row whose score (a multi-label model's sigmoid) is above threshold.
std::vector<std::vector<int>> classes_above(const std::vector<std::vector<float>>& probs, float threshold);

// --threshold's help and check, shared by evaluate and predict.
inline const char* kThresholdHelp =
    "multi-label: a class is predicted where its probability (sigmoid) is above this";

// The rows' float targets from the dataset's labels (data::label_targets), for multi-label and
// regression; single-label rows keep their class indices.
void set_targets(data::TokenRows& rows, const data::Dataset& dataset);

// --class-weights: "balanced" (sklearn's compute_class_weight: rows / (classes · rows of the
// class)) from the training labels, or FILE, a JSON object {"class name": weight, ...} naming
// every class; empty: none. Error for a class without rows (balanced) or a bad file.
std::vector<float> class_weights(const std::string& option, const data::Dataset& train);

}  // namespace textclass::cli
