#include <gtest/gtest.h>

#include "textclass/text/pre_tokenizer.hpp"

namespace textclass::text {
namespace {

std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  for_each_word(text, [&](std::string_view word) {
    words.emplace_back(word);
    return true;
  });
  return words;
}

using Words = std::vector<std::string>;

TEST(PreTokenizer, SplitsAtWhitespaceAndIsolatesPunctuation) {
  EXPECT_EQ(words_of("  don't stop-believing... "), (Words{"don", "'", "t", "stop", "-", "believing", ".", ".", "."}));
  EXPECT_EQ(words_of(""), Words{});
  EXPECT_EQ(words_of("   "), Words{});
}

TEST(PreTokenizer, AsciiSymbolsCountAsPunctuation) {
  EXPECT_EQ(words_of("a$b+c<d=e>f^g`h|i~j"),
            (Words{"a", "$", "b", "+", "c", "<", "d", "=", "e", ">", "f", "^", "g", "`", "h", "|", "i", "~", "j"}));
}

TEST(PreTokenizer, UnicodePunctuationSplitsButSymbolsDoNot) {
  EXPECT_EQ(words_of("a–b«c»d…e"), (Words{"a", "–", "b", "«", "c", "»", "d", "…", "e"}));
  EXPECT_EQ(words_of("5€ ½✓"), (Words{"5€", "½✓"}));
}

TEST(PreTokenizer, UnicodeWhitespaceSplits) {
  EXPECT_EQ(words_of("a\u00a0b\u3000c\u2009d\ve"), (Words{"a", "b", "c", "d", "e"}));
}

TEST(PreTokenizer, StopsWhenAskedTo) {
  std::vector<std::string> seen;
  for_each_word("one two three", [&](std::string_view word) {
    seen.emplace_back(word);
    return seen.size() < 2;
  });
  EXPECT_EQ(seen, (Words{"one", "two"}));
}

}  // namespace
}  // namespace textclass::text
