// train::Predictor against HF: the golden batch's 8 rows, unpadded and run through the
// predictor's length-sorted batches of 3, give in input order the logits and probabilities that
// transformers gives for the fixture's BertForSequenceClassification (its own head, as `predict`
// loads it), and their mean cross-entropy is transformers' loss.
#include <gtest/gtest.h>

#include <cmath>

#include "../model/hf_fixtures.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/train/predictor.hpp"

namespace textclass::train {
namespace {

TEST(Predictor, MatchesHFLogitsInInputOrder) {
  auto backend = backend::make_cpu_backend();
  auto bert = model::load_bert(*backend, textclass::testing::hf_fixture("tiny"));
  const textclass::testing::GoldenBatch golden;
  data::TokenRows rows;
  for (int b = 0; b < golden.B; ++b) {
    std::vector<std::int32_t> ids;
    for (int t = 0; t < golden.T; ++t)
      if (golden.attention_mask[b * golden.T + t]) ids.push_back(golden.input_ids[b * golden.T + t]);
    rows.ids.push_back(ids);
    rows.labels.push_back(golden.labels[b]);
  }
  Predictor predictor(*bert, 3, 0);
  const Predictions predictions = predictor.predict(rows);
  const std::vector<float> expected = textclass::testing::golden_tensors().read_floats("hf_head.logits");
  const std::size_t V = 4;
  ASSERT_EQ(predictions.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    double prob_sum = 0.0, exp_sum = 0.0;
    std::size_t best = 0;
    for (std::size_t v = 0; v < V; ++v) {
      EXPECT_NEAR(predictions.logits[i][v], expected[i * V + v], 1e-5);
      prob_sum += predictions.probs[i][v];
      exp_sum += std::exp(static_cast<double>(expected[i * V + v]));
      if (expected[i * V + v] > expected[i * V + best]) best = v;
    }
    for (std::size_t v = 0; v < V; ++v)  // transformers' probabilities: softmax of its logits
      EXPECT_NEAR(predictions.probs[i][v], std::exp(static_cast<double>(expected[i * V + v])) / exp_sum, 1e-5);
    EXPECT_NEAR(prob_sum, 1.0, 1e-6);
    EXPECT_EQ(predictions.label_ids[i], static_cast<int>(best));
  }
  const double hf_loss = textclass::testing::golden_json()["hf_head.loss"].get<double>();
  EXPECT_NEAR(mean_cross_entropy(predictions, rows.labels), hf_loss, 1e-5);
  std::size_t right = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) right += predictions.label_ids[i] == rows.labels[i];
  EXPECT_DOUBLE_EQ(accuracy(predictions, rows.labels), static_cast<double>(right) / rows.size());
}

// HF's eval_loss for the other tasks: BCE with logits over rows and classes, the mean squared error.
TEST(MeanLoss, IsTheTasksLossOverEveryRow) {
  Predictions predictions;
  predictions.logits = {{2.0f, -1.0f}, {-30.0f, 0.5f}, {0.0f, 12.0f}};
  data::TokenRows rows;
  rows.ids.resize(3);
  rows.target_width = 2;
  rows.targets = {1, 0, 1, 1, 0, 0};
  double bce = 0.0;
  for (std::size_t i = 0; i < 6; ++i) {
    const double x = predictions.logits[i / 2][i % 2], t = rows.targets[i];
    bce += -(t * std::log(1.0 / (1.0 + std::exp(-x))) + (1.0 - t) * std::log(1.0 - 1.0 / (1.0 + std::exp(-x))));
  }
  EXPECT_NEAR(mean_loss(predictions, rows, model::ProblemType::multi_label_classification), bce / 6.0, 1e-12);
  predictions.logits = {{2.5f}, {-1.0f}, {0.25f}};
  rows.target_width = 1;
  rows.targets = {3.0f, -1.0f, 1.25f};
  EXPECT_NEAR(mean_loss(predictions, rows, model::ProblemType::regression), (0.25 + 0.0 + 1.0) / 3.0, 1e-12);
}

}  // namespace
}  // namespace textclass::train
