// WordPiece on a vocabulary small enough to check by hand.
#include <gtest/gtest.h>

#include "textclass/error.hpp"
#include "textclass/text/wordpiece.hpp"

namespace textclass::text {
namespace {

const TokenEntries vocab = {
    {"[UNK]", 0}, {"un", 1}, {"##aff", 2}, {"##able", 3}, {"a", 4}, {"##a", 5}, {"##aa", 6}, {"é", 7}, {"##é", 8},
    {"unaffable", 9}, {"##", 10}};

std::vector<std::int32_t> pieces(std::string_view word, WordPieceOptions options = {}) {
  std::vector<std::int32_t> ids{-7};  // tokenize() appends: keep what was there
  WordPiece(vocab, options, "test vocab").tokenize(word, ids);
  return {ids.begin() + 1, ids.end()};
}

using Ids = std::vector<std::int32_t>;

TEST(WordPiece, TakesTheLongestPrefixFirst) {
  EXPECT_EQ(pieces("unaffable"), Ids{9});
  EXPECT_EQ(pieces("unaffableable"), (Ids{9, 3}));
  EXPECT_EQ(pieces("unaffa"), (Ids{1, 2, 5}));  // no "unaffa", "unaff", "unaf" or "una": backs off to "un"
  EXPECT_EQ(pieces("aaaaa"), (Ids{4, 6, 6}));
  EXPECT_EQ(pieces("ééé"), (Ids{7, 8, 8}));
}

TEST(WordPiece, AWordWithAPieceMissingIsOneUnknown) {
  EXPECT_EQ(pieces("unx"), Ids{0});
  EXPECT_EQ(pieces("x"), Ids{0});
}

TEST(WordPiece, WordsOverTheCharacterLimitAreUnknownEvenIfCoverable) {
  WordPieceOptions options;
  options.max_input_chars_per_word = 5;
  EXPECT_EQ(pieces("aaaaa", options), (Ids{4, 6, 6}));
  EXPECT_EQ(pieces("aaaaaa", options), Ids{0});
  // The limit counts characters, not bytes: five two-byte letters are within it.
  EXPECT_EQ(pieces("ééééé", options), (Ids{7, 8, 8, 8, 8}));
}

TEST(WordPiece, ContinuationsUseTheConfiguredPrefix) {
  const TokenEntries other = {{"<unk>", 0}, {"un", 1}, {"@@able", 2}};
  WordPieceOptions options;
  options.unk_token = "<unk>";
  options.continuing_subword_prefix = "@@";
  std::vector<std::int32_t> ids;
  WordPiece(other, options, "test vocab").tokenize("unable", ids);
  EXPECT_EQ(ids, (Ids{1, 2}));
}

TEST(WordPiece, VocabularyWithoutTheUnknownTokenIsAnError) {
  WordPieceOptions options;
  options.unk_token = "[NOPE]";
  try {
    WordPiece(vocab, options, "my/vocab.txt");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("my/vocab.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[NOPE]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace textclass::text
