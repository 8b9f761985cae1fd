// gelu, tanh, relu, add and dropout against double references and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

double reference_gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

Doubles reference_dropout(const Doubles& x, float p, uint64_t seed) {
  Doubles out(x.size());
  for (std::size_t i = 0; i < x.size(); i++) out[i] = dropout_uniform(seed, i) >= p ? x[i] / (1.0 - p) : 0.0;
  return out;
}

Doubles map(const Doubles& x, double (*f)(double)) {
  Doubles out(x.size());
  for (std::size_t i = 0; i < x.size(); i++) out[i] = f(x[i]);
  return out;
}

double reference_tanh(double x) { return std::tanh(x); }

class ElementwiseTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, ElementwiseTest, all_backends(), backend_test_name);

constexpr std::size_t sizes[] = {1, 7, 1000, 100003};  // the last spans many OpenMP chunks
constexpr uint64_t seed = 99;

TEST_P(ElementwiseTest, GeluForwardMatchesReference) {
  for (const std::size_t n : sizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const std::vector<float> x = Random(n).floats(n, 4.0f);  // reaches both tails of erf
    Buffer<float> x_d(backend(), x), out_d(backend(), n);
    backend().gelu_forward(out_d.get(), x_d.get(), n);
    expect_close(out_d.read(), map(to_doubles(x), reference_gelu), {1e-6, 1e-7}, "out");
  }
}

TEST_P(ElementwiseTest, TanhForwardMatchesReference) {
  for (const std::size_t n : sizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    const std::vector<float> x = Random(n).floats(n, 4.0f);
    Buffer<float> x_d(backend(), x), out_d(backend(), n);
    backend().tanh_forward(out_d.get(), x_d.get(), n);
    expect_close(out_d.read(), map(to_doubles(x), reference_tanh), {1e-6, 1e-7}, "out");
  }
}

// ReLU's kink is where finite differences fail, so its gradient is checked against the exact one:
// dout where x > 0, else 0 (torch's choice at x = 0, which the input includes).
TEST_P(ElementwiseTest, ReluForwardAndBackwardMatchReference) {
  for (const std::size_t n : sizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    Random random(n);
    std::vector<float> x = random.floats(n, 4.0f);
    const std::vector<float> dout = random.floats(n);
    x[0] = 0.0f;
    Buffer<float> x_d(backend(), x), dout_d(backend(), dout), out_d(backend(), n), dinp_d(backend(), n);
    backend().fill(out_d.get(), std::numeric_limits<float>::quiet_NaN(), n);
    backend().fill(dinp_d.get(), std::numeric_limits<float>::quiet_NaN(), n);
    backend().relu_forward(out_d.get(), x_d.get(), n);
    backend().relu_backward(dinp_d.get(), out_d.get(), dout_d.get(), n);
    Doubles out(n), dinp(n);
    for (std::size_t i = 0; i < n; i++) {
      out[i] = x[i] > 0.0f ? x[i] : 0.0;
      dinp[i] = x[i] > 0.0f ? dout[i] : 0.0;
    }
    expect_close(out_d.read(), out, {0.0, 0.0}, "out");
    expect_close(dinp_d.read(), dinp, {0.0, 0.0}, "dinp");
  }
}

// A thousand ops in a row, each reading what the one before it wrote, over many blocks: on a GPU
// where kernels are programmatic dependent launches (backend/cuda/kernel_launch.cuh) each must
// still see all of the previous kernel's writes, or some element falls behind the count.
TEST_P(ElementwiseTest, ALongChainOfOpsSeesEachOpsWrites) {
  constexpr std::size_t n = 1 << 18;  // 256 blocks of the element-wise kernels (at four floats a thread)
  constexpr int pairs = 500;
  Buffer<float> x_d(backend(), n), y_d(backend(), n), ones_d(backend(), n);
  backend().fill(x_d.get(), 0.0f, n);
  backend().fill(ones_d.get(), 1.0f, n);
  for (int i = 0; i < pairs; i++) {
    backend().add(y_d.get(), x_d.get(), ones_d.get(), n);
    backend().add(x_d.get(), y_d.get(), ones_d.get(), n);
  }
  const std::vector<float> x = x_d.read();
  std::size_t wrong = 0;
  for (const float value : x) wrong += value != 2.0f * pairs;
  EXPECT_EQ(wrong, 0u) << "elements that are not " << 2 * pairs << ", e.g. x[0] = " << x[0];
}

TEST_P(ElementwiseTest, AddMatchesReferenceAlsoInPlace) {
  for (const std::size_t n : sizes) {
    SCOPED_TRACE("n=" + std::to_string(n));
    Random random(n);
    const std::vector<float> a = random.floats(n), b = random.floats(n);
    Doubles expected(n);
    for (std::size_t i = 0; i < n; i++) expected[i] = double(a[i]) + b[i];
    Buffer<float> a_d(backend(), a), b_d(backend(), b), out_d(backend(), n);
    backend().add(out_d.get(), a_d.get(), b_d.get(), n);
    expect_close(out_d.read(), expected, {1e-7, 0.0}, "out");
    backend().add(a_d.get(), a_d.get(), b_d.get(), n);  // the residual stream: x = x + f(x)
    expect_close(a_d.read(), expected, {1e-7, 0.0}, "out aliasing a");
  }
}

TEST_P(ElementwiseTest, DropoutForwardMatchesReference) {
  for (const std::size_t n : sizes) {
    for (const float p : {0.0f, 0.1f, 0.5f}) {
      SCOPED_TRACE("n=" + std::to_string(n) + " p=" + std::to_string(p));
      const std::vector<float> x = Random(n).floats(n);
      Buffer<float> x_d(backend(), x), out_d(backend(), n);
      backend().dropout_forward(out_d.get(), x_d.get(), p, seed, n);
      // Two roundings: of the scale 1/(1-p), then of the product.
      expect_close(out_d.read(), reference_dropout(to_doubles(x), p, seed), {2.5e-7, 0.0}, "out");
    }
  }
}

TEST_P(ElementwiseTest, DropoutDropsAboutAFractionP) {
  const std::size_t n = 100003;
  for (const float p : {0.1f, 0.5f}) {
    Buffer<float> ones_d(backend(), std::vector<float>(n, 1.0f)), out_d(backend(), n);
    backend().dropout_forward(out_d.get(), ones_d.get(), p, seed, n);
    const std::vector<float> out = out_d.read();
    const double dropped = double(std::count(out.begin(), out.end(), 0.0f)) / n;
    EXPECT_NEAR(dropped, p, 0.01) << "p=" << p;  // 0.01 is over six standard deviations
  }
}

TEST_P(ElementwiseTest, BackwardsMatchFiniteDifferences) {
  const std::size_t n = 300;
  Random random(n);
  const std::vector<float> x = random.floats(n, 3.0f), dout = random.floats(n);
  const Doubles R = to_doubles(dout);
  Buffer<float> x_d(backend(), x), dout_d(backend(), dout), out_d(backend(), n), dinp_d(backend(), n);

  backend().gelu_backward(dinp_d.get(), x_d.get(), dout_d.get(), n);
  const std::vector<float> gelu_dinp = dinp_d.read();
  expect_gradient(
      gelu_dinp, x, [&](const Doubles& xx) { return dot(map(xx, reference_gelu), R); }, "gelu dinp");
  Buffer<float> in_place_d(backend(), dout);  // dinp may be dout (the model's backward does so)
  backend().gelu_backward(in_place_d.get(), x_d.get(), in_place_d.get(), n);
  EXPECT_EQ(in_place_d.read(), gelu_dinp);
  {  // as [N, C] rows, in place, adding dinp's column sums to sums that start at 1, 2, ...
    const int N = 20, C = 15;
    std::vector<float> start(C);
    for (int c = 0; c < C; c++) start[c] = float(c + 1);
    Buffer<float> rows_d(backend(), dout), sums_d(backend(), start);
    backend().gelu_backward_sums(rows_d.get(), sums_d.get(), x_d.get(), rows_d.get(), N, C);
    const std::vector<float> rows = rows_d.read();
    expect_close(rows, to_doubles(gelu_dinp), {1e-6, 1e-7}, "gelu dinp as rows");
    Doubles sums(start.begin(), start.end());
    for (int row = 0; row < N; row++)
      for (int c = 0; c < C; c++) sums[c] += gelu_dinp[static_cast<std::size_t>(row) * C + c];
    expect_close(sums_d.read(), sums, {1e-5, 1e-6}, "gelu dinp's column sums");
  }

  backend().fill(dinp_d.get(), std::numeric_limits<float>::quiet_NaN(), n);
  backend().tanh_forward(out_d.get(), x_d.get(), n);
  backend().tanh_backward(dinp_d.get(), out_d.get(), dout_d.get(), n);
  expect_gradient(
      dinp_d.read(), x, [&](const Doubles& xx) { return dot(map(xx, reference_tanh), R); }, "tanh dinp");

  for (const float p : {0.0f, 0.3f}) {
    backend().fill(dinp_d.get(), std::numeric_limits<float>::quiet_NaN(), n);
    backend().dropout_backward(dinp_d.get(), dout_d.get(), p, seed, n);
    expect_gradient(
        dinp_d.read(), x, [&](const Doubles& xx) { return dot(reference_dropout(xx, p, seed), R); },
        "dropout dinp, p=" + std::to_string(p));
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
