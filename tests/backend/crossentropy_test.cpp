// crossentropy_forward / crossentropy_backward against a double reference and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

struct CrossEntropyResult {
  Doubles losses, probs;
};

CrossEntropyResult reference_crossentropy(const Doubles& logits, const Ints& labels, int B, int V) {
  CrossEntropyResult r{Doubles(B), Doubles(logits.size())};
  for (int b = 0; b < B; b++) {
    const double* x = logits.data() + static_cast<std::size_t>(b) * V;
    double sum = 0.0;
    for (int v = 0; v < V; v++) sum += std::exp(x[v]);
    for (int v = 0; v < V; v++) r.probs[static_cast<std::size_t>(b) * V + v] = std::exp(x[v]) / sum;
    r.losses[b] = std::log(sum) - x[labels[b]];
  }
  return r;
}

double mean(const Doubles& x) {
  double sum = 0.0;
  for (double v : x) sum += v;
  return sum / x.size();
}

struct Shape {
  int B, V;
};

class CrossEntropyTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, CrossEntropyTest, all_backends(), backend_test_name);

TEST_P(CrossEntropyTest, ForwardMatchesReferenceAndBackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{1, 1}, Shape{16, 4}, Shape{5, 33}}) {
    SCOPED_TRACE("B=" + std::to_string(s.B) + " V=" + std::to_string(s.V));
    Random random(s.B * 100 + s.V);
    const Ints labels = random.ints(s.B, s.V);
    // Logits in [-30, 30]: exp overflows float without the max subtraction's care.
    std::vector<float> logits = random.floats(static_cast<std::size_t>(s.B) * s.V, 30.0f);
    Buffer<float> logits_d(backend(), logits), probs_d(backend(), logits.size()), losses_d(backend(), s.B);
    Buffer<float> dlogits_d(backend(), logits.size());
    Buffer<int32_t> labels_d(backend(), labels);
    backend().crossentropy_forward(losses_d.get(), probs_d.get(), logits_d.get(), labels_d.get(), nullptr, 0.0f, s.B, s.V);
    backend().crossentropy_backward(dlogits_d.get(), probs_d.get(), labels_d.get(), nullptr, 0.0f, s.B, s.V);
    const CrossEntropyResult expected = reference_crossentropy(to_doubles(logits), labels, s.B, s.V);
    expect_close(losses_d.read(), expected.losses, {1e-6, 1e-6}, "losses");
    expect_close(probs_d.read(), expected.probs, {1e-6, 1e-9}, "probs");
    expect_gradient(
        dlogits_d.read(), logits,
        [&](const Doubles& x) { return mean(reference_crossentropy(x, labels, s.B, s.V).losses); },
        "dlogits of the mean loss");
  }
}

TEST_P(CrossEntropyTest, ExtremeLogitsStayFinite) {
  // logits near float's range: a naive exp(x) overflows to inf and gives NaN.
  const int B = 2, V = 3;
  const std::vector<float> logits = {80.0f, -80.0f, 0.5f, 1e4f, 1e4f - 2.0f, -1e4f};
  const Ints labels = {1, 0};
  Buffer<float> logits_d(backend(), logits), probs_d(backend(), logits.size()), losses_d(backend(), B);
  Buffer<int32_t> labels_d(backend(), labels);
  backend().crossentropy_forward(losses_d.get(), probs_d.get(), logits_d.get(), labels_d.get(), nullptr, 0.0f, B, V);
  expect_close(losses_d.read(), {160.0, std::log(1.0 + std::exp(-2.0))}, {1e-6, 1e-6}, "losses");
}

}  // namespace
}  // namespace textclass::backend::op_test
