#pragma once
// Class names and the labels that refer to them. A classes file holds one class name per line
// (AG News' classes.txt); a label in a data file is one of the class names or a 0-based index.
// Without class names, the labels themselves define the classes: when every label is a
// non-negative integer they are indices and the classes are "0", "1", ... up to the largest;
// otherwise every label is a name (an integer among names too) and the classes are the distinct
// labels sorted as strings, as scikit-learn's LabelEncoder and HF datasets' ClassLabel order them.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "textclass/data/dataset.hpp"

namespace textclass::data {

// Reads a classes file: one name per line, surrounding whitespace trimmed, blank lines skipped.
// `name` is how errors refer to the file. Throws textclass::Error when it names no class or the
// same class twice.
std::vector<std::string> read_class_names(const std::string& text, const std::string& name);

// A file's label column, collected row by row as the file is read and resolved once it is whole:
// names found in the data can only be numbered after every row has been seen.
class LabelColumn {
 public:
  explicit LabelColumn(std::string file) : file_(std::move(file)) {}

  // The label of the next row, read on line `line` of the file. An empty label throws
  // textclass::Error at that line.
  void add(std::string_view value, std::size_t line);

  // Sets `dataset`'s labels (a class index per row added) and class names. With `class_names` (a
  // classes file, a trained model's classes, the training data's for validation data) each label is
  // one of them or an index below their count; without, the labels define the classes (see the top
  // of this file). A label outside the classes throws textclass::Error at the file and the first
  // line it is on, naming it.
  void resolve_into(Dataset& dataset, std::vector<std::string> class_names) const;

 private:
  std::string file_;
  std::vector<std::string> distinct_;         // trimmed values in the order they first appear
  std::vector<std::size_t> first_line_;       // per distinct value: the line it first appears on
  std::unordered_map<std::string, int> id_;   // value -> its index in distinct_
  std::vector<int> rows_;                     // per row: the index of its value in distinct_
};

}  // namespace textclass::data
