// CSV with a header row: the text is the named text columns joined with " ", a pair's second text
// the named pair column (a cell as it is, empty included), the label the named
// label column: a class name or index (see labels.hpp), the classes joined by the label separator
// (multi-label), or a number (regression).
#include <algorithm>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "textclass/data/csv_reader.hpp"
#include "textclass/data/labels.hpp"
#include "textclass/data/readers.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

std::size_t column_index(const CsvRecord& header, const std::string& column, const std::string& name) {
  const auto found = std::find(header.fields.begin(), header.fields.end(), column);
  if (found == header.fields.end()) {
    throw error_at(name, header.line, fmt::format("no column '{}' in the header (columns: {})", column,
                                                  fmt::join(header.fields, ", ")));
  }
  return static_cast<std::size_t>(found - header.fields.begin());
}

}  // namespace

Dataset parse_csv_table(const std::string& text, const std::string& name, const DatasetSpec& spec,
                        std::vector<std::string> class_names) {
  CsvReader reader(text, name);
  CsvRecord header;
  reader.next(header);  // the file is not blank (read_text_file), so there is a first record
  std::vector<std::size_t> text_columns;
  for (const std::string& column : spec.text_columns) text_columns.push_back(column_index(header, column, name));
  const bool pairs = !spec.text_pair_column.empty();
  const std::size_t pair_column = pairs ? column_index(header, spec.text_pair_column, name) : 0;
  const bool labelled = !spec.label_column.empty();
  const std::size_t label_column = labelled ? column_index(header, spec.label_column, name) : 0;

  const bool values = spec.label_kind == LabelKind::values;
  const bool sets = spec.label_kind == LabelKind::class_sets || (!spec.label_kind && !spec.label_separator.empty());
  Dataset dataset;
  LabelColumn labels(name);
  CsvRecord record;
  while (reader.next(record)) {
    if (record.fields.size() != header.fields.size()) {
      throw error_at(name, record.line, fmt::format("expected {} columns, found {}", header.fields.size(),
                                                    record.fields.size()));
    }
    std::string joined;
    for (std::size_t i = 0; i < text_columns.size(); ++i) {
      if (i > 0) joined += ' ';
      joined += record.fields[text_columns[i]];
    }
    dataset.texts.push_back(std::move(joined));
    if (pairs) dataset.text_pairs.push_back(record.fields[pair_column]);
    if (!labelled) continue;
    const std::string& cell = record.fields[label_column];
    if (values) dataset.values.push_back(parse_label_value(cell, name, record.line));
    else if (sets) labels.add_set(split_label_cell(cell, spec.label_separator), record.line);
    else labels.add(cell, record.line);
  }
  if (dataset.texts.empty()) throw error_at(name, header.line, "a header but no rows");
  if (values) dataset.label_kind = LabelKind::values;
  else labels.resolve_into(dataset, std::move(class_names), sets);
  return dataset;
}

}  // namespace textclass::data
