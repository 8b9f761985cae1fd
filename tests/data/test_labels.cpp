// LabelColumn: the classes a file's labels define, and labels read against known classes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"
#include "textclass/data/labels.hpp"

namespace textclass::data {
namespace {

// The labels resolved as a file "f.csv" whose rows 1, 2, ... hold `values` would be.
Dataset resolved(const std::vector<std::string>& values, std::vector<std::string> class_names = {}) {
  LabelColumn column("f.csv");
  for (std::size_t row = 0; row < values.size(); ++row) column.add(values[row], row + 1);
  Dataset dataset;
  column.resolve_into(dataset, std::move(class_names));
  return dataset;
}

std::string error_for(const std::vector<std::string>& values, std::vector<std::string> class_names = {}) {
  return testing::error_message([&] { resolved(values, class_names); });
}

TEST(LabelColumn, IntegerLabelsAreIndicesUpToTheLargest) {
  const Dataset dataset = resolved({"3", " 0", "1 "});
  EXPECT_EQ(dataset.labels, (std::vector<int>{3, 0, 1}));
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST(LabelColumn, NamesAreSortedAsStringsAndTrimmed) {
  // Byte order is code point order in UTF-8, as Python sorts str: "Z" < "a" < "é".
  const Dataset dataset = resolved({"a", "\xC3\xA9", " Z", "a"});
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"Z", "a", "\xC3\xA9"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 2, 0, 1}));
}

TEST(LabelColumn, OneNameMakesEveryLabelAName) {
  const Dataset dataset = resolved({"-1", "1", "10", "2"});
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"-1", "1", "10", "2"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{0, 1, 2, 3}));
}

// A ratings column read without --problem-type regression: not classes "1", "3.5", "5".
TEST(LabelColumn, NonIntegerNumbersPointToRegression) {
  EXPECT_EQ(error_for({"5", "1", "3.5", "4.5", "3.5"}),
            "f.csv:3: label '3.5' is a number but not a class index; for regression give --problem-type regression "
            "(for classes named by numbers, a classes file: --classes)");
  EXPECT_EQ(resolved({"2.5", "good"}).class_names, (std::vector<std::string>{"2.5", "good"}));  // a name among names
  EXPECT_EQ(resolved({"3.5", "1"}, {"1", "3.5"}).labels, (std::vector<int>{1, 0}));  // named by a classes file
}

TEST(LabelColumn, KnownClassesTakeNamesAndIndices) {
  const Dataset dataset = resolved({"neg", "1", "pos", "0"}, {"neg", "pos"});
  EXPECT_EQ(dataset.labels, (std::vector<int>{0, 1, 1, 0}));
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"neg", "pos"}));
}

TEST(LabelColumn, ErrorsNameTheFirstLineOfTheLabel) {
  EXPECT_EQ(error_for({"pos", "meh", "neg", "meh", "bad"}, {"neg", "pos"}),
            "f.csv:2: label 'meh' is outside the classes (neg, pos): expected a class name or an index 0-1");
  EXPECT_EQ(error_for({"1", "", "0"}), "f.csv:2: empty label");
  EXPECT_EQ(error_for({"1", "20000"}),
            "f.csv:2: label 20000 is too large for a class index (every label is an integer, so they are read as "
            "0-based indices); give a classes file (--classes)");
}

TEST(LabelColumn, ErrorsListTenClassesAtMost) {
  std::vector<std::string> many;
  for (int i = 0; i < 12; ++i) many.push_back("c" + std::to_string(i));
  EXPECT_EQ(error_for({"x"}, many), "f.csv:1: label 'x' is outside the classes (c0, c1, c2, c3, c4, c5, c6, c7, c8, "
                                    "c9, ... (12 classes)): expected a class name or an index 0-11");
}

}  // namespace
}  // namespace textclass::data
