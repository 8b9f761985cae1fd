#pragma once
// The data options every subcommand shares, declared once so that scripts can swap commands:
// inputs (--train, --validation, --data: paths or URLs), how to read them (--format, --classes,
// --text-columns, --text-pair-column, --label-column, --cache-dir), how to split (--split, --train-fraction, --seed)
// and where results go (--output). The defaults live in data::DatasetSpec and data::SplitOptions.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "textclass/data/dataset.hpp"
#include "textclass/data/split.hpp"

namespace textclass::cli {

struct DataOptions {
  std::string train;       // training rows
  std::string validation;  // validation rows; without it, training splits --train
  std::string data;        // rows to evaluate or predict
  data::DatasetSpec read;  // everything but the path: format, classes, columns, cache folder
  data::SplitOptions split;
  std::string output = "output";
};

// The groups a command asks for; the reading options (--format, --classes, --text-columns,
// --label-column, --cache-dir) always come along.
enum DataOptionGroups : unsigned {
  kTrainInputs = 1u << 0,   // --train, --validation
  kDataInput = 1u << 1,     // --data
  kSplitOptions = 1u << 2,  // --split, --train-fraction, --seed
  kOutputDir = 1u << 3,     // --output
  kModelClasses = 1u << 4,  // the data is read against a trained model's classes (evaluate, predict)
};

void add_data_options(CLI::App& command, DataOptions& options, unsigned groups);

// The spec for reading `path_or_url` with the given options.
data::DatasetSpec dataset_spec(const DataOptions& options, const std::string& path_or_url);

// The spec for reading `path_or_url` against classes already known (a trained model's; the
// training data's for validation data): each label is one of their names or an index into them.
data::DatasetSpec dataset_spec(const DataOptions& options, const std::string& path_or_url,
                               const std::vector<std::string>& known_classes);

// The spec for reading the texts of `path_or_url` to predict them with a model of these classes: a
// csv/jsonl label column is not read, as predictions ignore it (AG News rows always carry a class
// number, read against the model's classes).
data::DatasetSpec texts_spec(const DataOptions& options, const std::string& path_or_url,
                             const std::vector<std::string>& model_classes);

// A model knows its classes, so --classes is not needed with it; one that lists other classes, or
// the same in another order, throws Error naming the file and both lists.
void check_classes_option(const DataOptions& options, const std::vector<std::string>& model_classes);

}  // namespace textclass::cli
