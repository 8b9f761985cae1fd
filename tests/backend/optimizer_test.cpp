// sum_squares and adamw_update against double references; AdamW over three steps of torch's formula.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

struct AdamWState {
  Doubles params, m, v;
};

struct AdamWSettings {
  double lr, beta1, beta2, eps, weight_decay, grad_scale;
};

// torch.optim.AdamW's single-tensor step (torch/optim/adamw.py) in double.
void reference_adamw_step(AdamWState& s, const Doubles& grads, const AdamWSettings& h, int step) {
  const double bias_correction1 = 1.0 - std::pow(h.beta1, step);
  const double bias_correction2 = 1.0 - std::pow(h.beta2, step);
  for (std::size_t i = 0; i < grads.size(); i++) {
    const double g = grads[i] * h.grad_scale;
    s.params[i] *= 1.0 - h.lr * h.weight_decay;
    s.m[i] += (1.0 - h.beta1) * (g - s.m[i]);
    s.v[i] = s.v[i] * h.beta2 + (1.0 - h.beta2) * g * g;
    const double denom = std::sqrt(s.v[i]) / std::sqrt(bias_correction2) + h.eps;
    s.params[i] -= h.lr / bias_correction1 * s.m[i] / denom;
  }
}

class OptimizerTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, OptimizerTest, all_backends(), backend_label);

TEST_P(OptimizerTest, SumSquaresMatchesReference) {
  for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{100003}}) {
    const std::vector<float> x = Random(n).floats(n, 3.0f);
    double expected = 0.0;
    for (float v : x) expected += double(v) * v;
    Buffer<float> x_d(backend(), x);
    EXPECT_NEAR(backend().sum_squares(x_d.get(), n), expected, 1e-12 * expected) << "n=" << n;
  }
}

TEST_P(OptimizerTest, AdamWFollowsTorchOverThreeSteps) {
  // A large lr and weight decay make the order of decay and update visible above float rounding;
  // every third gradient is tiny, so eps weighs in the denominator.
  const AdamWSettings h{1e-2, 0.9, 0.999, 1e-8, 0.3, 0.5};
  const std::size_t n = 1001;
  Random random(17);
  const std::vector<float> params = random.floats(n);
  AdamWState expected{to_doubles(params), Doubles(n, 0.0), Doubles(n, 0.0)};
  Buffer<float> params_d(backend(), params), m_d(backend(), std::vector<float>(n, 0.0f));
  Buffer<float> v_d(backend(), std::vector<float>(n, 0.0f));
  for (int step = 1; step <= 3; step++) {
    SCOPED_TRACE("step " + std::to_string(step));
    std::vector<float> grads = random.floats(n);
    for (std::size_t i = 0; i < n; i += 3) grads[i] *= 1e-7f;
    Buffer<float> grads_d(backend(), grads);
    backend().adamw_update(params_d.get(), grads_d.get(), m_d.get(), v_d.get(), n, h.lr, h.beta1, h.beta2, h.eps,
                           h.weight_decay, float(h.grad_scale), step);
    reference_adamw_step(expected, to_doubles(grads), h, step);
    // Each step moves a parameter by about lr; the float step must be right to 0.1% of that.
    expect_close(params_d.read(), expected.params, {1e-6, 1e-3 * h.lr}, "params");
    // m can cancel to far below the gradients that formed it; 1e-8 is a few roundings of those.
    expect_close(m_d.read(), expected.m, {1e-5, 1e-8}, "m");
    expect_close(v_d.read(), expected.v, {1e-5, 0.0}, "v");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
