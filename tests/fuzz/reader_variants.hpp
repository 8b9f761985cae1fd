#pragma once
// What the CSV and JSON Lines fuzz targets share: the input read the way the user's file would be
// (checked as UTF-8 first, as read_text_file does) with every kind of label a command asks for:
// labels that decide their kind, one class per row, class sets (with and without a separator),
// numbers, labels read against known classes, no label column, and sentence pairs (a pair column). Each read must give a Dataset
// or a textclass::Error; a Dataset's targets are made too.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "textclass/data/dataset.hpp"
#include "textclass/data/readers.hpp"
#include "textclass/data/utf8.hpp"
#include "textclass/error.hpp"

namespace textclass::fuzz {

inline std::vector<data::DatasetSpec> reader_variants(data::Format format) {
  std::vector<data::DatasetSpec> specs;
  auto add = [&](std::optional<data::LabelKind> kind, std::string separator, std::vector<std::string> classes,
                 std::string label_column = "label", std::string pair_column = "") {
    data::DatasetSpec spec;
    spec.format = format;
    spec.text_columns = {"text", "title"};
    spec.label_column = std::move(label_column);
    spec.text_pair_column = std::move(pair_column);
    spec.label_kind = kind;
    spec.label_separator = std::move(separator);
    spec.class_names = std::move(classes);
    specs.push_back(std::move(spec));
  };
  add(std::nullopt, "", {});
  add(data::LabelKind::classes, "", {});
  add(data::LabelKind::classes, "", {"a", "b", "2"});
  add(data::LabelKind::class_sets, format == data::Format::csv ? ";" : "", {});
  add(data::LabelKind::class_sets, format == data::Format::csv ? "|" : "", {"a", "b"});
  add(data::LabelKind::values, "", {});
  add(std::nullopt, "", {}, "");
  add(std::nullopt, "", {}, "label", "pair");
  if (format == data::Format::csv) add(std::nullopt, ";", {});
  return specs;
}

inline void read_every_way(data::Format format, const std::uint8_t* bytes, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(bytes), size);
  if (text.empty() || data::find_invalid_utf8(text) != std::string::npos) return;  // read_text_file refuses these
  for (const data::DatasetSpec& spec : reader_variants(format)) {
    try {
      const data::Dataset dataset = format == data::Format::csv
                                        ? data::parse_csv_table(text, "fuzz.csv", spec, spec.class_names)
                                        : data::parse_jsonl(text, "fuzz.jsonl", spec, spec.class_names);
      const std::vector<float> targets = data::label_targets(dataset);
      for (const std::vector<int>& row : dataset.label_sets)
        for (int c : row)
          if (c < 0 || static_cast<std::size_t>(c) >= dataset.class_names.size()) __builtin_trap();
      for (int c : dataset.labels)
        if (c < 0 || static_cast<std::size_t>(c) >= dataset.class_names.size()) __builtin_trap();
      if (!targets.empty() && targets.size() % dataset.size() != 0) __builtin_trap();
      if (!spec.text_pair_column.empty() && dataset.text_pairs.size() != dataset.size()) __builtin_trap();
    } catch (const Error&) {
    }
  }
}

}  // namespace textclass::fuzz
