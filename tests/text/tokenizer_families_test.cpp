// Byte-level BPE (roberta-base, ModernBERT-base) and WordPiece (distilbert-base-uncased,
// bert-base-cased) tokenizers against HuggingFace's own ids: tests/fixtures/tokenizers/MODEL/,
// written by make_ids.js there with the `tokenizers` library itself. Every AG News test row alone
// and as a (title, description) pair, and the tricky strings alone and paired.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agnews_rows.hpp"
#include "textclass/error.hpp"
#include "textclass/text/tokenizer.hpp"
#include "tokenizer_fixtures.hpp"

namespace textclass::text {
namespace {

using Ids = std::vector<std::int32_t>;
using test_support::fixtures;
using test_support::read_jsonl;
using test_support::source_dir;
using test_support::tokenizer_file;
using test_support::tokenizer_of;

Ids parse_ids(const std::string& text) {
  std::istringstream fields(text);
  return {std::istream_iterator<std::int32_t>(fields), std::istream_iterator<std::int32_t>()};
}

const std::vector<std::vector<std::string>>& agnews_records() {
  static const auto records = test_support::read_csv_records(source_dir / "data/ag_news/test.csv");
  return records;
}

std::string unescaped(std::string text) {
  std::replace(text.begin(), text.end(), '\\', ' ');
  return text;
}

class Families : public ::testing::TestWithParam<std::string> {
 protected:
  const Tokenizer& tokenizer() const { return tokenizer_of(tokenizer_file(GetParam())); }
  std::filesystem::path fixture(const std::string& name) const { return fixtures / GetParam() / name; }
};

TEST_P(Families, AgNewsTestRowsGiveHfIds) {
  const auto texts = test_support::read_agnews_texts(source_dir / "data/ag_news/test.csv");
  const auto expected = test_support::read_lines(fixture("agnews_test_ids.txt.gz"));
  ASSERT_EQ(texts.size(), 7600u);
  ASSERT_EQ(expected.size(), texts.size());
  const std::vector<Encoding> encodings = tokenizer().encode_batch(texts, std::numeric_limits<std::size_t>::max());
  std::size_t mismatches = 0;
  for (std::size_t row = 0; row < texts.size(); ++row) {
    if (encodings[row].ids == parse_ids(expected[row])) continue;
    if (++mismatches <= 5) ADD_FAILURE() << "row " << row + 1 << " differs from HF: " << texts[row];
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST_P(Families, AgNewsTitleDescriptionPairsGiveHfIdsAndTypeIds) {
  const auto& records = agnews_records();
  const auto expected = test_support::read_lines(fixture("agnews_test_pairs.txt.gz"));
  ASSERT_EQ(expected.size(), records.size());
  // through encode_pair_batch, which the data's pairs take on every core
  std::vector<std::string> titles, descriptions;
  for (const auto& record : records) {
    titles.push_back(unescaped(record[1]));
    descriptions.push_back(unescaped(record[2]));
  }
  const std::vector<Encoding> encodings = tokenizer().encode_pair_batch(titles, descriptions, 40);
  ASSERT_EQ(encodings.size(), records.size());
  std::size_t mismatches = 0, truncated = 0;
  for (std::size_t row = 0; row < records.size(); ++row) {
    const auto tab = expected[row].find('\t');
    ASSERT_NE(tab, std::string::npos);
    const Ids ids = parse_ids(expected[row].substr(0, tab)), type_ids = parse_ids(expected[row].substr(tab + 1));
    const Encoding& encoding = encodings[row];
    if (ids.size() == 40) ++truncated;
    if (encoding.ids == ids && encoding.token_type_ids == type_ids) continue;
    if (++mismatches <= 5) ADD_FAILURE() << "row " << row + 1 << " differs from HF: " << records[row][1];
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(truncated, 1000u);  // longest_first truncation is exercised
}

TEST_P(Families, TrickyStringsGiveHfIds) {
  const auto records = read_jsonl(fixture("tricky_ids.jsonl"));
  ASSERT_GE(records.size(), 30u);
  for (const auto& record : records) {
    const auto text = record.at("text").get<std::string>();
    EXPECT_EQ(tokenizer().encode(text, std::numeric_limits<std::size_t>::max()).ids, record.at("ids").get<Ids>())
        << "text: " << text;
  }
}

TEST_P(Families, TrickyPairsGiveHfIdsAndTypeIds) {
  const auto records = read_jsonl(fixture("tricky_pairs.jsonl"));
  ASSERT_GE(records.size(), 60u);
  for (const auto& record : records) {
    const auto a = record.at("a").get<std::string>(), b = record.at("b").get<std::string>();
    const Encoding encoding = tokenizer().encode_pair(a, b, record.at("max_length").get<std::size_t>());
    EXPECT_EQ(encoding.ids, record.at("ids").get<Ids>()) << "pair: " << a << " | " << b;
    EXPECT_EQ(encoding.token_type_ids, record.at("type_ids").get<Ids>()) << "pair: " << a << " | " << b;
    EXPECT_EQ(encoding.attention_mask, Ids(encoding.ids.size(), 1));
  }
}

// Truncating a pair from the left keeps each text's last ids, as many as from the right keeps of
// its first (the texts here are shorter than max_length, where both sides compare the same lengths).
TEST_P(Families, PairTruncatedFromTheLeftKeepsEachTextsEnd) {
  const std::string a = "one two three four five six seven eight", b = "alpha beta";
  const std::size_t none = std::numeric_limits<std::size_t>::max();
  const Encoding whole = tokenizer().encode_pair(a, b, none);
  ASSERT_EQ(tokenizer().special_token_count(false), 2u);  // every family here: one special token before the text
  const std::size_t a_ids = tokenizer().encode(a, none).ids.size() - 2;
  ASSERT_GT(a_ids, tokenizer().encode(b, none).ids.size() - 2 + 3);  // a is the longer: it loses 3 ids
  const std::size_t max_length = whole.ids.size() - 3;
  const auto without = [&](Ids ids, std::size_t from) {
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(from), ids.begin() + static_cast<std::ptrdiff_t>(from + 3));
    return ids;
  };
  const Encoding left = tokenizer().encode_pair(a, b, max_length, TruncationSide::left);
  EXPECT_EQ(left.ids, without(whole.ids, 1));
  EXPECT_EQ(left.token_type_ids, without(whole.token_type_ids, 1));
  const Encoding right = tokenizer().encode_pair(a, b, max_length);
  EXPECT_EQ(right.ids, without(whole.ids, 1 + a_ids - 3));
}

// Truncating a single text keeps the first ids and the template: HF truncates the full encoding.
TEST_P(Families, TruncatedSingleIsAPrefixInsideTheTemplate) {
  const auto records = read_jsonl(fixture("tricky_ids.jsonl"));
  const std::size_t specials = tokenizer().special_token_count();
  for (const auto& record : records) {
    const Ids full = record.at("ids").get<Ids>();
    if (full.size() < specials + 8) continue;
    const Ids cut = tokenizer().encode(record.at("text").get<std::string>(), specials + 5).ids;
    ASSERT_EQ(cut.size(), specials + 5);
    // The template's tokens before the text stay in front, those after it at the end.
    const std::size_t before = specials == 0 ? 0 : 1;
    EXPECT_TRUE(std::equal(cut.begin(), cut.end() - static_cast<std::ptrdiff_t>(specials - before), full.begin()));
    EXPECT_TRUE(std::equal(cut.end() - static_cast<std::ptrdiff_t>(specials - before), cut.end(),
                           full.end() - static_cast<std::ptrdiff_t>(specials - before)));
  }
}

INSTANTIATE_TEST_SUITE_P(Models, Families, test_support::fixture_models(), test_support::model_test_name);

// roberta-base also ships vocab.json + merges.txt; read as transformers converts them, they give
// the same ids as its tokenizer.json.
TEST(VocabJson, RobertaVocabAndMergesGiveTheTokenizerJsonIds) {
  const Tokenizer& from_vocab = tokenizer_of(fixtures / "roberta-base/vocab.json");
  const auto texts = test_support::read_agnews_texts(source_dir / "data/ag_news/test.csv");
  const auto expected = test_support::read_lines(fixtures / "roberta-base/agnews_test_ids.txt.gz");
  std::size_t mismatches = 0;
  for (std::size_t row = 0; row < texts.size(); row += 7) {
    if (from_vocab.encode(texts[row], 100000).ids != parse_ids(expected[row]) && ++mismatches <= 5) {
      ADD_FAILURE() << "row " << row + 1 << ": " << texts[row];
    }
  }
  EXPECT_EQ(mismatches, 0u);
  for (const auto& record : read_jsonl(fixtures / "roberta-base/tricky_ids.jsonl")) {
    EXPECT_EQ(from_vocab.encode(record.at("text").get<std::string>(), 100000).ids, record.at("ids").get<Ids>());
  }
  EXPECT_EQ(from_vocab.pad_id(), 1);
  EXPECT_EQ(tokenizer_of(tokenizer_file("roberta-base")).pad_id(), 1);
}

// The small tokenizer.json files of the fuzz corpus exercise what the four models' files do not:
// added tokens with single_word, rstrip and normalized, NFKD + StripAccents + Lowercase + Strip +
// Replace + Prepend, merges as arrays, a model without "type". tiny_ids.jsonl has HF's ids for
// them (make_ids.js --tiny), alone and paired, at max_length 512 and 7.
TEST(TinyTokenizers, GiveHfIdsAndTypeIds) {
  const auto records = read_jsonl(fixtures / "tiny_ids.jsonl");
  ASSERT_GE(records.size(), 200u);
  for (const auto& record : records) {
    const Tokenizer& tokenizer =
        tokenizer_of(source_dir / "tests/fuzz/corpus/tokenizer_json" / record.at("tokenizer").get<std::string>());
    const auto a = record.at("a").get<std::string>();
    const auto max_length = record.at("max_length").get<std::size_t>();
    const Encoding encoding = record.at("b").is_null()
                                  ? tokenizer.encode(a, max_length)
                                  : tokenizer.encode_pair(a, record.at("b").get<std::string>(), max_length);
    EXPECT_EQ(encoding.ids, record.at("ids").get<Ids>()) << record.dump();
    EXPECT_EQ(encoding.token_type_ids, record.at("type_ids").get<Ids>()) << record.dump();
  }
}

}  // namespace
}  // namespace textclass::text
