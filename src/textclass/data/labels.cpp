#include "textclass/data/labels.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/core.h>
#include <fmt/ranges.h>
#include <optional>

#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// Integer labels number the classes from 0 to the largest; this bounds it so that a stray large
// number is reported rather than turned into a million empty classes.
constexpr int kMaxIndexedClasses = 10000;

// An error lists the classes a label may be when they are few enough to read on one line.
constexpr std::size_t kClassesListedInErrors = 10;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<int> parse_index(std::string_view value) {
  int index = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty() || index < 0) return std::nullopt;
  return index;
}

std::string listed(const std::vector<std::string>& names) {
  if (names.size() <= kClassesListedInErrors) return fmt::format("{}", fmt::join(names, ", "));
  return fmt::format("{}, ... ({} classes)",
                     fmt::join(names.begin(), names.begin() + kClassesListedInErrors, ", "), names.size());
}

}  // namespace

std::vector<std::string> read_class_names(const std::string& text, const std::string& name) {
  std::vector<std::string> names;
  std::size_t line = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line;
    const std::string_view class_name = trim(std::string_view(text).substr(start, end - start));
    if (!class_name.empty()) {
      if (std::find(names.begin(), names.end(), class_name) != names.end()) {
        throw error_at(name, line, fmt::format("class '{}' is listed twice", class_name));
      }
      names.emplace_back(class_name);
    }
    start = end + 1;
  }
  if (names.empty()) throw error_at(name, 1, "no class names (expected one per line)");
  return names;
}

double parse_label_value(std::string_view value, const std::string& file, std::size_t line) {
  const std::string_view text = trim(value);
  double number = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(number))
    throw error_at(file, line, fmt::format("label '{}' is not a number (regression labels are numbers)", text));
  return number;
}

std::vector<std::string_view> split_label_cell(std::string_view cell, std::string_view separator) {
  std::vector<std::string_view> pieces;
  while (true) {
    const std::size_t at = separator.empty() ? std::string_view::npos : cell.find(separator);
    const std::string_view piece = trim(cell.substr(0, at));
    if (!piece.empty()) pieces.push_back(piece);
    if (at == std::string_view::npos) break;
    cell.remove_prefix(at + separator.size());
  }
  return pieces;
}

int LabelColumn::add_value(std::string_view value, std::size_t line) {
  std::string key(trim(value));
  if (key.empty()) throw error_at(file_, line, "empty label");
  auto [found, added] = id_.try_emplace(key, static_cast<int>(distinct_.size()));
  if (added) {
    distinct_.push_back(std::move(key));
    first_line_.push_back(line);
  }
  return found->second;
}

void LabelColumn::add(std::string_view value, std::size_t line) {
  values_.push_back(add_value(value, line));
  row_ends_.push_back(values_.size());
}

void LabelColumn::add_set(const std::vector<std::string_view>& values, std::size_t line) {
  sets_ = true;
  for (std::string_view value : values) values_.push_back(add_value(value, line));
  row_ends_.push_back(values_.size());
}

void LabelColumn::refuse_numbers_as_names(bool sets) const {
  const auto number = [](const std::string& v) -> std::optional<double> {
    double x = 0.0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(x)) return std::nullopt;
    return x;
  };
  if (sets || !std::all_of(distinct_.begin(), distinct_.end(), [&](const std::string& v) { return number(v); })) return;
  std::size_t first = distinct_.size();  // the first line's value that is no integer
  for (std::size_t v = 0; v < distinct_.size(); ++v) {
    const double x = *number(distinct_[v]);
    if (x != std::floor(x) && (first == distinct_.size() || first_line_[v] < first_line_[first])) first = v;
  }
  if (first == distinct_.size()) return;  // integers, some negative (-1 and 1): names
  throw error_at(file_, first_line_[first],
                 fmt::format("label '{}' is a number but not a class index; for regression give --problem-type "
                             "regression (for classes named by numbers, a classes file: --classes)",
                             distinct_[first]));
}

void LabelColumn::resolve_into(Dataset& dataset, std::vector<std::string> class_names, bool sets) const {
  // The class index of each distinct value, then of each row.
  std::vector<int> class_of(distinct_.size(), -1);
  if (!class_names.empty()) {
    for (std::size_t v = 0; v < distinct_.size(); ++v) {
      const auto named = std::find(class_names.begin(), class_names.end(), distinct_[v]);
      const auto index = parse_index(distinct_[v]);
      if (named != class_names.end()) {
        class_of[v] = static_cast<int>(named - class_names.begin());
      } else if (index && *index < static_cast<int>(class_names.size())) {
        class_of[v] = *index;
      } else {
        throw error_at(file_, first_line_[v],
                       fmt::format("label '{}' is outside the classes ({}): expected a class name or an index 0-{}",
                                   distinct_[v], listed(class_names), class_names.size() - 1));
      }
    }
  } else if (std::all_of(distinct_.begin(), distinct_.end(), [](const std::string& v) { return parse_index(v); })) {
    int largest = -1;
    for (std::size_t v = 0; v < distinct_.size(); ++v) {
      class_of[v] = *parse_index(distinct_[v]);
      if (class_of[v] >= kMaxIndexedClasses) {
        throw error_at(file_, first_line_[v],
                       fmt::format("label {} is too large for a class index (every label is an integer, so they "
                                   "are read as 0-based indices); give a classes file (--classes)", class_of[v]));
      }
      largest = std::max(largest, class_of[v]);
    }
    for (int i = 0; i <= largest; ++i) class_names.push_back(std::to_string(i));
  } else {
    refuse_numbers_as_names(sets || sets_);
    class_names = distinct_;
    std::sort(class_names.begin(), class_names.end());
    for (std::size_t v = 0; v < distinct_.size(); ++v) {
      class_of[v] = static_cast<int>(std::lower_bound(class_names.begin(), class_names.end(), distinct_[v]) -
                                     class_names.begin());
    }
  }
  if ((sets || sets_) && distinct_.empty() && class_names.empty() && !row_ends_.empty())
    throw error_at(file_, 1, "no row has a label: the classes cannot be known (give them with --classes)");
  dataset.labels.clear();
  dataset.label_sets.clear();
  if (sets || sets_) {
    dataset.label_kind = LabelKind::class_sets;
    std::size_t begin = 0;
    for (std::size_t end : row_ends_) {
      std::vector<int> row;
      for (std::size_t i = begin; i < end; ++i) row.push_back(class_of[static_cast<std::size_t>(values_[i])]);
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      dataset.label_sets.push_back(std::move(row));
      begin = end;
    }
  } else {
    dataset.label_kind = LabelKind::classes;
    dataset.labels.reserve(values_.size());
    for (int value : values_) dataset.labels.push_back(class_of[static_cast<std::size_t>(value)]);
  }
  dataset.class_names = std::move(class_names);
}

}  // namespace textclass::data
