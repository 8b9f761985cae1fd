// JSON Lines files.
#include <gtest/gtest.h>

#include <string>

#include "test_support.hpp"
#include "textclass/data/dataset.hpp"

namespace textclass::data {
namespace {

class Jsonl : public ::testing::Test {
 protected:
  Dataset read(const std::string& content, std::vector<std::string> text_columns = {"text"},
               std::string label_column = "label", std::string classes = "") {
    DatasetSpec spec;
    spec.path_or_url = dir_.write("rows.jsonl", content);
    spec.format = Format::jsonl;
    spec.text_columns = std::move(text_columns);
    spec.label_column = std::move(label_column);
    spec.classes = std::move(classes);
    return read_dataset(spec);
  }
  std::string error_for(const std::string& content) {
    return testing::error_message([&] { read(content); });
  }
  std::string path() const { return (dir_.path() / "rows.jsonl").string(); }
  testing::ScratchDir dir_;
};

TEST_F(Jsonl, ReadsDefaultFieldsWithIntegerLabels) {
  const Dataset dataset = read("{\"text\": \"caf\\u00e9 \\\"ok\\\"\", \"label\": 2}\n\n{\"label\": 0, \"text\": \"x\"}\n");
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"caf\xC3\xA9 \"ok\"", "x"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{2, 0}));
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"0", "1", "2"}));
}

TEST_F(Jsonl, JoinsNamedFieldsAndTakesClassNames) {
  const std::string classes = dir_.write("classes.txt", "World\nSports\n");
  const Dataset dataset = read("{\"title\":\"A\",\"body\":\"b\",\"topic\":\"Sports\"}\r\n{\"title\":\"C\",\"body\":\"d\",\"topic\":\"World\"}",
                               {"title", "body"}, "topic", classes);
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"A b", "C d"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0}));
}

TEST_F(Jsonl, InvalidJson) {
  const std::string message = error_for("{\"text\":\"a\",\"label\":0}\n{\"text\": \"b\", \"label\": 0\n");
  EXPECT_TRUE(message.starts_with(path() + ":2: invalid JSON: column ")) << message;
  EXPECT_NE(message.find("unexpected end of input"), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
}

TEST_F(Jsonl, NotAnObject) {
  EXPECT_EQ(error_for("[1, 2]\n"), path() + ":1: expected a JSON object, found array");
}

TEST_F(Jsonl, MissingOrMistypedFields) {
  EXPECT_EQ(error_for("{\"label\":0}\n"), path() + ":1: missing field 'text'");
  EXPECT_EQ(error_for("{\"text\":\"a\"}\n"), path() + ":1: missing field 'label'");
  EXPECT_EQ(error_for("{\"text\":3,\"label\":0}\n"), path() + ":1: field 'text' is not a string");
  EXPECT_EQ(error_for("{\"text\":\"a\",\"label\":1.5}\n"),
            path() + ":1: field 'label' must be a class name, an integer index or a list of them, found 1.5");
}

TEST_F(Jsonl, NamesTheClassesAfterTheSortedLabelsWithoutAClassesFile) {
  const Dataset dataset = read("{\"text\":\"a\",\"label\":\"positive\"}\n{\"text\":\"b\",\"label\":\"negative\"}\n"
                               "{\"text\":\"c\",\"label\":\"positive\"}\n");
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0, 1}));
}

TEST_F(Jsonl, IntegerLabelsAmongNamesAreNamesToo) {
  // JSON numbers and strings alike: one label that is not an integer makes every label a name.
  const Dataset dataset = read("{\"text\":\"a\",\"label\":10}\n{\"text\":\"b\",\"label\":\"Sports\"}\n"
                               "{\"text\":\"c\",\"label\":\"2\"}\n");
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"10", "2", "Sports"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{0, 2, 1}));
}

TEST_F(Jsonl, LabelOutsideTheModelsClasses) {
  DatasetSpec spec;
  spec.path_or_url = dir_.write("test.jsonl", "{\"text\":\"a\",\"label\":\"World\"}\n\n{\"text\":\"b\",\"label\":\"Tech\"}\n");
  spec.format = Format::jsonl;
  spec.class_names = {"World", "Sports"};
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }),
            spec.path_or_url + ":3: label 'Tech' is outside the classes (World, Sports): "
            "expected a class name or an index 0-1");
}

TEST_F(Jsonl, InvalidUtf8AndEmptyFile) {
  EXPECT_EQ(error_for("{\"text\":\"a\",\"label\":0}\n{\"text\":\"\xC3\",\"label\":0}\n"),
            path() + ":2: invalid UTF-8 (byte 0xC3 at column 10)");
  EXPECT_EQ(error_for("  \n"), path() + ":1: empty file");
}

TEST_F(Jsonl, ReadsSentencePairsFromThePairField) {
  DatasetSpec spec;
  spec.path_or_url = dir_.write("pairs.jsonl", "{\"a\":\"It rains\",\"b\":\"Wet\",\"label\":1}\n"
                                               "{\"a\":\"Sun\",\"b\":\"\",\"label\":0}\n");
  spec.format = Format::jsonl;
  spec.text_columns = {"a"};
  spec.text_pair_column = "b";
  const Dataset dataset = read_dataset(spec);
  EXPECT_EQ(dataset.texts, (std::vector<std::string>{"It rains", "Sun"}));
  EXPECT_EQ(dataset.text_pairs, (std::vector<std::string>{"Wet", ""}));

  spec.path_or_url = dir_.write("bad.jsonl", "{\"a\":\"x\",\"b\":\"y\",\"label\":1}\n{\"a\":\"x\",\"label\":1}\n");
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }), spec.path_or_url + ":2: missing field 'b'");
  spec.path_or_url = dir_.write("bad.jsonl", "{\"a\":\"x\",\"b\":[\"y\"],\"label\":1}\n");
  EXPECT_EQ(testing::error_message([&] { read_dataset(spec); }), spec.path_or_url + ":1: field 'b' is not a string");
}

}  // namespace
}  // namespace textclass::data
