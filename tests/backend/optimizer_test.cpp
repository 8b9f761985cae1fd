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
INSTANTIATE_TEST_SUITE_P(Backends, OptimizerTest, all_backends(), backend_test_name);

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
    backend().adamw_update(params_d.get(), grads_d.get(), m_d.get(), v_d.get(), {{0, n, h.weight_decay}}, h.lr,
                           h.beta1, h.beta2, h.eps, float(h.grad_scale), step);
    reference_adamw_step(expected, to_doubles(grads), h, step);
    // Each step moves a parameter by about lr; the float step must be right to 0.1% of that.
    expect_close(params_d.read(), expected.params, {1e-6, 1e-3 * h.lr}, "params");
    // m can cancel to far below the gradients that formed it; 1e-8 is a few roundings of those.
    expect_close(m_d.read(), expected.m, {1e-5, 1e-8}, "m");
    expect_close(v_d.read(), expected.v, {1e-5, 0.0}, "v");
  }
}

// Spans with their own weight decay in one call, as the trainer makes them (decayed weights, then
// biases and LayerNorm without decay), around floats that belong to none (a frozen pooler, the
// alignment gaps): each span steps with its own decay and the rest is not touched.
TEST_P(OptimizerTest, AdamWStepsEachSpanWithItsDecayAndLeavesTheRest) {
  const AdamWSettings decayed{1e-2, 0.9, 0.999, 1e-8, 0.3, 0.5};
  AdamWSettings undecayed = decayed;
  undecayed.weight_decay = 0.0;
  // [0, 7) outside, [7, 707) decayed, [707, 720) outside, [720, 1220) undecayed, [1220, 1300) outside
  const std::vector<ParameterSpan> spans = {{7, 700, decayed.weight_decay}, {720, 500, 0.0}};
  const std::size_t n = 1300;
  Random random(23);
  const std::vector<float> params = random.floats(n), grads = random.floats(n), moments = random.floats(n, 0.01f);
  std::vector<float> second_moments(n);
  for (std::size_t i = 0; i < n; i++) second_moments[i] = moments[i] * moments[i];
  Buffer<float> params_d(backend(), params), grads_d(backend(), grads), m_d(backend(), moments),
      v_d(backend(), second_moments);
  backend().adamw_update(params_d.get(), grads_d.get(), m_d.get(), v_d.get(), spans, decayed.lr, decayed.beta1,
                         decayed.beta2, decayed.eps, float(decayed.grad_scale), 4);

  const std::vector<float> after = params_d.read(), m_after = m_d.read(), v_after = v_d.read();
  auto slice = [](const auto& x, std::size_t begin, std::size_t end) {
    return std::vector<typename std::decay_t<decltype(x)>::value_type>(x.begin() + begin, x.begin() + end);
  };
  for (const auto& [begin, end] : {std::pair<std::size_t, std::size_t>{0, 7}, {707, 720}, {1220, 1300}}) {
    SCOPED_TRACE("outside the spans: [" + std::to_string(begin) + ", " + std::to_string(end) + ")");
    EXPECT_EQ(slice(after, begin, end), slice(params, begin, end));
    EXPECT_EQ(slice(m_after, begin, end), slice(moments, begin, end));
    EXPECT_EQ(slice(v_after, begin, end), slice(second_moments, begin, end));
  }
  for (const auto& [span, h] : {std::pair{spans[0], decayed}, std::pair{spans[1], undecayed}}) {
    SCOPED_TRACE("span at " + std::to_string(span.offset));
    const std::size_t begin = span.offset, end = span.offset + span.count;
    AdamWState expected{to_doubles(slice(params, begin, end)), to_doubles(slice(moments, begin, end)),
                        to_doubles(slice(second_moments, begin, end))};
    reference_adamw_step(expected, to_doubles(slice(grads, begin, end)), h, 4);
    expect_close(slice(after, begin, end), expected.params, {1e-6, 1e-3 * h.lr}, "params");
    expect_close(slice(m_after, begin, end), expected.m, {1e-5, 1e-8}, "m");
    expect_close(slice(v_after, begin, end), expected.v, {1e-5, 0.0}, "v");
  }
}

// The same step on arrays that start one float past an alignment (the CUDA backend then moves a float
// at a time instead of four) and on aligned ones, over spans that start and end inside groups of four:
// the same floats, bit for bit.
TEST_P(OptimizerTest, AdamWStepsTheSameWhereverTheArraysStart) {
  const std::vector<ParameterSpan> spans = {{3, 509, 0.3}, {514, 250, 0.0}};
  const std::size_t n = 770;
  Random random(29);
  const std::vector<float> params = random.floats(n), grads = random.floats(n), moments = random.floats(n, 0.01f);
  std::vector<float> second_moments(n);
  for (std::size_t i = 0; i < n; i++) second_moments[i] = moments[i] * moments[i];
  // params, m and v after one step, the arrays starting `shift` floats into their buffers
  auto step = [&](std::size_t shift) {
    auto shifted = [&](const std::vector<float>& x) {
      std::vector<float> y(shift, 0.0f);
      y.insert(y.end(), x.begin(), x.end());
      return y;
    };
    auto unshifted = [&](const Buffer<float>& y) {
      const std::vector<float> all = y.read();
      return std::vector<float>(all.begin() + static_cast<std::ptrdiff_t>(shift), all.end());
    };
    Buffer<float> params_d(backend(), shifted(params)), grads_d(backend(), shifted(grads)),
        m_d(backend(), shifted(moments)), v_d(backend(), shifted(second_moments));
    backend().adamw_update(params_d.get() + shift, grads_d.get() + shift, m_d.get() + shift, v_d.get() + shift, spans,
                           1e-2, 0.9, 0.999, 1e-8, 0.5f, 2);
    return std::vector<std::vector<float>>{unshifted(params_d), unshifted(m_d), unshifted(v_d)};
  };
  const std::vector<std::vector<float>> aligned = step(0);
  EXPECT_EQ(step(1), aligned);
  EXPECT_NE(aligned[0], params) << "the step moved the parameters";
}

}  // namespace
}  // namespace textclass::backend::op_test
