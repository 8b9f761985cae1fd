#include "textclass/data/dataset.hpp"

#include "textclass/data/fetch.hpp"
#include "textclass/data/labels.hpp"
#include "textclass/data/readers.hpp"
#include "textclass/data/text_file.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// The spec's known classes, else its classes file, else for AG News the classes.txt beside the data.
std::vector<std::string> class_names_for(const DatasetSpec& spec) {
  if (!spec.class_names.empty()) return spec.class_names;
  std::string classes = spec.classes;
  if (classes.empty()) {
    if (spec.format != Format::agnews) return {};
    classes = sibling(spec.path_or_url, "classes.txt");
    if (!is_url(classes) && !std::filesystem::exists(classes)) {
      throw Error(classes + ": no classes file beside the data (AG News format); give one with --classes FILE");
    }
  }
  return read_classes_file(classes, spec.cache_dir);
}

}  // namespace

std::vector<std::string> read_classes_file(const std::string& path_or_url, const std::filesystem::path& cache_dir) {
  const std::filesystem::path local = fetch(path_or_url, cache_dir);
  return read_class_names(read_text_file(local, path_or_url), path_or_url);
}

std::string_view label_kind_name(LabelKind kind) {
  switch (kind) {
    case LabelKind::classes: return "one class per row";
    case LabelKind::class_sets: return "a list of classes per row";
    case LabelKind::values: return "a number per row";
  }
  return "?";
}

std::vector<float> label_targets(const Dataset& dataset) {
  std::vector<float> targets;
  if (dataset.label_kind == LabelKind::values) {
    targets.assign(dataset.values.begin(), dataset.values.end());
  } else if (dataset.label_kind == LabelKind::class_sets && !dataset.label_sets.empty()) {
    const std::size_t width = dataset.class_names.size();
    targets.assign(dataset.label_sets.size() * width, 0.0f);
    for (std::size_t row = 0; row < dataset.label_sets.size(); ++row)
      for (int c : dataset.label_sets[row]) targets[row * width + static_cast<std::size_t>(c)] = 1.0f;
  }
  return targets;
}

std::string_view format_name(Format format) {
  switch (format) {
    case Format::agnews: return "agnews";
    case Format::csv: return "csv";
    case Format::jsonl: return "jsonl";
  }
  return "?";
}

Dataset read_dataset(const DatasetSpec& spec) {
  if (spec.format == Format::agnews && !spec.text_pair_column.empty()) {
    throw Error(spec.path_or_url + ": a text pair column needs --format csv or jsonl (AG News rows are one text)");
  }
  const std::filesystem::path local = fetch(spec.path_or_url, spec.cache_dir);
  std::vector<std::string> class_names = class_names_for(spec);
  const std::string& name = spec.path_or_url;
  const std::string text = read_text_file(local, name);
  Dataset dataset;
  switch (spec.format) {
    case Format::agnews: dataset = parse_agnews(text, name, std::move(class_names)); break;
    case Format::csv: dataset = parse_csv_table(text, name, spec, std::move(class_names)); break;
    case Format::jsonl: dataset = parse_jsonl(text, name, spec, std::move(class_names)); break;
  }
  if (dataset.texts.empty()) throw error_at(name, 1, "no rows");
  dataset.source = spec.path_or_url;
  return dataset;
}

std::vector<std::string> joined_texts(const Dataset& dataset) {
  if (!dataset.pairs()) return dataset.texts;
  std::vector<std::string> joined;
  joined.reserve(dataset.size());
  for (std::size_t row = 0; row < dataset.size(); ++row) joined.push_back(dataset.texts[row] + ' ' + dataset.text_pairs[row]);
  return joined;
}

Dataset subset(const Dataset& dataset, const std::vector<std::size_t>& rows) {
  Dataset part;
  part.class_names = dataset.class_names;
  part.source = dataset.source;
  part.label_kind = dataset.label_kind;
  part.texts.reserve(rows.size());
  for (std::size_t row : rows) part.texts.push_back(dataset.texts.at(row));
  if (dataset.pairs()) {
    part.text_pairs.reserve(rows.size());
    for (std::size_t row : rows) part.text_pairs.push_back(dataset.text_pairs.at(row));
  }
  if (!dataset.labels.empty()) {
    part.labels.reserve(rows.size());
    for (std::size_t row : rows) part.labels.push_back(dataset.labels.at(row));
  }
  if (!dataset.label_sets.empty())
    for (std::size_t row : rows) part.label_sets.push_back(dataset.label_sets.at(row));
  if (!dataset.values.empty())
    for (std::size_t row : rows) part.values.push_back(dataset.values.at(row));
  return part;
}

}  // namespace textclass::data
