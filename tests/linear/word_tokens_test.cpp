// sklearn's default analyzer, CountVectorizer().build_analyzer(), on texts that exercise the
// token pattern r"(?u)\b\w\w+\b" and Python's str.lower(); expected tokens are sklearn 1.2's output.
#include <gtest/gtest.h>

#include "textclass/error.hpp"
#include "textclass/linear/analyzer.hpp"
#include "textclass/linear/word_tokens.hpp"

namespace textclass::linear {
namespace {

std::vector<std::string> analyze(std::string_view text, int ngram_min = 1, int ngram_max = 1, bool lower = true) {
  AnalyzerOptions options;
  options.ngram_min = ngram_min;
  options.ngram_max = ngram_max;
  options.lowercase = lower;
  const Analyzer analyzer(options, nullptr);
  Terms terms;
  analyzer.analyze(text, terms);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < terms.size(); ++i) out.emplace_back(terms[i]);
  return out;
}

using Tokens = std::vector<std::string>;

TEST(WordTokens, SingleCharactersAndPunctuationSplit) {
  EXPECT_EQ(analyze("Hello, World! a I'm 3.14 x_y_z don't"), (Tokens{"hello", "world", "14", "x_y_z", "don"}));
  EXPECT_EQ(analyze("a b c"), Tokens{});
  EXPECT_EQ(analyze(""), Tokens{});
}

TEST(WordTokens, UnicodeLettersAndDigitsAreWordCharacters) {
  EXPECT_EQ(analyze("Ünïcödé ΣΟΦΊΑ straße 東京タワー ab-cd"),
            (Tokens{"ünïcödé", "σοφία", "straße", "東京タワー", "ab", "cd"}));
}

TEST(WordTokens, CombiningMarksSplitWords) {
  // "e" + U+0301: the accent is category Mn, not \w, so "école" loses its first letter.
  EXPECT_EQ(analyze("e\u0301cole cafe\u0301 x"), (Tokens{"cole", "cafe"}));
  // Python lowercases İ to "i" + U+0307, a mark, which splits the word as well.
  EXPECT_EQ(analyze("İstanbul"), Tokens{"stanbul"});
}

TEST(WordTokens, LowercaseIsOptional) {
  EXPECT_EQ(analyze("Apple APPLE", 1, 1, false), (Tokens{"Apple", "APPLE"}));
  EXPECT_EQ(lowercase("ÀÉ Straße ABC"), "àé straße abc");
}

TEST(WordTokens, NgramsComeInSklearnOrder) {
  EXPECT_EQ(analyze("the quick brown fox", 1, 3),
            (Tokens{"the", "quick", "brown", "fox", "the quick", "quick brown", "brown fox", "the quick brown",
                    "quick brown fox"}));
  EXPECT_EQ(analyze("the quick brown fox", 2, 2), (Tokens{"the quick", "quick brown", "brown fox"}));
  EXPECT_EQ(analyze("alone", 2, 3), Tokens{});
}

TEST(WordTokens, BadNgramRangeIsAnError) {
  AnalyzerOptions options;
  options.ngram_min = 2;
  options.ngram_max = 1;
  EXPECT_THROW(Analyzer(options, nullptr), Error);
  options.ngram_min = 1;
  options.tokens = TokenKind::wordpiece;
  EXPECT_THROW(Analyzer(options, nullptr), Error);  // wordpiece without a tokenizer
}

}  // namespace
}  // namespace textclass::linear
