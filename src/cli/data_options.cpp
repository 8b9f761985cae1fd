#include "cli/data_options.hpp"

#include <map>

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
                     "class names, one per line (default for agnews: the classes.txt beside the data)");
  command.add_option("--text-columns", options.read.text_columns,
                     "csv/jsonl: the text column(s); several are joined with a space")
      ->delimiter(',')
      ->capture_default_str();
  command.add_option("--label-column", options.read.label_column,
                     "csv/jsonl: the label column (a class name or a 0-based index)")
      ->capture_default_str();
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

}  // namespace textclass::cli
