#include "textclass/data/csv_reader.hpp"

#include <algorithm>

#include "textclass/error.hpp"

namespace textclass::data {

CsvReader::CsvReader(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}

void CsvReader::skip_blank_lines() {
  while (pos_ < text_.size()) {
    if (text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    } else if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++line_;
    } else {
      return;
    }
  }
}

bool CsvReader::next(CsvRecord& record) {
  skip_blank_lines();
  if (pos_ >= text_.size()) return false;
  record.line = line_;
  record.fields.clear();
  for (;;) {
    record.fields.push_back(read_field());
    if (pos_ < text_.size() && text_[pos_] == ',') {
      ++pos_;
      continue;
    }
    if (pos_ < text_.size()) {  // at the '\n' ending the record
      ++pos_;
      ++line_;
    }
    return true;
  }
}

// Reads one field and leaves pos_ on the ',' or '\n' after it (or at the end of the text).
std::string CsvReader::read_field() {
  std::string field;
  if (pos_ < text_.size() && text_[pos_] == '"') {
    const std::size_t opened_on = line_;
    ++pos_;
    for (;;) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) throw error_at(name_, opened_on, "unterminated quoted field (opened on this line)");
      const std::string_view chunk = text_.substr(pos_, quote - pos_);
      line_ += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      field.append(chunk);
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {  // "" is a literal quote
        field.push_back('"');
        ++pos_;
      } else {
        break;
      }
    }
  }
  const std::size_t start = pos_;
  while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n') ++pos_;
  std::string_view rest = text_.substr(start, pos_ - start);
  const bool at_line_end = pos_ >= text_.size() || text_[pos_] == '\n';
  if (at_line_end && rest.ends_with('\r')) rest.remove_suffix(1);  // CRLF line ending
  field.append(rest);
  return field;
}

}  // namespace textclass::data
