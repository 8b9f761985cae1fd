// JSON Lines: one object per line; the text is the named string fields joined with " ", a pair's
// second text the named pair field (a string, empty included), the label
// the named field: a class name or an integer index (see labels.hpp), a list of them (multi-label),
// or a number (regression). Blank lines are skipped.
#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <string_view>

#include "textclass/data/labels.hpp"
#include "textclass/data/readers.hpp"
#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, ";
// the line is ours to give, so keep only what went wrong.
std::string json_problem(const nlohmann::json::parse_error& e) {
  std::string_view message = e.what();
  const std::size_t column = message.find("column ");
  if (column != std::string_view::npos) message.remove_prefix(column);
  return std::string(message);
}

const nlohmann::json& field(const nlohmann::json& row, const std::string& key, const std::string& name, std::size_t line) {
  const auto found = row.find(key);
  if (found == row.end()) throw error_at(name, line, fmt::format("missing field '{}'", key));
  return *found;
}

}  // namespace

Dataset parse_jsonl(const std::string& text, const std::string& name, const DatasetSpec& spec,
                    std::vector<std::string> class_names) {
  const bool values = spec.label_kind == LabelKind::values;
  const bool sets = spec.label_kind == LabelKind::class_sets;
  Dataset dataset;
  LabelColumn labels(name);
  std::size_t line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view content = std::string_view(text).substr(start, end - start);
    start = end + 1;
    ++line;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    nlohmann::json row;
    try {
      row = nlohmann::json::parse(content);
    } catch (const nlohmann::json::parse_error& e) {
      throw error_at(name, line, "invalid JSON: " + json_problem(e));
    } catch (const nlohmann::json::out_of_range& e) {  // a number beyond a double: "number overflow parsing '1e999'"
      std::string_view message = e.what();
      message.remove_prefix(std::min(message.size(), message.find("] ") + 2));
      throw error_at(name, line, "invalid JSON: " + std::string(message));
    }
    if (!row.is_object()) throw error_at(name, line, fmt::format("expected a JSON object, found {}", row.type_name()));

    std::string joined;
    for (std::size_t i = 0; i < spec.text_columns.size(); ++i) {
      const nlohmann::json& value = field(row, spec.text_columns[i], name, line);
      if (!value.is_string()) throw error_at(name, line, fmt::format("field '{}' is not a string", spec.text_columns[i]));
      if (i > 0) joined += ' ';
      joined += value.get_ref<const std::string&>();
    }
    dataset.texts.push_back(std::move(joined));
    if (!spec.text_pair_column.empty()) {
      const nlohmann::json& pair = field(row, spec.text_pair_column, name, line);
      if (!pair.is_string()) throw error_at(name, line, fmt::format("field '{}' is not a string", spec.text_pair_column));
      dataset.text_pairs.push_back(pair.get<std::string>());
    }

    if (spec.label_column.empty()) continue;
    const nlohmann::json& label = field(row, spec.label_column, name, line);
    if (values) {
      if (label.is_string()) dataset.values.push_back(parse_label_value(label.get_ref<const std::string&>(), name, line));
      else if (label.is_number()) dataset.values.push_back(parse_label_value(label.dump(), name, line));
      else throw error_at(name, line, fmt::format("field '{}' must be a number, found {}", spec.label_column, label.dump()));
    } else if (label.is_array()) {
      if (spec.label_kind == LabelKind::classes)
        throw error_at(name, line, fmt::format("field '{}' is a list, but the labels are one class per row",
                                               spec.label_column));
      std::vector<std::string> names;
      for (const nlohmann::json& element : label) {
        if (element.is_string()) names.push_back(element.get<std::string>());
        else if (element.is_number_integer()) names.push_back(element.dump());
        else throw error_at(name, line, fmt::format("field '{}' must list class names or integer indices, found {}",
                                                    spec.label_column, element.dump()));
      }
      labels.add_set(std::vector<std::string_view>(names.begin(), names.end()), line);
    } else if (label.is_string() || label.is_number_integer()) {
      const std::string value = label.is_string() ? label.get<std::string>() : label.dump();
      if (sets) labels.add_set({value}, line);
      else labels.add(value, line);
    } else {
      throw error_at(name, line, fmt::format("field '{}' must be a class name, an integer index or a list of them, "
                                             "found {}", spec.label_column, label.dump()));
    }
  }
  if (values) {
    dataset.label_kind = LabelKind::values;
    return dataset;
  }
  labels.resolve_into(dataset, std::move(class_names), sets);
  return dataset;
}

}  // namespace textclass::data
