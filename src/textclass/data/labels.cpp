#include "textclass/data/labels.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/core.h>
#include <optional>

#include "textclass/error.hpp"

namespace textclass::data {
namespace {

// Without a classes file the class list runs from 0 to the largest index; this bounds it so that a
// stray large number is reported rather than turned into a million empty classes.
constexpr int kMaxClassesWithoutNames = 10000;

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<int> parse_index(std::string_view value) {
  value = trim(value);
  int index = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), index);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty() || index < 0) return std::nullopt;
  return index;
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

LabelResolver::LabelResolver(std::vector<std::string> class_names) : names_(std::move(class_names)) {}

int LabelResolver::resolve(std::string_view value, const std::string& file, std::size_t line) {
  if (!names_.empty()) {
    const auto named = std::find(names_.begin(), names_.end(), trim(value));
    if (named != names_.end()) return static_cast<int>(named - names_.begin());
    const auto index = parse_index(value);
    if (index && *index < static_cast<int>(names_.size())) return *index;
    throw error_at(file, line, fmt::format("label '{}' is outside the classes: expected a class name or an index 0-{}",
                                           value, names_.size() - 1));
  }
  const auto index = parse_index(value);
  if (!index) {
    throw error_at(file, line, fmt::format("label '{}' is not a class index (an integer >= 0); "
                                           "give a classes file (--classes) to use class names", value));
  }
  if (*index >= kMaxClassesWithoutNames) {
    throw error_at(file, line, fmt::format("label {} is too large for a class index without a classes file (--classes)", *index));
  }
  largest_index_ = std::max(largest_index_, *index);
  return *index;
}

std::vector<std::string> LabelResolver::class_names() const {
  if (!names_.empty()) return names_;
  std::vector<std::string> numbered;
  for (int i = 0; i <= largest_index_; ++i) numbered.push_back(std::to_string(i));
  return numbered;
}

}  // namespace textclass::data
