// Labels for every task: class sets (multi-label) from JSON lists and separator-joined CSV cells,
// numbers (regression), and the float targets the model reads.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/labels.hpp"

namespace textclass::data {
namespace {

class TaskLabels : public ::testing::Test {
 protected:
  Dataset read(Format format, const std::string& content, std::optional<LabelKind> kind,
               std::string separator = "", std::vector<std::string> class_names = {}) {
    DatasetSpec spec;
    spec.path_or_url = dir_.write(format == Format::csv ? "rows.csv" : "rows.jsonl", content);
    spec.format = format;
    spec.label_kind = kind;
    spec.label_separator = std::move(separator);
    spec.class_names = std::move(class_names);
    return read_dataset(spec);
  }
  std::string error_for(Format format, const std::string& content, std::optional<LabelKind> kind,
                        std::string separator = "") {
    return testing::error_message([&] { read(format, content, kind, separator); });
  }
  std::string path(Format format) const {
    return (dir_.path() / (format == Format::csv ? "rows.csv" : "rows.jsonl")).string();
  }
  testing::ScratchDir dir_;
};

TEST_F(TaskLabels, JsonListsAreClassSetsSortedAsNames) {
  const Dataset d = read(Format::jsonl,
                         "{\"text\": \"a\", \"label\": [\"sports\", \"business\"]}\n"
                         "{\"text\": \"b\", \"label\": []}\n"
                         "{\"text\": \"c\", \"label\": \"world\"}\n"
                         "{\"text\": \"d\", \"label\": [\"world\", \"world\", \" sports \"]}\n",
                         std::nullopt);
  EXPECT_EQ(d.label_kind, LabelKind::class_sets);
  EXPECT_TRUE(d.labels.empty());
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"business", "sports", "world"}));
  EXPECT_EQ(d.label_sets, (std::vector<std::vector<int>>{{0, 1}, {}, {2}, {1, 2}}));
  EXPECT_EQ(label_targets(d), (std::vector<float>{1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1}));
}

TEST_F(TaskLabels, JsonIntegerListsAreIndices) {
  const Dataset d = read(Format::jsonl, "{\"text\": \"a\", \"label\": [2, 0]}\n{\"text\": \"b\", \"label\": [1]}\n",
                         LabelKind::class_sets);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(d.label_sets, (std::vector<std::vector<int>>{{0, 2}, {1}}));
}

TEST_F(TaskLabels, CsvCellsSplitAtTheSeparator) {
  const Dataset d = read(Format::csv, "text,label\nx,\"b; a\"\ny,\nz,a;\n", std::nullopt, ";");
  EXPECT_EQ(d.label_kind, LabelKind::class_sets);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.label_sets, (std::vector<std::vector<int>>{{0, 1}, {}, {0}}));
  // read against a model's classes, a class it does not know is an error at its line
  EXPECT_EQ(testing::error_message([&] { read(Format::csv, "text,label\nx,a\ny,a|c\n", std::nullopt, "|", {"a", "b"}); }),
            path(Format::csv) + ":3: label 'c' is outside the classes (a, b): expected a class name or an index 0-1");
}

TEST_F(TaskLabels, NumbersAreRegressionValues) {
  const Dataset csv = read(Format::csv, "text,label\nx, 2.5\ny,-1e-3\nz,4\n", LabelKind::values);
  EXPECT_EQ(csv.label_kind, LabelKind::values);
  EXPECT_TRUE(csv.class_names.empty());
  EXPECT_EQ(csv.values, (std::vector<double>{2.5, -1e-3, 4.0}));
  EXPECT_EQ(label_targets(csv), (std::vector<float>{2.5f, -1e-3f, 4.0f}));
  const Dataset jsonl =
      read(Format::jsonl, "{\"text\": \"a\", \"label\": 0.25}\n{\"text\": \"b\", \"label\": \"3\"}\n", LabelKind::values);
  EXPECT_EQ(jsonl.values, (std::vector<double>{0.25, 3.0}));
}

TEST_F(TaskLabels, BadLabelsNameFileAndLine) {
  EXPECT_EQ(error_for(Format::csv, "text,label\nx,1\ny,high\n", LabelKind::values),
            path(Format::csv) + ":3: label 'high' is not a number (regression labels are numbers)");
  EXPECT_EQ(error_for(Format::csv, "text,label\nx,\n", LabelKind::values),
            path(Format::csv) + ":2: label '' is not a number (regression labels are numbers)");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": [1]}\n", LabelKind::values),
            path(Format::jsonl) + ":1: field 'label' must be a number, found [1]");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": \"1e999\"}\n", LabelKind::values),
            path(Format::jsonl) + ":1: label '1e999' is not a number (regression labels are numbers)");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": 4e9999}\n", LabelKind::values),
            path(Format::jsonl) + ":1: invalid JSON: number overflow parsing '4e9999'");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": [\"x\", {}]}\n", std::nullopt),
            path(Format::jsonl) + ":1: field 'label' must list class names or integer indices, found {}");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": [\"x\"]}\n", LabelKind::classes),
            path(Format::jsonl) + ":1: field 'label' is a list, but the labels are one class per row");
  EXPECT_EQ(error_for(Format::jsonl, "{\"text\": \"a\", \"label\": []}\n", std::nullopt),
            path(Format::jsonl) + ":1: no row has a label: the classes cannot be known (give them with --classes)");
}

TEST(SplitLabelCell, TrimsAndSkipsEmptyPieces) {
  EXPECT_EQ(split_label_cell(" a ,b,, c ", ","), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(split_label_cell("  ", ","), (std::vector<std::string_view>{}));
  EXPECT_EQ(split_label_cell("a||b", "||"), (std::vector<std::string_view>{"a", "b"}));
}

}  // namespace
}  // namespace textclass::data
