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
  EXPECT_EQ(encoder.encode({{kText}}, false, TruncationDirection::right), tiny_tokenizer().encode(kText, 512).ids);
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
  EXPECT_EQ(encoder.encode({{kText}}, true, TruncationDirection::right), tiny_tokenizer().encode(kText, 6).ids);
  // [CLS], the text's last four tokens, [SEP]
  const std::vector<std::int32_t> left = encoder.encode({{kText}}, true, TruncationDirection::left);
  std::vector<std::int32_t> expected = {full.front()};
  expected.insert(expected.end(), full.end() - 5, full.end());
  EXPECT_EQ(left, expected);
}

TEST(InputEncoder, PairsAndInvalidUtf8AreTokenizerErrors) {
  const InputEncoder encoder(tiny_tokenizer(), 512);
  for (const Sequence& input : {Sequence{{"a", "b"}}, Sequence{{"bad \xff byte"}}}) {
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
