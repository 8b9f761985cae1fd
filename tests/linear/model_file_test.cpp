// Saving and loading the baseline: a round trip gives the same model, and every kind of damaged
// file is one Error naming the file.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "../support/scratch_dir.hpp"
#include "textclass/error.hpp"
#include "textclass/linear/model_file.hpp"
#include "textclass/text/files.hpp"

namespace textclass::linear {
namespace {

const std::vector<std::string> kTexts = {"stocks rose sharply", "the team won the match", "shares fell on wall street",
                                         "a late goal won the cup", "new chip speeds up phones", "markets rally"};
const std::vector<int> kLabels = {1, 0, 1, 0, 2, 1};

TextClassifier fitted_model() {
  TfidfOptions vectorizer;
  vectorizer.min_df = 1;
  vectorizer.analyzer.ngram_max = 2;
  LogisticRegressionOptions classifier;
  classifier.C = 3.5;
  TextClassifier model{{"Sports", "Business", "Sci/Tech"}, TfidfVectorizer(vectorizer), LogisticRegression(classifier)};
  model.fit(kTexts, kLabels);
  return model;
}

TEST(ModelFile, RoundTripKeepsEverything) {
  const textclass::testing::ScratchDir scratch;
  const TextClassifier model = fitted_model();
  const auto file = scratch.path() / "baseline.bin";
  save_text_classifier(model, file);
  const TextClassifier loaded = load_text_classifier(file);

  EXPECT_EQ(loaded.class_names, model.class_names);
  EXPECT_EQ(loaded.vectorizer.terms(), model.vectorizer.terms());
  EXPECT_EQ(loaded.vectorizer.idf(), model.vectorizer.idf());
  const auto& classifier = std::get<LogisticRegression>(model.estimator);
  const auto& loaded_classifier = std::get<LogisticRegression>(loaded.estimator);
  EXPECT_EQ(loaded_classifier.coef(), classifier.coef());
  EXPECT_EQ(loaded_classifier.intercept(), classifier.intercept());
  EXPECT_EQ(loaded_classifier.options().C, 3.5);
  EXPECT_EQ(loaded.vectorizer.options().analyzer.ngram_max, 2);
  const std::vector<std::string> unseen = {"stocks fell", "a goal", "phones"};
  EXPECT_EQ(loaded.predict_scores(unseen), model.predict_scores(unseen));
  // Written atomically: nothing but the model is left in the folder.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(scratch.path()), {}), 1);
}

TEST(ModelFile, MultiLabelAndRegressionRoundTrip) {
  const textclass::testing::ScratchDir scratch;
  const std::vector<std::string> unseen = {"stocks fell", "a goal", "phones"};
  // topics: every row holds class 2, so it is a constant (intercept +inf) that must survive the trip
  TextClassifier topics{{"markets", "sport", "news"}, TfidfVectorizer(), OneVsRestLogisticRegression()};
  topics.fit(kTexts, std::vector<std::vector<int>>{{0, 2}, {1, 2}, {0, 2}, {1, 2}, {2}, {0, 2}});
  save_text_classifier(topics, scratch.path() / "topics.bin");
  const TextClassifier loaded_topics = load_text_classifier(scratch.path() / "topics.bin");
  EXPECT_EQ(loaded_topics.problem_type(), model::ProblemType::multi_label_classification);
  EXPECT_EQ(loaded_topics.predict_scores(unseen), topics.predict_scores(unseen));
  EXPECT_EQ(loaded_topics.predict_scores(unseen)[2], 1.0);

  RidgeOptions options;
  options.alpha = 0.5;
  TextClassifier ratings{{}, TfidfVectorizer(), RidgeRegression(options)};
  ratings.fit(kTexts, std::vector<double>{4.5, 1, 3.5, 2, 5, 4});
  save_text_classifier(ratings, scratch.path() / "ratings.bin");
  const TextClassifier loaded_ratings = load_text_classifier(scratch.path() / "ratings.bin");
  EXPECT_EQ(loaded_ratings.problem_type(), model::ProblemType::regression);
  EXPECT_EQ(std::get<RidgeRegression>(loaded_ratings.estimator).options().alpha, 0.5);
  EXPECT_EQ(loaded_ratings.outputs(), 1u);
  EXPECT_EQ(loaded_ratings.predict_scores(unseen), ratings.predict_scores(unseen));
}

// Version 1 files, from before the baseline had tasks, have no problem_type: single-label.
TEST(ModelFile, VersionOneIsSingleLabel) {
  const textclass::testing::ScratchDir scratch;
  const TextClassifier model = fitted_model();
  save_text_classifier(model, scratch.path() / "v2.bin");
  std::string bytes = text::read_file(scratch.path() / "v2.bin");
  const std::string field = "\"problem_type\":\"single_label_classification\",";
  const std::size_t at = bytes.find(field);
  ASSERT_NE(at, std::string::npos);
  bytes.erase(at, field.size());
  std::uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data() + 20, sizeof header_length);
  header_length -= field.size();
  std::memcpy(bytes.data() + 20, &header_length, sizeof header_length);
  const std::uint32_t version = 1;
  std::memcpy(bytes.data() + 16, &version, sizeof version);
  scratch.write("v1.bin", bytes);
  const TextClassifier loaded = load_text_classifier(scratch.path() / "v1.bin");
  EXPECT_EQ(loaded.problem_type(), model::ProblemType::single_label_classification);
  EXPECT_EQ(loaded.predict_scores({"markets"}), model.predict_scores({"markets"}));
}

class DamagedModelFile : public ::testing::Test {
 protected:
  void SetUp() override {
    save_text_classifier(fitted_model(), file_);
    bytes_ = text::read_file(file_);
  }
  // Loads `bytes` from the file and returns the error message.
  std::string error_for(const std::string& bytes) {
    scratch_.write("baseline.bin", bytes);
    try {
      load_text_classifier(file_);
    } catch (const Error& e) {
      return e.what();
    }
    return "(loaded)";
  }

  textclass::testing::ScratchDir scratch_;
  std::filesystem::path file_ = scratch_.path() / "baseline.bin";
  std::string bytes_;
};

TEST_F(DamagedModelFile, MissingFile) {
  EXPECT_THROW(load_text_classifier(scratch_.path() / "none.bin"), Error);
}

TEST_F(DamagedModelFile, ForeignFile) {
  EXPECT_EQ(error_for("{\"not\": \"a model\"}\n............."), file_.string() + ": not a textclass linear model");
}

TEST_F(DamagedModelFile, NewerVersion) {
  std::string bytes = bytes_;
  const std::uint32_t version = 3;
  std::memcpy(bytes.data() + 16, &version, sizeof version);
  EXPECT_EQ(error_for(bytes), file_.string() + ": format version 3, this textclass reads version 2");
}

TEST_F(DamagedModelFile, TruncatedAnywhere) {
  // Cut inside the magic, the version, the header length, the header, the weights, the last byte.
  for (std::size_t length : {std::size_t{0}, std::size_t{18}, std::size_t{22}, std::size_t{60}, bytes_.size() / 2,
                             bytes_.size() - 1}) {
    const std::string message = error_for(bytes_.substr(0, length));
    EXPECT_EQ(message.rfind(file_.string() + ": ", 0), 0u) << message;
    if (length >= 16) {
      EXPECT_NE(message.find("truncated"), std::string::npos) << message;
    }
  }
}

TEST_F(DamagedModelFile, TrailingBytes) {
  EXPECT_EQ(error_for(bytes_ + "xyz"), file_.string() + ": 3 unexpected bytes after the model");
}

TEST_F(DamagedModelFile, BadHeader) {
  std::string bytes = bytes_;
  const std::size_t header = bytes.find("\"classes\"");
  ASSERT_NE(header, std::string::npos);
  bytes.replace(header, 9, "\"klasses\"");
  EXPECT_EQ(error_for(bytes).rfind(file_.string() + ": bad header: ", 0), 0u);
}

TEST_F(DamagedModelFile, VocabularyDisagreesWithHeader) {
  std::string bytes = bytes_;
  const std::size_t newline = bytes.find('\n', bytes.find('}', 28));
  ASSERT_NE(newline, std::string::npos);
  bytes[newline] = ' ';  // two terms become one
  EXPECT_NE(error_for(bytes).find("the vocabulary holds"), std::string::npos);
}

}  // namespace
}  // namespace textclass::linear
