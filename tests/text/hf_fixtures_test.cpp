// The tokenizer against HuggingFace's own output (tests/fixtures/hf/tokenizer, written by
// make_fixtures.py with transformers' fast tokenizer), loaded from each kind of file.
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agnews_rows.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::text {
namespace {

const std::filesystem::path source_dir = TEXTCLASS_SOURCE_DIR;

const Tokenizer& tokenizer_from(const std::string& relative_path) {
  static std::map<std::string, Tokenizer> loaded;
  auto it = loaded.find(relative_path);
  if (it == loaded.end()) it = loaded.emplace(relative_path, Tokenizer::load(source_dir / relative_path)).first;
  return it->second;
}

std::vector<std::vector<std::int32_t>> read_id_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::vector<std::int32_t>> rows;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    rows.emplace_back(std::istream_iterator<std::int32_t>(fields), std::istream_iterator<std::int32_t>());
  }
  return rows;
}

struct TrickyCase {
  std::string text;
  std::vector<std::int32_t> ids;
  std::vector<std::string> tokens;
};

std::vector<TrickyCase> read_tricky_cases() {
  std::ifstream in(source_dir / "tests/fixtures/hf/tokenizer/tricky.jsonl");
  std::vector<TrickyCase> cases;
  for (std::string line; std::getline(in, line);) {
    const auto record = nlohmann::json::parse(line);
    cases.push_back({record.at("text"), record.at("ids"), record.at("tokens")});
  }
  return cases;
}

class HfFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(HfFixtures, TrickyStringsGiveHfIdsAndTokens) {
  const Tokenizer& tokenizer = tokenizer_from(GetParam());
  const std::vector<TrickyCase> cases = read_tricky_cases();
  ASSERT_GE(cases.size(), 30u);
  for (const TrickyCase& c : cases) {
    EXPECT_EQ(tokenizer.encode(c.text).ids, c.ids) << "text: " << c.text;
    EXPECT_EQ(tokenizer.tokens(c.text), c.tokens) << "text: " << c.text;
  }
}

TEST_P(HfFixtures, AgNewsTestRowsGiveHfIds) {
  const Tokenizer& tokenizer = tokenizer_from(GetParam());
  const auto texts = test_support::read_agnews_texts(source_dir / "data/ag_news/test.csv");
  const auto expected = read_id_lines(source_dir / "tests/fixtures/hf/tokenizer/agnews_test_ids.txt");
  ASSERT_EQ(texts.size(), 7600u);
  ASSERT_EQ(expected.size(), texts.size());
  const std::vector<Encoding> encodings = tokenizer.encode_batch(texts);
  std::size_t mismatches = 0;
  for (std::size_t row = 0; row < texts.size(); ++row) {
    if (encodings[row].ids == expected[row]) continue;
    if (++mismatches <= 5) ADD_FAILURE() << "row " << row + 1 << " differs from HF: " << texts[row];
  }
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Sources, HfFixtures,
                         ::testing::Values("data/bert-base-cased/vocab.txt", "data/bert-base-cased/tokenizer.json",
                                           "tests/fixtures/hf/tiny/tokenizer.json"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace textclass::text
