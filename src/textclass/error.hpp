#pragma once
// The one exception type textclass throws for problems a user can fix (bad input, missing files,
// failed downloads). The message is complete and printed as is: "data/train.csv:1042: expected 3
// columns, found 2".
#include <cstddef>
#include <stdexcept>
#include <string>

namespace textclass {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "path:line: problem", the form every input error takes.
inline Error error_at(const std::string& path, std::size_t line, const std::string& problem) {
  return Error(path + ":" + std::to_string(line) + ": " + problem);
}

}  // namespace textclass
