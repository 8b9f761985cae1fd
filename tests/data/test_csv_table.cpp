// CSV files with a header row.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"
#include "textclass/data/dataset.hpp"

namespace textclass::data {
namespace {

class CsvTable : public ::testing::Test {
 protected:
  Dataset read(const std::string& content, std::vector<std::string> text_columns = {"text"},
               std::string label_column = "label", std::string classes = "") {
    DatasetSpec spec;
    spec.path_or_url = dir_.write("table.csv", content);
    spec.format = Format::csv;
    spec.text_columns = std::move(text_columns);
    spec.label_column = std::move(label_column);
    spec.classes = std::move(classes);
    return read_dataset(spec);
  }
  std::string error_for(const std::string& content, std::vector<std::string> text_columns = {"text"},
                        std::string classes = "") {
    return testing::error_message([&] { read(content, text_columns, "label", classes); });
  }
  std::string path() const { return (dir_.path() / "table.csv").string(); }
  testing::ScratchDir dir_;
};

TEST_F(CsvTable, JoinsTextColumnsAndTakesIntegerLabels) {
  const Dataset dataset = read("id,title,label,body\n7,Hello,1,\"big, wide\nworld\"\n8,Bye,0,now\n", {"title", "body"});
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"Hello big, wide\nworld", "Bye now"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0}));
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"0", "1"}));
}

TEST_F(CsvTable, TakesClassNamesFromTheClassesFile) {
  const std::string classes = dir_.write("classes.txt", "neg\npos\n");
  const Dataset dataset = read("text,label\ngood,pos\nbad,neg\nfine,1\n", {"text"}, "label", classes);
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"neg", "pos"}));
}

TEST_F(CsvTable, NamesTheClassesAfterTheSortedLabelsWithoutAClassesFile) {
  const Dataset dataset = read("headline,body,topic\nA,a,Sports\nB,b,Business\nC,c,World\nD,d,Business\n",
                               {"headline", "body"}, "topic");
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"Business", "Sports", "World"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0, 2, 0}));
}

TEST_F(CsvTable, ReadsValidationRowsAgainstTheTrainingClasses) {
  DatasetSpec spec;
  spec.path_or_url = dir_.write("validation.csv", "text,label\na,positive\nb,1\n");
  spec.format = Format::csv;
  spec.class_names = {"negative", "positive"};
  const Dataset dataset = read_dataset(spec);
  EXPECT_EQ(dataset.class_names, spec.class_names);
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 1}));
  spec.path_or_url = dir_.write("validation.csv", "text,label\na,positive\nb,neutral\nc,neutral\n");
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            spec.path_or_url + ":3: label 'neutral' is outside the classes (negative, positive): "
            "expected a class name or an index 0-1");
}

TEST_F(CsvTable, ReadsRowsWithoutLabelsWhenNoLabelColumnIsWanted) {
  const Dataset dataset = read("text\nfirst\nsecond\n", {"text"}, "");
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE(dataset.labels.empty());
}

TEST_F(CsvTable, WrongColumnCount) {
  EXPECT_EQ(error_for("text,label\na,0\nb,1,extra\n"), path() + ":3: expected 2 columns, found 3");
}

TEST_F(CsvTable, MissingColumn) {
  EXPECT_EQ(error_for("body,label\na,0\n"), path() + ":1: no column 'text' in the header (columns: body, label)");
}

TEST_F(CsvTable, LabelOutsideTheClasses) {
  const std::string classes = dir_.write("classes.txt", "neg\npos\n");
  EXPECT_EQ(error_for("text,label\na,pos\nb,meh\n", {"text"}, classes),
            path() + ":3: label 'meh' is outside the classes (neg, pos): expected a class name or an index 0-1");
  EXPECT_EQ(error_for("text,label\na,2\n", {"text"}, classes),
            path() + ":2: label '2' is outside the classes (neg, pos): expected a class name or an index 0-1");
  EXPECT_EQ(error_for("text,label\na,1\nb,\n"), path() + ":3: empty label");
}

TEST_F(CsvTable, HeaderWithoutRows) {
  EXPECT_EQ(error_for("text,label\n"), path() + ":1: a header but no rows");
}

TEST_F(CsvTable, ReadsSentencePairsFromThePairColumn) {
  DatasetSpec spec;
  spec.path_or_url = dir_.write("pairs.csv", "label,premise,hypothesis\n0,A man sleeps,\"Someone, asleep\"\n1,It rains,\n");
  spec.format = Format::csv;
  spec.text_columns = {"premise"};
  spec.text_pair_column = "hypothesis";
  const Dataset dataset = read_dataset(spec);
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"A man sleeps", "It rains"}));
  // an empty second text is kept: HF's tokenizer encodes it as [CLS] a [SEP] [SEP]
  EXPECT_EQ(dataset.text_pairs, (std::vector<std::string>{"Someone, asleep", ""}));
  const Dataset part = subset(dataset, {1});
  EXPECT_EQ(part.text_pairs, (std::vector<std::string>{""}));
  EXPECT_EQ(joined_texts(dataset), (std::vector<std::string>{"A man sleeps Someone, asleep", "It rains "}));

  spec.text_pair_column = "second";
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            spec.path_or_url + ":1: no column 'second' in the header (columns: label, premise, hypothesis)");
  spec.format = Format::agnews;
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            spec.path_or_url + ": a text pair column needs --format csv or jsonl (AG News rows are one text)");
}

}  // namespace
}  // namespace textclass::data
