#pragma once
// A dataset's labels in a model's class order. Datasets name their classes (a classes file) or
// number them ("0", "1", ...); a model knows its classes by name (config.json's id2label).
#include <string>
#include <vector>

#include "textclass/data/dataset.hpp"

namespace textclass::train {

// The dataset's labels as indices into model_classes: by name when the dataset's class names are
// all among the model's, else by number when the dataset's classes are the numbers 0..n-1 and
// n is at most the model's count. Anything else throws Error naming the classes that differ.
std::vector<int> align_labels(const data::Dataset& dataset, const std::vector<std::string>& model_classes);

}  // namespace textclass::train
