#pragma once
// The AG News texts exactly as the reference notebook (and tests/fixtures/hf/make_fixtures.py)
// prepares them: text = title + " " + description, every backslash replaced by a space. A small
// local CSV reader (RFC 4180 quoting, as Python's csv module reads it) keeps the tokenizer's tests
// and benchmark independent of the data layer.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace textclass::text::test_support {

inline std::vector<std::vector<std::string>> read_csv_records(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

inline std::vector<std::string> read_agnews_texts(const std::filesystem::path& csv) {
  std::vector<std::string> texts;
  for (const auto& record : read_csv_records(csv)) {
    if (record.size() != 3) throw std::runtime_error(csv.string() + ": expected 3 columns");
    std::string text = record[1] + " " + record[2];
    std::replace(text.begin(), text.end(), '\\', ' ');
    texts.push_back(std::move(text));
  }
  return texts;
}

}  // namespace textclass::text::test_support
