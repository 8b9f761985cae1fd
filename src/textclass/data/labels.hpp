#pragma once
// Class names and the labels that refer to them. A classes file holds one class name per line
// (AG News' classes.txt); a label in a data file is one of the class names or a 0-based index.
// Without class names, the labels themselves define the classes: when every label is a
// non-negative integer they are indices and the classes are "0", "1", ... up to the largest;
// otherwise every label is a name (an integer among names too) and the classes are the distinct
// labels sorted as strings, as scikit-learn's LabelEncoder and HF datasets' ClassLabel order them.
// Single labels that are all numbers but not all indices (ratings 1-5 with a 3.5) are an error that
// points to --problem-type regression rather than classes named "3.5".
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "textclass/data/dataset.hpp"

namespace textclass::data {

// A regression label: a decimal number (JSON's or strtod's syntax, surrounding whitespace
// trimmed). Anything else, or a number that is not finite, throws textclass::Error naming file,
// line and value.
double parse_label_value(std::string_view value, const std::string& file, std::size_t line);

// The classes of a CSV cell that joins them with `separator` (whitespace around each trimmed,
// empty pieces skipped: "a; b;" is a and b; an empty cell is no class).
std::vector<std::string_view> split_label_cell(std::string_view cell, std::string_view separator);

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
  // The next row's labels, any number of them (multi-label): the column then holds class sets,
  // and a row added by add() is a set of one. An empty label throws as add() does; a label
  // given twice counts once.
  void add_set(const std::vector<std::string_view>& values, std::size_t line);

  // Sets `dataset`'s labels (a class index per row added) and class names. With `class_names` (a
  // classes file, a trained model's classes, the training data's for validation data) each label is
  // one of them or an index below their count; without, the labels define the classes (see the top
  // of this file). A label outside the classes throws textclass::Error at the file and the first
  // line it is on, naming it. Class sets go into dataset.label_sets (label_kind class_sets), as
  // do single labels when `sets` is true; else into dataset.labels.
  void resolve_into(Dataset& dataset, std::vector<std::string> class_names, bool sets = false) const;

 private:
  std::string file_;
  std::vector<std::string> distinct_;         // trimmed values in the order they first appear
  std::vector<std::size_t> first_line_;       // per distinct value: the line it first appears on
  std::unordered_map<std::string, int> id_;   // value -> its index in distinct_
  std::vector<int> values_;                   // the rows' values in turn: indices into distinct_
  std::vector<std::size_t> row_ends_;         // per row: where its values in values_ end
  bool sets_ = false;                         // whether add_set was called
  int add_value(std::string_view value, std::size_t line);
  // Single labels that are all numbers, some not integers (3.5), are a regression column read
  // without --problem-type regression: an Error at the first of those that says so. Integers
  // stay names where they are not indices (-1 and 1).
  void refuse_numbers_as_names(bool sets) const;
};

}  // namespace textclass::data
