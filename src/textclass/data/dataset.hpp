#pragma once
// A labelled text dataset in memory, and how to read one from a file or URL.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::data {

// What a row's label is: the data's side of the model's task (transformers' problem_type).
enum class LabelKind {
  classes,     // one class per row (single-label classification): Dataset::labels
  class_sets,  // any number of classes per row, none included (multi-label): Dataset::label_sets
  values,      // a number per row (regression): Dataset::values
};

std::string_view label_kind_name(LabelKind kind);

struct Dataset {
  std::vector<std::string> texts;
  // Each row's second text, where the rows are sentence pairs (--text-pair-column); empty for
  // single texts. A pair's second text may be empty, as HF's tokenizer encodes it.
  std::vector<std::string> text_pairs;
  LabelKind label_kind = LabelKind::classes;
  std::vector<int> labels;               // classes: class index per row; empty when the rows carry no labels
  std::vector<std::vector<int>> label_sets;  // class_sets: each row's class indices, ascending
  std::vector<double> values;            // values: each row's number
  std::vector<std::string> class_names;  // index -> name (none for values)
  std::string source;                    // the path or URL it was read from

  std::size_t size() const { return texts.size(); }
  bool pairs() const { return !text_pairs.empty(); }
  bool labelled() const { return !labels.empty() || !label_sets.empty() || !values.empty(); }
};

// The labels as the model's float targets, [rows, width] row-major: class_sets as 0/1 indicators
// over the classes (width: the classes), values as themselves (width 1); empty for classes, whose
// class indices the model reads instead, and for unlabelled rows.
std::vector<float> label_targets(const Dataset& dataset);

enum class Format {
  agnews,  // AG News CSV: no header; class 1-N, title, description
  csv,     // CSV with a header row: text and label columns chosen by name
  jsonl,   // JSON Lines: one object per line, text and label fields chosen by name
};

std::string_view format_name(Format format);

struct DatasetSpec {
  std::string path_or_url;
  Format format = Format::agnews;
  // Classes file (path or URL), one name per line, in class-index order. Empty: for agnews, the
  // classes.txt beside the data; for csv/jsonl, the labels found in the data (see labels.hpp:
  // integers are indices, names are sorted).
  std::string classes;
  // The classes themselves, when they are known before the data is read (a trained model's; the
  // training data's for validation data): labels are read against them and `classes` is not read.
  std::vector<std::string> class_names = {};
  std::vector<std::string> text_columns = {"text"};  // csv/jsonl; several are joined with " "
  std::string text_pair_column = {};                 // csv/jsonl: each row's second text; empty: single texts
  std::string label_column = "label";                // csv/jsonl; empty: the rows carry no labels
  // What the labels are. Unset: classes, or class sets where the data has lists (a JSON array in
  // JSONL; any CSV cell when label_separator is set).
  std::optional<LabelKind> label_kind = {};
  std::string label_separator = {};  // csv: a cell's classes are joined by it (class sets)
  std::filesystem::path cache_dir = {};              // for URLs; empty: default_cache_dir()
};

// Reads a whole dataset, downloading it first when it is a URL. For agnews, applies the notebook's
// preparation: labels 1-N become 0-(N-1), text = title + " " + description, every backslash
// becomes a space. Every problem with the input throws textclass::Error naming file and line.
Dataset read_dataset(const DatasetSpec& spec);

// The class names of a classes file (a path, or a URL downloaded into `cache_dir`; see
// read_class_names).
std::vector<std::string> read_classes_file(const std::string& path_or_url, const std::filesystem::path& cache_dir);

// Each row's text, and for a pair its second text after a space: for models of single texts (the
// TF-IDF baseline).
std::vector<std::string> joined_texts(const Dataset& dataset);

// The given rows of `dataset`, in the given order.
Dataset subset(const Dataset& dataset, const std::vector<std::size_t>& rows);

}  // namespace textclass::data
