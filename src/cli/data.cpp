// `textclass data`: reads a dataset as training would and summarises it — rows per class, text and
// token lengths, how many rows the tokenizer truncates, and the train/validation split it would make.
#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <limits>
#include <memory>
#include <numeric>

#include "cli/commands.hpp"
#include "cli/data_options.hpp"
#include "cli/model_dir.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/split.hpp"
#include "textclass/error.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::cli {
namespace {

struct DataCommandArgs {
  DataOptions data;
  std::string model = "bert-base-cased";
};

// 7600 -> "7,600"
std::string grouped(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::size_t code_points(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// "p50 ... p90 ... p99 ... max ... mean ..." of `values` (nearest-rank percentiles).
std::string distribution(std::vector<std::size_t> values) {
  std::sort(values.begin(), values.end());
  const auto percentile = [&](double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(rank, 1) - 1];
  };
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  return fmt::format("p50 {:<6} p90 {:<6} p99 {:<6} max {:<6} mean {:.1f}", grouped(percentile(50)),
                     grouped(percentile(90)), grouped(percentile(99)), grouped(values.back()), mean);
}

std::size_t name_width(const std::vector<std::string>& names) {
  std::size_t width = 5;  // "total"
  for (const std::string& name : names) width = std::max(width, code_points(name));
  return width;
}

void print_classes(const data::Dataset& dataset) {
  if (dataset.label_kind == data::LabelKind::class_sets && !dataset.label_sets.empty()) {
    std::vector<std::size_t> rows(dataset.class_names.size(), 0);
    for (const std::vector<int>& set : dataset.label_sets)
      for (int c : set) ++rows[static_cast<std::size_t>(c)];
    fmt::print("classes         {} (a list per row; rows holding each)\n", dataset.class_names.size());
    const std::size_t width = name_width(dataset.class_names);
    for (std::size_t c = 0; c < rows.size(); ++c)
      fmt::print("  {:<{}}  {:>9}  {:5.1f}%\n", dataset.class_names[c], width, grouped(rows[c]),
                 100.0 * static_cast<double>(rows[c]) / static_cast<double>(dataset.size()));
    return;
  }
  if (dataset.labels.empty()) {
    fmt::print("labels          none\n");
    return;
  }
  std::vector<std::size_t> rows(dataset.class_names.size(), 0);
  for (int label : dataset.labels) ++rows[static_cast<std::size_t>(label)];
  const std::size_t width = name_width(dataset.class_names);
  fmt::print("classes         {}\n", dataset.class_names.size());
  for (std::size_t c = 0; c < rows.size(); ++c) {
    const double percent = 100.0 * static_cast<double>(rows[c]) / static_cast<double>(dataset.size());
    fmt::print("  {:<{}}  {:>9}  {:5.1f}%\n", dataset.class_names[c], width, grouped(rows[c]), percent);
  }
}

void print_lengths(const data::Dataset& dataset, const text::Tokenizer& tokenizer, const std::string& model) {
  std::vector<std::size_t> characters(dataset.size());
  std::transform(dataset.texts.begin(), dataset.texts.end(), characters.begin(), code_points);
  for (std::size_t row = 0; row < dataset.text_pairs.size(); ++row) characters[row] += code_points(dataset.text_pairs[row]);
  fmt::print("characters      {}\n", distribution(characters));

  // Encoded without truncation, to see how long rows really are; training truncates at the limit.
  // (a sentence pair: both texts in the pair template)
  const std::size_t no_limit = std::numeric_limits<std::size_t>::max();
  const auto encodings = dataset.pairs() ? tokenizer.encode_pair_batch(dataset.texts, dataset.text_pairs, no_limit)
                                         : tokenizer.encode_batch(dataset.texts, no_limit);
  std::vector<std::size_t> tokens(encodings.size());
  std::transform(encodings.begin(), encodings.end(), tokens.begin(), [](const text::Encoding& e) { return e.ids.size(); });
  const std::size_t limit = tokenizer.model_max_length();
  const auto over = static_cast<std::size_t>(std::count_if(tokens.begin(), tokens.end(), [&](std::size_t n) { return n > limit; }));
  fmt::print("tokens          {}   ({} tokenizer, [CLS] and [SEP] included)\n", distribution(tokens), model);
  fmt::print("over {} tokens {} rows ({:.2f}%, truncated to {})\n", limit, grouped(over),
             100.0 * static_cast<double>(over) / static_cast<double>(tokens.size()), limit);
}

void print_summary(const std::string& role, const data::Dataset& dataset, data::Format format,
                   const text::Tokenizer& tokenizer, const std::string& model) {
  fmt::print("== {}: {}\n", role, dataset.source);
  fmt::print("format          {}\n", data::format_name(format));
  fmt::print("rows            {}\n", grouped(dataset.size()));
  print_classes(dataset);
  print_lengths(dataset, tokenizer, model);
}

void print_split(const data::Dataset& dataset, const data::SplitOptions& options) {
  const data::Split split = data::split_rows(dataset.labels, options);
  fmt::print("== split of --train ({}, train fraction {}, seed {})\n", data::split_mode_name(options.mode),
             options.train_fraction, options.seed);
  const std::size_t classes = dataset.class_names.size();
  std::vector<std::size_t> train(classes, 0), validation(classes, 0);
  for (std::size_t row : split.train) ++train[static_cast<std::size_t>(dataset.labels[row])];
  for (std::size_t row : split.validation) ++validation[static_cast<std::size_t>(dataset.labels[row])];
  const std::size_t width = name_width(dataset.class_names);
  fmt::print("  {:<{}}  {:>9}  {:>10}\n", "class", width, "train", "validation");
  for (std::size_t c = 0; c < classes; ++c) {
    fmt::print("  {:<{}}  {:>9}  {:>10}\n", dataset.class_names[c], width, grouped(train[c]), grouped(validation[c]));
  }
  fmt::print("  {:<{}}  {:>9}  {:>10}\n", "total", width, grouped(split.train.size()), grouped(split.validation.size()));
}

void run_data_command(const DataCommandArgs& args) {
  const DataOptions& options = args.data;
  if (options.train.empty() && options.validation.empty() && options.data.empty()) {
    throw Error("data: give --train or --data (a path or http(s) URL)");
  }
  const text::Tokenizer tokenizer = text::Tokenizer::load(resolve_model_dir(args.model));
  const std::pair<const char*, const std::string*> inputs[] = {
      {"train", &options.train}, {"validation", &options.validation}, {"data", &options.data}};
  bool first = true;
  std::vector<std::string> train_classes;  // validation data is read against them, as training reads it
  for (const auto& [role, path_or_url] : inputs) {
    if (path_or_url->empty()) continue;
    const bool validation = role == std::string_view("validation");
    const data::Dataset dataset =
        data::read_dataset(validation ? dataset_spec(options, *path_or_url, train_classes)
                                      : dataset_spec(options, *path_or_url));
    if (role == std::string_view("train")) train_classes = dataset.class_names;
    if (!first) fmt::print("\n");
    first = false;
    print_summary(role, dataset, options.read.format, tokenizer, args.model);
    if (role == std::string_view("train") && options.validation.empty() && !dataset.labels.empty()) {
      fmt::print("\n");
      print_split(dataset, options.split);
    }
  }
}

}  // namespace

void add_data_command(CLI::App& app) {
  auto args = std::make_shared<DataCommandArgs>();
  CLI::App* command = app.add_subcommand(
      "data", "Read a dataset and summarise it: rows per class, text and token lengths, the train/validation split");
  add_data_options(*command, args->data, kTrainInputs | kDataInput | kSplitOptions);
  command->add_option("--model", args->model, "the model whose tokenizer counts tokens: a folder or a name")->capture_default_str()
      ->capture_default_str();
  command->callback([args] { run_data_command(*args); });
}

}  // namespace textclass::cli
