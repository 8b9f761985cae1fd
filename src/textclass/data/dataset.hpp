#pragma once
// A labelled text dataset in memory, and how to read one from a file or URL.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::data {

struct Dataset {
  std::vector<std::string> texts;
  std::vector<int> labels;               // class index per row; empty when the rows carry no labels
  std::vector<std::string> class_names;  // index -> name
  std::string source;                    // the path or URL it was read from

  std::size_t size() const { return texts.size(); }
};

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
  std::string label_column = "label";                // csv/jsonl; empty: the rows carry no labels
  std::filesystem::path cache_dir = {};              // for URLs; empty: default_cache_dir()
};

// Reads a whole dataset, downloading it first when it is a URL. For agnews, applies the notebook's
// preparation: labels 1-N become 0-(N-1), text = title + " " + description, every backslash
// becomes a space. Every problem with the input throws textclass::Error naming file and line.
Dataset read_dataset(const DatasetSpec& spec);

// The class names of a classes file (a path, or a URL downloaded into `cache_dir`; see
// read_class_names).
std::vector<std::string> read_classes_file(const std::string& path_or_url, const std::filesystem::path& cache_dir);

// The given rows of `dataset`, in the given order.
Dataset subset(const Dataset& dataset, const std::vector<std::size_t>& rows);

}  // namespace textclass::data
