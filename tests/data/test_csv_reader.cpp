#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.hpp"
#include "textclass/data/csv_reader.hpp"

namespace textclass::data {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> read_all(const std::string& text) {
  CsvReader reader(text, "in.csv");
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.next(record)) records.push_back(record);
  return records;
}

TEST(CsvReader, ReadsPlainAndQuotedFields) {
  const auto records = read_all("1,plain,\"quoted\"\n\"2\",\"a, b\",\"say \"\"hi\"\"\"\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"1", "plain", "quoted"}));
  EXPECT_EQ(records[1].fields, (Fields{"2", "a, b", "say \"hi\""}));
}

TEST(CsvReader, KeepsNewlinesInsideQuotesAndCountsPhysicalLines) {
  const auto records = read_all("a,\"one\ntwo\nthree\"\nb,c\n\n\nd,e");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "one\ntwo\nthree"}));
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[1].line, 4u);  // after the three lines of the first record
  EXPECT_EQ(records[2].fields, (Fields{"d", "e"}));  // blank lines skipped, no final newline
  EXPECT_EQ(records[2].line, 7u);
}

TEST(CsvReader, HandlesCrlfEmptyFieldsAndPythonStyleQuirks) {
  const auto records = read_all("a,,\"\"\r\n\"x\"y,b\"c,\r\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "", ""}));
  // As Python's csv module: text after a closing quote is kept, a quote mid-field is literal.
  EXPECT_EQ(records[1].fields, (Fields{"xy", "b\"c", ""}));
  EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReader, KeepsCarriageReturnInsideQuotes) {
  const auto records = read_all("\"a\r\nb\",c\r\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (Fields{"a\r\nb", "c"}));
}

TEST(CsvReader, UnterminatedQuoteNamesTheLineItOpenedOn) {
  const std::string message = testing::error_message([] { read_all("1,ok\n2,\"never\ncloses,\n3,x\n"); });
  EXPECT_EQ(message, "in.csv:2: unterminated quoted field (opened on this line)");
}

}  // namespace
}  // namespace textclass::data
