#pragma once
// An RFC 4180 CSV record reader over text in memory: comma-separated fields, fields in double
// quotes may hold commas, newlines and doubled quotes (""), records end at LF or CRLF. Like
// Python's csv module, text after a closing quote is kept (`"ab"c` reads as `abc`) and a quote
// inside an unquoted field is literal. Blank lines are skipped, as pandas does.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::data {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // physical line (1-based) the record starts on
};

class CsvReader {
 public:
  // `text` must outlive the reader; `name` is the file name used in errors.
  CsvReader(std::string_view text, std::string name);

  // Reads the next record into `record`; false at the end of the text. Throws textclass::Error
  // for a quoted field that never closes, naming the line where it opened.
  bool next(CsvRecord& record);

  const std::string& name() const { return name_; }

 private:
  std::string read_field();
  void skip_blank_lines();

  std::string_view text_;
  std::string name_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;  // physical line of text_[pos_]
};

}  // namespace textclass::data
