#include "textclass/serve/input_encoder.hpp"

#include <gtest/gtest.h>

namespace textclass::serve {
namespace {

const text::Tokenizer& tiny_tokenizer() {
  static const text::Tokenizer tokenizer = text::Tokenizer::load(TEXTCLASS_SOURCE_DIR "/tests/fixtures/hf/tiny");
  return tokenizer;
}

const std::string kText = "Wall St. Bears Claw Back Into the Black (Reuters)";

TEST(InputEncoder, EncodesAsTheTokenizerDoes) {
  const InputEncoder encoder(tiny_tokenizer(), 512);
  EXPECT_EQ(encoder.encode({{kText}}, false, TruncationDirection::right).ids, tiny_tokenizer().encode(kText, 512).ids);
}

TEST(InputEncoder, LongInputsAre413WithoutTruncate) {
  const std::size_t full = tiny_tokenizer().encode(kText, 512).ids.size();
  const InputEncoder encoder(tiny_tokenizer(), full - 1);
  try {
    encoder.encode({{kText}}, false, TruncationDirection::right);
    FAIL() << "expected an ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_EQ(std::string(e.what()), "`inputs` must have less than " + std::to_string(full - 1) +
                                         " tokens. Given: " + std::to_string(full));
  }
}

TEST(InputEncoder, TruncatesFromTheRightOrTheLeft) {
  const std::vector<std::int32_t> full = tiny_tokenizer().encode(kText, 512).ids;
  const InputEncoder encoder(tiny_tokenizer(), 6);
  EXPECT_EQ(encoder.encode({{kText}}, true, TruncationDirection::right).ids, tiny_tokenizer().encode(kText, 6).ids);
  // [CLS], the text's last four tokens, [SEP]
  const std::vector<std::int32_t> left = encoder.encode({{kText}}, true, TruncationDirection::left).ids;
  std::vector<std::int32_t> expected = {full.front()};
  expected.insert(expected.end(), full.end() - 5, full.end());
  EXPECT_EQ(left, expected);
}

TEST(InputEncoder, EncodesPairsWithTheirTokenTypes) {
  const std::string question = "Who bears the claw?";
  const InputEncoder encoder(tiny_tokenizer(), 512);
  const text::Encoding expected = tiny_tokenizer().encode_pair(question, kText, 512);
  const EncodedInput pair = encoder.encode({{question, kText}}, false, TruncationDirection::right);
  EXPECT_EQ(pair.ids, expected.ids);
  EXPECT_EQ(pair.token_type_ids, expected.token_type_ids);
  EXPECT_EQ(pair.token_type_ids.back(), 1);
  EXPECT_TRUE(encoder.encode({{kText}}, false, TruncationDirection::right).token_type_ids.empty());
  // an empty second text is a pair too, as HF's tokenizer encodes it: [CLS] a [SEP] [SEP]
  EXPECT_EQ(encoder.encode({{question, ""}}, false, TruncationDirection::right).ids,
            tiny_tokenizer().encode_pair(question, "", 512).ids);
}

TEST(InputEncoder, LongPairsAre413WithoutTruncateAndCutLongestFirstWithIt) {
  const std::string question = "Who bears the claw?";
  const std::size_t full = tiny_tokenizer().encode_pair(question, kText, 512).ids.size();
  const InputEncoder encoder(tiny_tokenizer(), full - 4);
  try {
    encoder.encode({{question, kText}}, false, TruncationDirection::right);
    FAIL() << "expected an ApiError";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_EQ(std::string(e.what()), "`inputs` must have less than " + std::to_string(full - 4) +
                                         " tokens. Given: " + std::to_string(full));
  }
  const EncodedInput right = encoder.encode({{question, kText}}, true, TruncationDirection::right);
  EXPECT_EQ(right.ids, tiny_tokenizer().encode_pair(question, kText, full - 4).ids);
  const EncodedInput left = encoder.encode({{question, kText}}, true, TruncationDirection::left);
  EXPECT_EQ(left.ids, tiny_tokenizer().encode_pair(question, kText, full - 4, text::TruncationSide::left).ids);
  EXPECT_NE(left.ids, right.ids);
  EXPECT_EQ(left.token_type_ids, right.token_type_ids);
}

TEST(InputEncoder, InvalidUtf8IsATokenizerError) {
  const InputEncoder encoder(tiny_tokenizer(), 512);
  for (const Sequence& input : {Sequence{{"bad \xff byte"}}, Sequence{{"a", "bad \xff byte"}}}) {
    try {
      encoder.encode(input, false, TruncationDirection::right);
      FAIL() << "expected an ApiError";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 422);
      EXPECT_EQ(e.type(), "tokenizer");
    }
  }
}

}  // namespace
}  // namespace textclass::serve
