// Finite differences of the whole model's loss against Bert::backward, on a small random model of
// each family: a check of the backward pass's wiring that does not depend on the HF fixtures. Every
// trainable tensor is probed at its largest-gradient entry and at a random one.
#include <random>

#include <gtest/gtest.h>

#include "hf_fixtures.hpp"
#include "textclass/error.hpp"
#include "textclass/model/normal_init.hpp"

namespace textclass::model {
namespace {

BertConfig small_config(Family family, double dropout) {
  BertConfig c;
  c.family = family;
  c.pad_token_id = family == Family::roberta ? 1 : 0;  // (RoBERTa's positions then start at 2)
  c.vocab_size = 30;
  c.hidden_size = 8;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 16;
  c.max_position_embeddings = 8 + c.position_offset();
  c.type_vocab_size = 2;
  c.hidden_dropout_prob = dropout;
  c.attention_probs_dropout_prob = dropout;
  c.layer_norm_eps = 1e-12;
  c.labels = {"a", "b", "c"};
  return c;
}

struct SmallBatch {
  // 3 rows of 5 tokens; rows 1 and 2 end in padding (id 0, mask 0)
  std::vector<int32_t> ids = {2, 7, 11, 29, 3, 2, 5, 3, 0, 0, 2, 13, 3, 0, 0};
  std::vector<int32_t> types = {0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0};
  std::vector<int32_t> mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0};
  std::vector<int32_t> labels = {2, 0, 1};
  Inputs inputs() const { return {3, 5, ids, types, mask, labels, {}}; }
};

// Probes every trainable tensor of bert (random weights set here) on the batch.
void check_gradients(backend::Backend* backend, Bert& bert, const Inputs& inputs) {
  // random weights large enough that every path matters; LayerNorm gains around 1
  const ParameterTable& table = bert.table();
  NormalInit init(11);
  std::vector<float> params(table.total_floats(), 0.0f);
  for (const ParameterView& view : table.views()) {
    std::vector<float> values = init.draw(view.numel, 0.4);
    if (view.name.find("LayerNorm.weight") != std::string::npos || view.name.find("layer_norm.weight") != std::string::npos)
      for (float& v : values) v += 1.0f;
    std::copy(values.begin(), values.end(), params.begin() + view.offset);
  }
  backend->upload(bert.params(), params.data(), params.size() * sizeof(float));

  Activations acts(*backend);
  const uint64_t seed = 99;  // a fixed seed fixes the dropout masks, so the loss is smooth
  bert.zero_grad();
  bert.forward(acts, inputs, seed);
  bert.backward(acts);
  std::vector<float> grads(table.total_floats());
  backend->download(grads.data(), bert.grads(), grads.size() * sizeof(float));

  auto loss_at = [&](std::size_t index, float value) {
    backend->upload(bert.params() + index, &value, sizeof(float));
    float loss = *bert.forward(acts, inputs, seed).loss;
    backend->upload(bert.params() + index, &params[index], sizeof(float));
    return static_cast<double>(loss);
  };
  std::mt19937 pick(5);
  const double h = 1e-2;
  int checked = 0, trainable = 0;
  for (const ParameterView& view : table.views()) {
    trainable += view.trainable;
    std::size_t largest = view.offset;
    for (std::size_t i = view.offset; i < view.offset + view.numel; ++i)
      if (std::fabs(grads[i]) > std::fabs(grads[largest])) largest = i;
    std::size_t random = view.offset + pick() % view.numel;
    for (std::size_t i : {largest, random}) {
      double numeric = (loss_at(i, params[i] + h) - loss_at(i, params[i] - h)) / (2 * h);
      if (!view.trainable) {
        EXPECT_EQ(grads[i], 0.0f) << view.name;  // the unused pooler under the notebook head
        EXPECT_NEAR(numeric, 0.0, 1e-6) << view.name;
        continue;
      }
      EXPECT_NEAR(grads[i], numeric, 2e-4 + 5e-3 * std::fabs(numeric)) << view.name << " [" << i - view.offset << "]";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2 * trainable);
  EXPECT_GE(trainable, 39);
}

class GradientCheck : public ::testing::TestWithParam<std::tuple<Family, Head, double>> {
 protected:
  std::unique_ptr<backend::Backend> backend = backend::make_cpu_backend();
};

TEST_P(GradientCheck, BackwardMatchesFiniteDifferences) {
  auto [family, head, dropout] = GetParam();
  Bert bert(*backend, small_config(family, dropout), head, /*with_pooler=*/family == Family::bert);
  check_gradients(backend.get(), bert, SmallBatch().inputs());
}

// Each task's loss through the whole model (transformers' head, dropout on).
TEST(TaskGradientCheck, WeightedSmoothedCrossEntropy) {
  auto backend = backend::make_cpu_backend();
  Bert bert(*backend, small_config(Family::bert, 0.1), Head::pooler, true);
  bert.set_loss_options({{0.5f, 2.0f, 1.5f}, 0.1f});
  check_gradients(backend.get(), bert, SmallBatch().inputs());
}

TEST(TaskGradientCheck, MultiLabel) {
  auto backend = backend::make_cpu_backend();
  BertConfig config = small_config(Family::bert, 0.1);
  config.problem_type = ProblemType::multi_label_classification;
  Bert bert(*backend, config, Head::pooler, true);
  SmallBatch batch;
  const std::vector<float> targets = {1, 0, 1, 0, 0, 0, 1, 1, 0};
  Inputs inputs = batch.inputs();
  inputs.labels = {};
  inputs.targets = targets;
  check_gradients(backend.get(), bert, inputs);
}

TEST(TaskGradientCheck, Regression) {
  auto backend = backend::make_cpu_backend();
  BertConfig config = small_config(Family::bert, 0.1);
  config.labels = {"LABEL_0"};  // one output: transformers' regression without a problem_type
  ASSERT_EQ(config.task(), ProblemType::regression);
  Bert bert(*backend, config, Head::cls_linear, true);
  SmallBatch batch;
  const std::vector<float> targets = {2.5f, -1.0f, 0.25f};
  Inputs inputs = batch.inputs();
  inputs.labels = {};
  inputs.targets = targets;
  check_gradients(backend.get(), bert, inputs);
}

TEST(TaskGradientCheck, LabelsThatDoNotFitTheTaskAreRefused) {
  auto backend = backend::make_cpu_backend();
  BertConfig config = small_config(Family::bert, 0.0);
  config.problem_type = ProblemType::multi_label_classification;
  Bert bert(*backend, config, Head::pooler, true);
  Activations acts(*backend);
  EXPECT_THROW(bert.forward(acts, SmallBatch().inputs()), std::invalid_argument);  // class labels
  EXPECT_THROW(bert.set_loss_options({{}, 0.1f}), Error);  // smoothing is for single-label
  Bert single(*backend, small_config(Family::bert, 0.0), Head::pooler, true);
  EXPECT_THROW(single.set_loss_options({{1.0f, 2.0f}, 0.0f}), Error);  // two weights for three classes
  EXPECT_THROW(single.set_loss_options({{}, 1.0f}), Error);
}

std::string check_name(const ::testing::TestParamInfo<std::tuple<Family, Head, double>>& info) {
  return std::string(model_type(std::get<0>(info.param))) +
         (std::get<1>(info.param) == Head::pooler ? "PoolerHead" : "NotebookHead") +
         (std::get<2>(info.param) > 0 ? "WithDropout" : "NoDropout");
}

INSTANTIATE_TEST_SUITE_P(HeadsAndDropout, GradientCheck,
                         ::testing::Combine(::testing::Values(Family::bert), ::testing::Values(Head::cls_linear, Head::pooler),
                                            ::testing::Values(0.0, 0.1)),
                         check_name);
// RoBERTa's head (dropout, dense, tanh, dropout) and positions; DistilBERT's head (dense, ReLU,
// dropout), its missing token types and its attention output without dropout.
INSTANTIATE_TEST_SUITE_P(Families, GradientCheck,
                         ::testing::Combine(::testing::Values(Family::roberta, Family::distilbert),
                                            ::testing::Values(Head::pooler), ::testing::Values(0.0, 0.1)),
                         check_name);

}  // namespace
}  // namespace textclass::model
