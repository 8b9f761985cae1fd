// The AG News reader on the bundled test set and on small broken files.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "test_support.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/data/labels.hpp"

namespace textclass::data {
namespace {

const std::string kRepo = TEXTCLASS_SOURCE_DIR;
const std::string kClasses = "World\nSports\nBusiness\nSci/Tech\n";

Dataset read_agnews(const std::string& path, const std::string& classes = "") {
  DatasetSpec spec;
  spec.path_or_url = path;
  spec.classes = classes;
  return read_dataset(spec);
}

TEST(AgNews, ReadsTheTestSetWithTheNotebookPreparation) {
  const Dataset dataset = read_agnews(kRepo + "/data/ag_news/test.csv");
  EXPECT_EQ(dataset.source, kRepo + "/data/ag_news/test.csv");
  ASSERT_EQ(dataset.size(), 7600u);
  ASSERT_EQ(dataset.labels.size(), 7600u);
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"World", "Sports", "Business", "Sci/Tech"}));
  for (int label = 0; label < 4; ++label) EXPECT_EQ(std::count(dataset.labels.begin(), dataset.labels.end(), label), 1900);

  // Row 1 of the file: "3","Fears for T N pension after talks","Unions representing ..."
  EXPECT_EQ(dataset.labels[0], 2);
  EXPECT_EQ(dataset.texts[0],
            "Fears for T N pension after talks Unions representing workers at Turner   Newall say they are "
            "'disappointed' after talks with stricken parent firm Federal Mogul.");
  // Row 2 holds the dataset's backslash escapes ("A second\team"), which become spaces.
  EXPECT_EQ(dataset.labels[1], 3);
  EXPECT_TRUE(dataset.texts[1].starts_with("The Race is On: Second Private Team Sets Launch Date for Human Spaceflight "
                                           "(SPACE.com) SPACE.com - TORONTO, Canada -- A second team of rocketeers"));
  for (const std::string& text : dataset.texts) EXPECT_EQ(text.find('\\'), std::string::npos);
}

TEST(AgNews, ReadsQuotedNewlinesAndAnExplicitClassesFile) {
  testing::ScratchDir dir;
  const std::string classes = dir.write("names.txt", "Alpha\r\nBeta\n\n");
  const std::string data = dir.write("d.csv", "\"2\",\"Title, with comma\",\"Line one\nline \"\"two\"\"\"\r\n1,a,b\n");
  const Dataset dataset = read_agnews(data, classes);
  ASSERT_EQ(dataset.size(), 2u);
  EXPECT_EQ(dataset.class_names, (std::vector<std::string>{"Alpha", "Beta"}));
  EXPECT_EQ(dataset.labels, (std::vector<int>{1, 0}));
  EXPECT_EQ(dataset.texts[0], "Title, with comma Line one\nline \"two\"");
  EXPECT_EQ(dataset.texts[1], "a b");
}

TEST(AgNews, SubsetKeepsRowsInTheGivenOrder) {
  testing::ScratchDir dir;
  dir.write("classes.txt", kClasses);
  const Dataset dataset = read_agnews(dir.write("d.csv", "1,a,x\n2,b,y\n3,c,z\n"));
  const Dataset part = subset(dataset, {2, 0});
  EXPECT_EQ(part.texts, (std::vector<std::string>{"c z", "a x"}));
  EXPECT_EQ(part.labels, (std::vector<int>{2, 0}));
  EXPECT_EQ(part.class_names, dataset.class_names);
}

// Each broken input gives one line "file:line: problem".
class AgNewsErrors : public ::testing::Test {
 protected:
  std::string error_for(const std::string& content) {
    dir_.write("classes.txt", kClasses);
    const std::string path = dir_.write("bad.csv", content);
    return testing::error_message([&] { read_agnews(path); });
  }
  std::string path(const std::string& name) const { return (dir_.path() / name).string(); }
  testing::ScratchDir dir_;
};

TEST_F(AgNewsErrors, WrongColumnCount) {
  EXPECT_EQ(error_for("1,a,b\n\"2\",\"multi\nline\",x\n3,only two\n"),
            path("bad.csv") + ":4: expected 3 columns (class, title, description), found 2");
}

TEST_F(AgNewsErrors, LabelOutsideTheClasses) {
  EXPECT_EQ(error_for("1,a,b\n5,c,d\n"), path("bad.csv") + ":2: label '5' is outside the classes: expected 1-4");
  EXPECT_EQ(error_for("0,a,b\n"), path("bad.csv") + ":1: label '0' is outside the classes: expected 1-4");
  EXPECT_EQ(error_for("World,a,b\n"), path("bad.csv") + ":1: label 'World' is outside the classes: expected 1-4");
}

TEST_F(AgNewsErrors, UnterminatedQuote) {
  EXPECT_EQ(error_for("1,a,b\n2,\"open,c\n3,d,e\n"), path("bad.csv") + ":2: unterminated quoted field (opened on this line)");
}

TEST_F(AgNewsErrors, InvalidUtf8) {
  EXPECT_EQ(error_for("1,a,b\n2,caf\xC3\xA9,\xE9t\xE9\n"), path("bad.csv") + ":2: invalid UTF-8 (byte 0xE9 at column 9)");
}

TEST_F(AgNewsErrors, EmptyFile) {
  EXPECT_EQ(error_for(""), path("bad.csv") + ":1: empty file");
  EXPECT_EQ(error_for("\n\r\n"), path("bad.csv") + ":1: empty file");
}

TEST_F(AgNewsErrors, MissingDataFile) {
  const std::string missing = path("nothing-here.csv");
  EXPECT_EQ(testing::error_message([&] { read_agnews(missing); }), missing + ": no such file");
}

TEST_F(AgNewsErrors, MissingClassesFile) {
  const std::string data = dir_.write("alone.csv", "1,a,b\n");
  std::filesystem::remove(dir_.path() / "classes.txt");
  EXPECT_EQ(testing::error_message([&] { read_agnews(data); }),
            path("classes.txt") + ": no classes file beside the data (AG News format); give one with --classes FILE");
  const std::string named = path("my-classes.txt");
  EXPECT_EQ(testing::error_message([&] { read_agnews(data, named); }), named + ": no such file");
}

TEST_F(AgNewsErrors, BadClassesFile) {
  const std::string data = dir_.write("d.csv", "1,a,b\n");
  EXPECT_EQ(testing::error_message([&] { read_agnews(data, dir_.write("c.txt", "\n \n")); }), path("c.txt") + ":1: empty file");
  EXPECT_EQ(testing::error_message([&] { read_class_names("\n", "c.txt"); }), "c.txt:1: no class names (expected one per line)");
  EXPECT_EQ(testing::error_message([&] { read_agnews(data, dir_.write("c.txt", "A\nB\nA\n")); }),
            path("c.txt") + ":3: class 'A' is listed twice");
}

}  // namespace
}  // namespace textclass::data
