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
  EXPECT_EQ(loaded.classifier.coef(), model.classifier.coef());
  EXPECT_EQ(loaded.classifier.intercept(), model.classifier.intercept());
  EXPECT_EQ(loaded.classifier.options().C, 3.5);
  EXPECT_EQ(loaded.vectorizer.options().analyzer.ngram_max, 2);
  const std::vector<std::string> unseen = {"stocks fell", "a goal", "phones"};
  EXPECT_EQ(loaded.predict_proba(unseen), model.predict_proba(unseen));
  // Written atomically: nothing but the model is left in the folder.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(scratch.path()), {}), 1);
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
  const std::uint32_t version = 2;
  std::memcpy(bytes.data() + 16, &version, sizeof version);
  EXPECT_EQ(error_for(bytes), file_.string() + ": format version 2, this textclass reads version 1");
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
