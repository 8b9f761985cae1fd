#include "cli/data_options.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <map>

#include "textclass/error.hpp"

namespace textclass::cli {

void add_data_options(CLI::App& command, DataOptions& options, unsigned groups) {
  if (groups & kTrainInputs) {
    command.add_option("--train", options.train, "training data: a path or http(s) URL");
    command.add_option("--validation", options.validation,
                       "validation data: a path or URL (default: split off from --train, see --split)");
  }
  if (groups & kDataInput) command.add_option("--data", options.data, "data to read: a path or http(s) URL");

  const std::map<std::string, data::Format> formats = {
      {"agnews", data::Format::agnews}, {"csv", data::Format::csv}, {"jsonl", data::Format::jsonl}};
  command.add_option("--format", options.read.format,
                     "agnews: AG News CSV (no header: class 1-N, title, description); "
                     "csv: CSV with a header; jsonl: one JSON object per line")
      ->transform(CLI::CheckedTransformer(formats).description(""))
      ->type_name("agnews|csv|jsonl")
      ->default_str(std::string(data::format_name(options.read.format)));
  command.add_option("--classes", options.read.classes,
                     (groups & kModelClasses)
                         ? "class names, one per line (default: the model's classes; a file that lists others, "
                           "or the same in another order, is an error)"
                         : "class names, one per line, in class-index order (default: the training data's "
                           "distinct labels sorted as strings, or 0-based indices when every label is an integer; "
                           "for agnews, the classes.txt beside the data)");
  command.add_option("--text-columns", options.read.text_columns,
                     "csv/jsonl: the text column(s); several are joined with a space")
      ->delimiter(',')
      ->capture_default_str();
  command.add_option("--text-pair-column", options.read.text_pair_column,
                     "csv/jsonl: a second text per row, making each row a sentence pair ([CLS] text [SEP] pair "
                     "[SEP] with token types 0 and 1, truncated longest_first as HF's tokenizer does; give it to "
                     "evaluate and predict as to train; the baseline joins the two texts with a space; "
                     "default: single texts)");
  command.add_option("--label-column", options.read.label_column,
                     "csv/jsonl: the label column (class names, or 0-based class indices when every label is an integer)")
      ->capture_default_str();
  command.add_option("--label-separator", options.read.label_separator,
                     "csv: the label cell lists a row's classes joined by this (multi-label; default: one class "
                     "per cell)");
  command.add_option("--cache-dir", options.read.cache_dir,
                     "where downloads are kept (default: $TEXTCLASS_CACHE, else $XDG_CACHE_HOME/textclass, "
                     "else ~/.cache/textclass)");

  if (groups & kSplitOptions) {
    const std::map<std::string, data::SplitMode> modes = {{"notebook", data::SplitMode::notebook},
                                                          {"random", data::SplitMode::random},
                                                          {"stratified", data::SplitMode::stratified}};
    command.add_option("--split", options.split.mode,
                       "how --train is split when there is no --validation: notebook (numpy seed + sklearn "
                       "train_test_split, exactly), random, or stratified (per-class proportions)")
        ->transform(CLI::CheckedTransformer(modes).description(""))
        ->type_name("notebook|random|stratified")
        ->default_str(std::string(data::split_mode_name(options.split.mode)));
    command.add_option("--train-fraction", options.split.train_fraction, "share of --train rows used for training")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    command.add_option("--seed", options.split.seed, "seed of the split; also of training's shuffling, dropout and new layers")->capture_default_str();
  }
  if (groups & kOutputDir) {
    command.add_option("--output", options.output, "folder for the results")->capture_default_str();
  }
}

data::DatasetSpec dataset_spec(const DataOptions& options, const std::string& path_or_url) {
  data::DatasetSpec spec = options.read;
  spec.path_or_url = path_or_url;
  return spec;
}

data::DatasetSpec dataset_spec(const DataOptions& options, const std::string& path_or_url,
                               const std::vector<std::string>& known_classes) {
  data::DatasetSpec spec = dataset_spec(options, path_or_url);
  spec.class_names = known_classes;
  return spec;
}

data::DatasetSpec texts_spec(const DataOptions& options, const std::string& path_or_url,
                             const std::vector<std::string>& model_classes) {
  data::DatasetSpec spec = dataset_spec(options, path_or_url, model_classes);
  spec.label_column.clear();
  return spec;
}

void check_classes_option(const DataOptions& options, const std::vector<std::string>& model_classes) {
  if (options.read.classes.empty()) return;
  const std::vector<std::string> listed = data::read_classes_file(options.read.classes, options.read.cache_dir);
  if (listed != model_classes) {
    throw Error(fmt::format("{}: the classes ({}) are not the model's ({}); leave out --classes to use the model's",
                            options.read.classes, fmt::join(listed, ", "), fmt::join(model_classes, ", ")));
  }
}

}  // namespace textclass::cli
