// The loss ops (crossentropy with class weights and label smoothing, bce_with_logits, mse) against
// PyTorch's functional losses (tests/fixtures/losses/make_losses.py: loss and gradient of the
// logits) and their backward passes against finite differences of a double reference.
#include <fstream>

#include <nlohmann/json.hpp>

#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

using nlohmann::json;

const json& torch_cases() {
  static const json cases =
      json::parse(std::ifstream(std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/losses/losses.json"))["cases"];
  return cases;
}

double mean(const std::vector<float>& x) {
  double sum = 0.0;
  for (float v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

// The batch's loss (the mean of losses[]) and the gradient of the logits, as an op computes them.
struct LossAndGradient {
  double loss;
  std::vector<float> dlogits;
};

// A loss op's forward and backward on the backend: kind is "crossentropy", "bce_with_logits" or
// "mse"; labels, class_weights and smoothing are crossentropy's, targets the others'.
LossAndGradient run_loss(Backend& be, const std::string& kind, const std::vector<float>& logits, const Ints& labels,
                         const std::vector<float>& class_weights, float smoothing, const std::vector<float>& targets,
                         int B, int V) {
  const std::size_t n = static_cast<std::size_t>(B) * V;
  Buffer<float> logits_d(be, logits), probs_d(be, n), losses_d(be, B), dlogits_d(be, n);
  if (kind == "crossentropy") {
    Buffer<int32_t> labels_d(be, labels);
    std::optional<Buffer<float>> weights_d;
    if (!class_weights.empty()) weights_d.emplace(be, class_weights);
    float* w = weights_d ? weights_d->get() : nullptr;
    be.crossentropy_forward(losses_d.get(), probs_d.get(), logits_d.get(), labels_d.get(), w, smoothing, B, V);
    be.crossentropy_backward(dlogits_d.get(), probs_d.get(), labels_d.get(), w, smoothing, B, V);
    return {mean(losses_d.read()), dlogits_d.read()};
  }
  Buffer<float> targets_d(be, targets);
  if (kind == "bce_with_logits") {
    be.bce_with_logits_forward(losses_d.get(), probs_d.get(), logits_d.get(), targets_d.get(), B, V);
    be.bce_with_logits_backward(dlogits_d.get(), probs_d.get(), targets_d.get(), B, V);
  } else {
    be.mse_forward(losses_d.get(), logits_d.get(), targets_d.get(), B, V);
    be.mse_backward(dlogits_d.get(), logits_d.get(), targets_d.get(), B, V);
  }
  return {mean(losses_d.read()), dlogits_d.read()};
}

// Double references, written from the losses' definitions (not loss_math.hpp's rearrangements).
double reference_crossentropy(const Doubles& x, const Ints& labels, const std::vector<float>& weights, double eps,
                              int B, int V) {
  auto w = [&](int c) { return weights.empty() ? 1.0 : double(weights[c]); };
  double total = 0.0, weight_sum = 0.0;
  for (int b = 0; b < B; b++) {
    const double* row = x.data() + static_cast<std::size_t>(b) * V;
    double sum = 0.0;
    for (int v = 0; v < V; v++) sum += std::exp(row[v]);
    auto nll = [&](int c) { return std::log(sum) - row[c]; };
    double smooth = 0.0;
    for (int c = 0; c < V; c++) smooth += w(c) * nll(c);
    total += (1.0 - eps) * w(labels[b]) * nll(labels[b]) + eps / V * smooth;
    weight_sum += w(labels[b]);
  }
  return total / weight_sum;
}

double reference_bce(const Doubles& x, const std::vector<float>& t) {
  double total = 0.0;
  for (std::size_t i = 0; i < x.size(); i++) {
    const double p = 1.0 / (1.0 + std::exp(-x[i]));
    total -= t[i] * std::log(p) + (1.0 - t[i]) * std::log(1.0 - p);
  }
  return total / static_cast<double>(x.size());
}

double reference_mse(const Doubles& x, const std::vector<float>& t) {
  double total = 0.0;
  for (std::size_t i = 0; i < x.size(); i++) total += (x[i] - t[i]) * (x[i] - t[i]);
  return total / static_cast<double>(x.size());
}

class LossTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, LossTest, all_backends(), backend_test_name);

TEST_P(LossTest, LossesAndGradientsMatchPyTorch) {
  ASSERT_EQ(torch_cases().size(), 24u);
  for (const json& c : torch_cases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const int B = c["B"], V = c["V"];
    const std::string kind = c["kind"];
    const LossAndGradient got =
        run_loss(backend(), kind, c["logits"].get<std::vector<float>>(), c.value("labels", Ints{}),
                 c.value("class_weights", std::vector<float>{}), c.value("label_smoothing", 0.0f),
                 c.value("targets", std::vector<float>{}), B, V);
    expect_close(std::vector<double>{got.loss}, {c["loss"].get<double>()}, {2e-6, 1e-7}, "loss");
    expect_close(got.dlogits, c["dlogits"].get<Doubles>(), {1e-5, 1e-8}, "dlogits");
  }
}

TEST_P(LossTest, WeightedSmoothedCrossEntropyMatchesFiniteDifferences) {
  const int B = 7, V = 5;
  Random random(2027);
  const Ints labels = random.ints(B, V);
  const std::vector<float> logits = random.floats(static_cast<std::size_t>(B) * V, 3.0f);
  std::vector<float> weights = random.floats(V);
  for (float& w : weights) w = std::abs(w) * 2.0f;
  for (const std::vector<float>& w : {std::vector<float>{}, weights}) {
    for (float eps : {0.0f, 0.2f}) {
      SCOPED_TRACE("weights " + std::to_string(w.size()) + " smoothing " + std::to_string(eps));
      const LossAndGradient got = run_loss(backend(), "crossentropy", logits, labels, w, eps, {}, B, V);
      auto loss = [&](const Doubles& x) { return reference_crossentropy(x, labels, w, eps, B, V); };
      expect_close(std::vector<double>{got.loss}, {loss(to_doubles(logits))}, {1e-6, 1e-7}, "loss");
      expect_gradient(got.dlogits, logits, loss, "dlogits");
    }
  }
}

TEST_P(LossTest, BceAndMseMatchFiniteDifferences) {
  const int B = 6, V = 4;
  Random random(31);
  const std::vector<float> logits = random.floats(static_cast<std::size_t>(B) * V, 4.0f);
  std::vector<float> indicators = random.floats(logits.size()), values = random.floats(logits.size(), 5.0f);
  for (float& t : indicators) t = t > 0.0f ? 1.0f : 0.0f;
  const LossAndGradient bce = run_loss(backend(), "bce_with_logits", logits, {}, {}, 0.0f, indicators, B, V);
  auto bce_loss = [&](const Doubles& x) { return reference_bce(x, indicators); };
  expect_close(std::vector<double>{bce.loss}, {bce_loss(to_doubles(logits))}, {1e-6, 1e-7}, "bce loss");
  expect_gradient(bce.dlogits, logits, bce_loss, "bce dlogits");
  const LossAndGradient mse = run_loss(backend(), "mse", logits, {}, {}, 0.0f, values, B, V);
  auto mse_loss = [&](const Doubles& x) { return reference_mse(x, values); };
  expect_close(std::vector<double>{mse.loss}, {mse_loss(to_doubles(logits))}, {1e-6, 1e-7}, "mse loss");
  expect_gradient(mse.dlogits, logits, mse_loss, "mse dlogits");
}

TEST_P(LossTest, BceStaysFiniteAtExtremeLogits) {
  // log(sigmoid(x)) taken naively is log(0) = -inf at x = -200
  const std::vector<float> logits = {200.0f, -200.0f, 1e4f, -1e4f};
  const LossAndGradient got = run_loss(backend(), "bce_with_logits", logits, {}, {}, 0.0f, {0, 1, 1, 0}, 2, 2);
  expect_close(std::vector<double>{got.loss}, {100.0}, {1e-6, 0.0}, "loss");  // (200 + 200 + 0 + 0) / 4
  expect_close(got.dlogits, {0.25, -0.25, 0.0, 0.0}, {1e-6, 1e-9}, "dlogits");
}

}  // namespace
}  // namespace textclass::backend::op_test
