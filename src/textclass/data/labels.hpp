#pragma once
// Class names and the labels that refer to them. A classes file holds one class name per line
// (AG News' classes.txt); a label in a data file is either one of those names or a 0-based
// integer index.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::data {

// Reads a classes file: one name per line, surrounding whitespace trimmed, blank lines skipped.
// `name` is how errors refer to the file. Throws textclass::Error when it names no class or the
// same class twice.
std::vector<std::string> read_class_names(const std::string& text, const std::string& name);

// Turns label values into class indices. With class names, a value is a name or an index below
// their count; without, it must be an index and the classes are "0", "1", ... up to the largest.
class LabelResolver {
 public:
  explicit LabelResolver(std::vector<std::string> class_names);

  // The class index of `value`, or textclass::Error at `file`:`line` explaining what is allowed.
  int resolve(std::string_view value, const std::string& file, std::size_t line);

  std::vector<std::string> class_names() const;

 private:
  std::vector<std::string> names_;
  int largest_index_ = -1;  // largest index seen, used when no names were given
};

}  // namespace textclass::data
