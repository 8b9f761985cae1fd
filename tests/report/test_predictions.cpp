// Predictions as JSON Lines and CSV: the shared fields, input order, and numbers that read back
// to the very same floats.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "textclass/report/predictions.hpp"

namespace textclass::report {
namespace {

const std::vector<std::string> kClasses = {"World", "Sports", "Sci, \"Tech\""};

std::vector<Prediction> sample_predictions() {
  return {{1, {0.1f, 0.7f, 0.2f}}, {2, {1e-7f, 0.33333334f, 0.6666666f}}, {0, {1.0f, 0.0f, 0.0f}}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Predictions, JsonLinesHoldLabelScoreAndExactProbabilities) {
  std::ostringstream out;
  write_predictions(out, sample_predictions(), kClasses, false);
  const auto lines = lines_of(out.str());
  const std::vector<Prediction> predictions = sample_predictions();
  ASSERT_EQ(lines.size(), predictions.size());
  EXPECT_EQ(lines[0], R"({"label": "Sports", "label_id": 1, "score": 0.7, "probs": [0.1, 0.7, 0.2]})");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Prediction& expected = predictions[i];
    const nlohmann::json row = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(row["label"], kClasses[expected.label_id]);
    EXPECT_EQ(row["label_id"], expected.label_id);
    EXPECT_EQ(static_cast<float>(row["score"].get<double>()), expected.scores[expected.label_id]);
    ASSERT_EQ(row["probs"].size(), expected.scores.size());
    for (std::size_t c = 0; c < expected.scores.size(); ++c) {
      EXPECT_EQ(static_cast<float>(row["probs"][c].get<double>()), expected.scores[c]);
    }
  }
}

TEST(Predictions, NonFiniteProbabilitiesBecomeJsonNull) {
  std::ostringstream out;
  write_predictions(out, {{0, {std::numeric_limits<float>::quiet_NaN(), 0.5f, 0.5f}}}, kClasses, false);
  const nlohmann::json row = nlohmann::json::parse(out.str());
  EXPECT_TRUE(row["score"].is_null());
  EXPECT_TRUE(row["probs"][0].is_null());
}

TEST(Predictions, CsvHasHeaderAndQuotesFieldsThatNeedIt) {
  std::ostringstream out;
  write_predictions(out, sample_predictions(), kClasses, true);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], R"(label,label_id,score,prob_World,prob_Sports,"prob_Sci, ""Tech""")");
  EXPECT_EQ(lines[1], "Sports,1,0.7,0.1,0.7,0.2");
  EXPECT_EQ(lines[2], R"("Sci, ""Tech""",2,0.6666666,1e-07,0.33333334,0.6666666)");
  EXPECT_EQ(std::stof("0.33333334"), 0.33333334f);
  EXPECT_EQ(std::stof("1e-07"), 1e-7f);
}

TEST(Predictions, RejectsProbabilitiesThatDoNotMatchTheClasses) {
  std::ostringstream out;
  EXPECT_THROW(write_predictions(out, {{0, {0.5f, 0.5f}}}, kClasses, false), std::invalid_argument);
  EXPECT_THROW(write_predictions(out, {{3, {0.2f, 0.3f, 0.5f}}}, kClasses, true), std::invalid_argument);
  EXPECT_TRUE(out.str().empty());
}

}  // namespace
}  // namespace textclass::report
