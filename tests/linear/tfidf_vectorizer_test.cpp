// TfidfVectorizer against sklearn 1.2's TfidfVectorizer on three small documents, and the idf,
// sublinear tf and l2 formulas checked by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "textclass/error.hpp"
#include "textclass/linear/tfidf_vectorizer.hpp"

namespace textclass::linear {
namespace {

const std::vector<std::string> kDocuments = {"apple banana apple", "banana cherry", "cherry cherry cherry apple"};

std::vector<std::vector<double>> dense(const SparseMatrix& m) {
  std::vector<std::vector<double>> out(m.rows, std::vector<double>(m.cols, 0.0));
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (std::size_t k = m.row_start[r]; k < m.row_start[r + 1]; ++k) out[r][m.columns[k]] = m.values[k];
  }
  return out;
}

void expect_near(const std::vector<std::vector<double>>& actual, const std::vector<std::vector<double>>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t r = 0; r < actual.size(); ++r) {
    ASSERT_EQ(actual[r].size(), expected[r].size());
    for (std::size_t c = 0; c < actual[r].size(); ++c) EXPECT_NEAR(actual[r][c], expected[r][c], 1e-8) << r << "," << c;
  }
}

TfidfOptions unigrams() {
  TfidfOptions options;
  options.analyzer.ngram_max = 1;
  return options;
}

TEST(TfidfVectorizer, SublinearSmoothL2MatchesSklearn) {
  TfidfVectorizer vectorizer(unigrams());  // sublinear_tf, smooth_idf, l2
  const SparseMatrix x = vectorizer.fit_transform(kDocuments);
  EXPECT_EQ(vectorizer.terms(), (std::vector<std::string>{"apple", "banana", "cherry"}));
  // Each term is in 2 of 3 documents: idf = ln(4 / 3) + 1.
  for (double idf : vectorizer.idf()) EXPECT_NEAR(idf, std::log(4.0 / 3.0) + 1.0, 1e-12);
  expect_near(dense(x), {{0.861037, 0.50854232, 0}, {0, 0.70710678, 0.70710678}, {0.43016528, 0, 0.90275015}});
  // By hand, row 0: tf "apple" = 1 + ln 2, "banana" = 1, same idf, then unit length.
  const double apple = 1 + std::log(2.0), norm = std::sqrt(apple * apple + 1);
  EXPECT_NEAR(dense(x)[0][0], apple / norm, 1e-12);
}

TEST(TfidfVectorizer, RawCountsMatchSklearn) {
  TfidfOptions options = unigrams();
  options.sublinear_tf = false;
  TfidfVectorizer vectorizer(options);
  expect_near(dense(vectorizer.fit_transform(kDocuments)),
              {{0.89442719, 0.4472136, 0}, {0, 0.70710678, 0.70710678}, {0.31622777, 0, 0.9486833}});
}

TEST(TfidfVectorizer, UnsmoothedIdfWithoutNormMatchesSklearn) {
  TfidfOptions options = unigrams();
  options.sublinear_tf = false;
  options.smooth_idf = false;
  options.l2_normalize = false;
  TfidfVectorizer vectorizer(options);
  const SparseMatrix x = vectorizer.fit_transform(kDocuments);
  for (double idf : vectorizer.idf()) EXPECT_NEAR(idf, std::log(3.0 / 2.0) + 1.0, 1e-12);  // 1.40546511
  expect_near(dense(x), {{2.81093022, 1.40546511, 0}, {0, 1.40546511, 1.40546511}, {1.40546511, 0, 4.21639532}});
}

TEST(TfidfVectorizer, DocumentFrequencyAndCountLimits) {
  std::vector<std::string> documents = kDocuments;
  documents.push_back("date");
  TfidfOptions options = unigrams();
  options.min_df = 2;
  TfidfVectorizer by_min_df(options);
  by_min_df.fit_transform(documents);
  EXPECT_EQ(by_min_df.terms(), (std::vector<std::string>{"apple", "banana", "cherry"}));

  options = unigrams();
  options.max_features = 2;  // corpus counts: apple 3, cherry 4, banana 2, date 1
  TfidfVectorizer by_count(options);
  by_count.fit_transform(documents);
  EXPECT_EQ(by_count.terms(), (std::vector<std::string>{"apple", "cherry"}));

  options = unigrams();
  options.max_df = 0.5;  // at most 2 of 4 documents: "the" (in 3) goes
  TfidfVectorizer by_max_df(options);
  by_max_df.fit_transform({"the apple", "the pear", "the plum", "fig"});
  EXPECT_EQ(by_max_df.terms(), (std::vector<std::string>{"apple", "fig", "pear", "plum"}));

  options.min_df = 5;
  TfidfVectorizer nothing_left(options);
  EXPECT_THROW(nothing_left.fit_transform(documents), Error);
}

TEST(TfidfVectorizer, VocabularyIsSortedByCodePoint) {
  TfidfOptions options = unigrams();
  options.analyzer.lowercase = false;
  TfidfVectorizer vectorizer(options);
  vectorizer.fit_transform({"Apple apple APPLE zebra Zebra éclair"});
  EXPECT_EQ(vectorizer.terms(), (std::vector<std::string>{"APPLE", "Apple", "Zebra", "apple", "zebra", "éclair"}));
}

TEST(TfidfVectorizer, BigramsAreFeatures) {
  TfidfVectorizer vectorizer;  // (1, 2)
  vectorizer.fit_transform({"new york city", "new york"});
  EXPECT_EQ(vectorizer.terms(), (std::vector<std::string>{"city", "new", "new york", "york", "york city"}));
}

TEST(TfidfVectorizer, TransformDropsUnseenTerms) {
  TfidfVectorizer vectorizer(unigrams());
  vectorizer.fit_transform(kDocuments);
  const SparseMatrix x = vectorizer.transform({"banana kiwi kiwi", "kiwi", ""});
  expect_near(dense(x), {{0, 1, 0}, {0, 0, 0}, {0, 0, 0}});
  EXPECT_EQ(x.nonzeros(), 1u);
}

TEST(TfidfVectorizer, InvalidUtf8NamesTheDocument) {
  TfidfVectorizer vectorizer(unigrams());
  try {
    vectorizer.fit_transform({"fine", "caf\xe9"});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "document 2: invalid UTF-8 at byte 4");
  }
}

TEST(TfidfVectorizer, WordPieceTokensAsFeatures) {
  TfidfOptions options = unigrams();
  options.analyzer.tokens = TokenKind::wordpiece;
  options.analyzer.lowercase = false;
  auto tokenizer = std::make_shared<const text::Tokenizer>(text::Tokenizer::load(TEXTCLASS_SOURCE_DIR "/data/bert-base-cased"));
  TfidfVectorizer vectorizer(options, tokenizer);
  const std::string text = "Tokenization works, tokenization worked";
  vectorizer.fit_transform({text});
  // The features are the tokenizer's tokens ([CLS] and [SEP] included), sorted and unique.
  std::vector<std::string> tokens = tokenizer->tokens(text);
  ASSERT_GT(tokens.size(), 6u);  // WordPiece splits these words
  std::sort(tokens.begin(), tokens.end());
  tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
  EXPECT_EQ(vectorizer.terms(), tokens);
}

}  // namespace
}  // namespace textclass::linear
