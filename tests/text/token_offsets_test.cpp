// Tokenizer::encode_with_offsets against HuggingFace's own offsets (the characters of the text
// each token came from): tests/fixtures/tokenizers/MODEL/tricky_offsets.jsonl and
// agnews_offsets.jsonl.gz, written by make_offsets.js there with the `tokenizers` library. Then
// the alignment of single normalizer steps, where the expected ranges follow from tokenizers'
// rules written out by hand, and what has no offsets.
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "textclass/error.hpp"
#include "textclass/text/aligned_text.hpp"
#include "textclass/text/normalizer.hpp"
#include "textclass/text/tokenizer.hpp"
#include "tokenizer_fixtures.hpp"

namespace textclass::text {
namespace {

using test_support::fixtures;
using test_support::read_jsonl;
using test_support::source_dir;
using test_support::tokenizer_of;

std::string describe(const std::optional<CharSpan>& span) {
  return span ? "[" + std::to_string(span->start) + ", " + std::to_string(span->stop) + ")" : "none";
}

// Every record's ids and offsets (null for the template's tokens) as encode_with_offsets gives them.
// With `none`, a text may also have no offsets at all (counted there), but never other ones.
void expect_hf_offsets(const Tokenizer& tokenizer, const std::vector<nlohmann::json>& records,
                       std::size_t* none = nullptr) {
  ASSERT_FALSE(records.empty());
  for (const nlohmann::json& record : records) {
    const std::string text = record.at("text").get<std::string>();
    const std::optional<OffsetEncoding> encoded = tokenizer.encode_with_offsets(text, 1u << 20);
    if (!encoded && none != nullptr) {
      ++*none;
      continue;
    }
    ASSERT_TRUE(encoded.has_value()) << text;
    ASSERT_EQ(encoded->ids, record.at("ids").get<std::vector<std::int32_t>>()) << text;
    const nlohmann::json& offsets = record.at("offsets");
    ASSERT_EQ(encoded->spans.size(), offsets.size()) << text;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      std::optional<CharSpan> expected;
      if (!offsets[i].is_null()) expected = CharSpan{offsets[i].at(0).get<std::size_t>(), offsets[i].at(1).get<std::size_t>()};
      EXPECT_EQ(encoded->spans[i], expected) << "token " << i << " (id " << encoded->ids[i] << ") of \"" << text
                                             << "\": " << describe(encoded->spans[i]) << ", HF " << describe(expected);
      if (encoded->spans[i] != expected) return;  // one mismatch per model says enough
    }
  }
}

class Offsets : public ::testing::TestWithParam<std::string> {
 protected:
  const Tokenizer& tokenizer() const { return tokenizer_of(test_support::tokenizer_file(GetParam())); }
  std::filesystem::path fixture(const std::string& name) const { return fixtures / GetParam() / name; }
};

TEST_P(Offsets, TrickyStringsGiveHfOffsets) { expect_hf_offsets(tokenizer(), read_jsonl(fixture("tricky_offsets.jsonl"))); }

TEST_P(Offsets, AgNewsRowsGiveHfOffsets) { expect_hf_offsets(tokenizer(), read_jsonl(fixture("agnews_offsets.jsonl.gz"))); }

// Truncated, the ids are encode()'s and the spans those of the whole text's first tokens.
TEST_P(Offsets, TruncationKeepsTheFirstSpans) {
  for (const nlohmann::json& record : read_jsonl(fixture("tricky_offsets.jsonl"))) {
    const std::string text = record.at("text").get<std::string>();
    const auto whole = tokenizer().encode_with_offsets(text, 1u << 20);
    const auto cut = tokenizer().encode_with_offsets(text, 6);
    ASSERT_TRUE(whole && cut);
    EXPECT_EQ(cut->ids, tokenizer().encode(text, 6).ids) << text;
    ASSERT_EQ(cut->spans.size(), cut->ids.size());
    for (std::size_t i = 0; i + 1 < cut->spans.size(); ++i) EXPECT_EQ(cut->spans[i], whole->spans[i]) << text;
    EXPECT_FALSE(cut->spans.back().has_value()) << text;  // the template's closing token
  }
}

INSTANTIATE_TEST_SUITE_P(Models, Offsets, test_support::fixture_models(), test_support::model_test_name);

// roberta-base read from vocab.json + merges.txt trims offsets as its tokenizer.json does
// (transformers' converter gives it RobertaProcessing with trim_offsets).
TEST(TokenOffsets, RobertaVocabJsonGivesTheTokenizerJsonOffsets) {
  expect_hf_offsets(tokenizer_of(fixtures / "roberta-base/vocab.json"),
                    read_jsonl(fixtures / "roberta-base/tricky_offsets.jsonl"));
}

// The small tokenizer.json files of the fuzz corpus (added tokens with lstrip, rstrip, single_word
// and normalized, BertProcessing): HF's offsets, from tiny_offsets.jsonl. bpe_template_arrays.json's
// normalizer Sequence has Strip, Replace and Prepend, so a text it normalizes has none.
TEST(TokenOffsets, TinyTokenizersGiveHfOffsetsOrNone) {
  std::map<std::string, std::vector<nlohmann::json>> by_tokenizer;
  for (nlohmann::json& record : read_jsonl(fixtures / "tiny_offsets.jsonl")) {
    by_tokenizer[record.at("tokenizer").get<std::string>()].push_back(std::move(record));
  }
  ASSERT_EQ(by_tokenizer.size(), 3u);
  for (const auto& [name, records] : by_tokenizer) {
    SCOPED_TRACE(name);
    const Tokenizer& tokenizer = tokenizer_of(source_dir / "tests/fuzz/corpus/tokenizer_json" / name);
    if (name != "bpe_template_arrays.json") {
      expect_hf_offsets(tokenizer, records);
      continue;
    }
    std::size_t none = 0;
    expect_hf_offsets(tokenizer, records, &none);
    EXPECT_GT(none, 10u);  // every text with something to normalize
  }
}

TEST(TokenOffsets, InvalidUtf8IsAnError) {
  EXPECT_THROW(tokenizer_of(fixtures / "roberta-base/tokenizer.json").encode_with_offsets("ok \xC3("), Error);
}

// A normalizer step whose alignment is not worked out gives no offsets, not wrong ones.
TEST(TokenOffsets, ReplaceNormalizerGivesNone) {
  TokenizerSpec spec;
  spec.source = "in memory";
  spec.vocab = {{"[PAD]", 0}, {"[UNK]", 1}, {"[CLS]", 2}, {"[SEP]", 3}, {"a", 4}, {"b", 5}};
  NormalizerStep replace;
  replace.kind = NormalizerKind::replace;
  replace.pattern = "a";
  replace.text = "b";
  spec.normalizers = {replace};
  const Tokenizer tokenizer(spec);
  EXPECT_EQ(tokenizer.encode("a b").ids, (std::vector<std::int32_t>{2, 5, 5, 3}));
  EXPECT_FALSE(tokenizer.encode_with_offsets("a b").has_value());
  spec.normalizers = bert_normalizer();
  EXPECT_TRUE(Tokenizer(spec).encode_with_offsets("a b").has_value());
}

std::vector<ByteRange> origins(const std::vector<NormalizerStep>& steps, std::string_view text, std::string* out) {
  AlignedText aligned;
  aligned.assign(text, 10);  // as if the piece started at byte 10 of a longer text
  EXPECT_TRUE(Normalizer(steps).normalize_aligned(aligned)) << text;
  *out = aligned.text;
  return aligned.origin;
}

// İ (2 bytes) lower-cases to "i" + U+0307 (1 + 2 bytes): all three bytes come from the İ.
TEST(AlignedNormalizer, LowercaseToTwoCharactersKeepsTheirOrigin) {
  std::string text;
  const auto origin = origins(bert_normalizer({true, true, false, true}), "\u0130x", &text);
  EXPECT_EQ(text, "i\u0307x");
  EXPECT_EQ(origin, (std::vector<ByteRange>{{10, 12}, {10, 12}, {10, 12}, {12, 13}}));
}

// NFC composes "e" + U+0301 into "é" (2 bytes): tokenizers counts it as the "e" alone, and the
// deleted accent takes nothing with it.
TEST(AlignedNormalizer, NfcCompositionComesFromTheStarter) {
  NormalizerStep nfc;
  nfc.kind = NormalizerKind::nfc;
  std::string text;
  const auto origin = origins({nfc}, "e\u0301z", &text);
  EXPECT_EQ(text, "\u00e9z");
  EXPECT_EQ(origin, (std::vector<ByteRange>{{10, 11}, {10, 11}, {13, 14}}));
}

// Chinese characters get spaces around them, each space from the character; deleted control
// characters leave the others where they were; stripped accents go with their letter.
TEST(AlignedNormalizer, BertStepsKeepEachCharactersOrigin) {
  std::string text;
  const auto origin = origins(bert_normalizer({true, true, true, true}), "\u4e2d\x01\u00c9", &text);
  EXPECT_EQ(text, " \u4e2d e");
  EXPECT_EQ(origin, (std::vector<ByteRange>{{10, 13}, {10, 13}, {10, 13}, {10, 13}, {10, 13}, {14, 16}}));
}

}  // namespace
}  // namespace textclass::text
