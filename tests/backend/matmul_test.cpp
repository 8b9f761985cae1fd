// matmul_forward / matmul_backward against a double reference and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

// out[N,OC] = inp[N,C] · weight[OC,C]ᵀ + bias[OC] (bias empty: none)
Doubles reference_matmul(const Doubles& inp, const Doubles& weight, const Doubles& bias, int N, int C, int OC) {
  Doubles out(static_cast<std::size_t>(N) * OC);
  for (int n = 0; n < N; n++) {
    for (int o = 0; o < OC; o++) {
      double sum = bias.empty() ? 0.0 : bias[o];
      for (int c = 0; c < C; c++)
        sum += inp[static_cast<std::size_t>(n) * C + c] * weight[static_cast<std::size_t>(o) * C + c];
      out[static_cast<std::size_t>(n) * OC + o] = sum;
    }
  }
  return out;
}

struct Shape {
  int N, C, OC;
};

std::string describe(Shape s) {
  return "N=" + std::to_string(s.N) + " C=" + std::to_string(s.C) + " OC=" + std::to_string(s.OC);
}

class MatmulTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, MatmulTest, all_backends(), backend_test_name);

TEST_P(MatmulTest, ForwardMatchesReference) {
  for (const Shape s : {Shape{1, 1, 1}, Shape{3, 5, 7}, Shape{37, 768, 97}, Shape{16, 130, 4}}) {
    for (const bool with_bias : {true, false}) {
      SCOPED_TRACE(describe(s) + (with_bias ? " with bias" : " no bias"));
      Random random(s.N * 7 + s.C * 11 + s.OC);
      const std::vector<float> inp = random.floats(static_cast<std::size_t>(s.N) * s.C);
      const std::vector<float> weight = random.floats(static_cast<std::size_t>(s.OC) * s.C);
      const std::vector<float> bias = random.floats(s.OC);
      Buffer<float> inp_d(backend(), inp), weight_d(backend(), weight), bias_d(backend(), bias);
      Buffer<float> out_d(backend(), static_cast<std::size_t>(s.N) * s.OC);
      backend().matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), with_bias ? bias_d.get() : nullptr, s.N, s.C,
                               s.OC);
      // Float sums of C products of magnitude <= 1 drift by about C·ulp at worst.
      expect_close(out_d.read(),
                   reference_matmul(to_doubles(inp), to_doubles(weight), with_bias ? to_doubles(bias) : Doubles{}, s.N,
                                    s.C, s.OC),
                   {1e-6, 2e-7 * s.C}, "out");
    }
  }
}

TEST_P(MatmulTest, BackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{3, 5, 4}, Shape{4, 9, 70}}) {
    SCOPED_TRACE(describe(s));
    Random random(s.N * 7 + s.C * 11 + s.OC);
    const std::vector<float> inp = random.floats(static_cast<std::size_t>(s.N) * s.C);
    const std::vector<float> weight = random.floats(static_cast<std::size_t>(s.OC) * s.C);
    const std::vector<float> bias = random.floats(s.OC), dout = random.floats(static_cast<std::size_t>(s.N) * s.OC);
    const std::vector<float> dweight_before = random.floats(weight.size()), dbias_before = random.floats(s.OC);
    Buffer<float> inp_d(backend(), inp), weight_d(backend(), weight), dout_d(backend(), dout);
    Buffer<float> dinp_d(backend(), inp.size()), dweight_d(backend(), dweight_before), dbias_d(backend(), dbias_before);
    backend().matmul_backward(dinp_d.get(), dweight_d.get(), dbias_d.get(), dout_d.get(), inp_d.get(), weight_d.get(),
                              s.N, s.C, s.OC, GradientWrite::accumulate);

    const Doubles R = to_doubles(dout), X = to_doubles(inp), W = to_doubles(weight), Bi = to_doubles(bias);
    expect_gradient(
        dinp_d.read(), inp, [&](const Doubles& x) { return dot(reference_matmul(x, W, Bi, s.N, s.C, s.OC), R); },
        "dinp");
    expect_gradient(
        added(dweight_d.read(), dweight_before), weight,
        [&](const Doubles& w) { return dot(reference_matmul(X, w, Bi, s.N, s.C, s.OC), R); }, "dweight");
    expect_gradient(
        added(dbias_d.read(), dbias_before), bias,
        [&](const Doubles& b) { return dot(reference_matmul(X, W, b, s.N, s.C, s.OC), R); }, "dbias");
  }
}

TEST_P(MatmulTest, BackwardSkipsNullGradients) {
  // Without dinp (the first layer's input) and dbias (no bias), dweight alone is written.
  const int N = 5, C = 6, OC = 3;
  Random random(3);
  const std::vector<float> inp = random.floats(N * C), weight = random.floats(OC * C), dout = random.floats(N * OC);
  Buffer<float> inp_d(backend(), inp), weight_d(backend(), weight), dout_d(backend(), dout);
  const std::vector<float> dweight_before = random.floats(OC * C);
  Buffer<float> dweight_d(backend(), dweight_before);
  backend().matmul_backward(nullptr, dweight_d.get(), nullptr, dout_d.get(), inp_d.get(), weight_d.get(), N, C, OC,
                            GradientWrite::accumulate);
  Doubles expected(OC * C);
  for (int o = 0; o < OC; o++) {
    for (int c = 0; c < C; c++) {
      for (int n = 0; n < N; n++) expected[o * C + c] += double(dout[n * OC + o]) * inp[n * C + c];
    }
  }
  expect_close(added(dweight_d.read(), dweight_before), expected, {1e-5, 1e-6}, "dweight");
}

TEST_P(MatmulTest, ParameterGradientsAccumulateAndInputGradientIsOverwritten) {
  // Two backward calls (two micro-batches): dweight and dbias hold twice one call's gradient,
  // dinp the same as after one call.
  const int N = 4, C = 3, OC = 5;
  Random random(4);
  const std::vector<float> inp = random.floats(N * C), weight = random.floats(OC * C), dout = random.floats(N * OC);
  Buffer<float> inp_d(backend(), inp), weight_d(backend(), weight), dout_d(backend(), dout);
  Buffer<float> dinp_d(backend(), std::vector<float>(N * C, 0.0f)),
      dweight_d(backend(), std::vector<float>(OC * C, 0.0f));
  Buffer<float> dbias_d(backend(), std::vector<float>(OC, 0.0f));
  backend().matmul_backward(dinp_d.get(), dweight_d.get(), dbias_d.get(), dout_d.get(), inp_d.get(), weight_d.get(), N,
                            C, OC, GradientWrite::accumulate);
  const std::vector<float> dinp_once = dinp_d.read(), dweight_once = dweight_d.read(), dbias_once = dbias_d.read();
  backend().matmul_backward(dinp_d.get(), dweight_d.get(), dbias_d.get(), dout_d.get(), inp_d.get(), weight_d.get(), N,
                            C, OC, GradientWrite::accumulate);
  auto doubled = [](const std::vector<float>& x) {
    Doubles twice(x.size());
    for (std::size_t i = 0; i < x.size(); i++) twice[i] = 2.0 * x[i];
    return twice;
  };
  expect_close(dweight_d.read(), doubled(dweight_once), {1e-6, 0.0}, "dweight after two calls");
  expect_close(dbias_d.read(), doubled(dbias_once), {1e-6, 0.0}, "dbias after two calls");
  expect_close(dinp_d.read(), to_doubles(dinp_once), {0.0, 0.0}, "dinp after two calls");
}

TEST_P(MatmulTest, OverwritingGivesTheGradientThatAddingGivesToZeros) {
  // The first pass after zeroing may overwrite dweight instead (what was there, NaN here, is not
  // read); dbias still accumulates. Shapes as the model's: many rows, a bias.
  for (const Shape s : {Shape{4, 3, 5}, Shape{70, 96, 288}}) {
    SCOPED_TRACE(describe(s));
    Random random(s.N + s.C + s.OC);
    const std::vector<float> inp = random.floats(static_cast<std::size_t>(s.N) * s.C),
                             weight = random.floats(static_cast<std::size_t>(s.OC) * s.C),
                             dout = random.floats(static_cast<std::size_t>(s.N) * s.OC),
                             dbias_before = random.floats(s.OC);
    Buffer<float> inp_d(backend(), inp), weight_d(backend(), weight), dout_d(backend(), dout);
    const std::size_t W = weight.size();
    Buffer<float> dweight_added(backend(), std::vector<float>(W, 0.0f)), dbias_added(backend(), dbias_before);
    Buffer<float> dweight_written(backend(), std::vector<float>(W, std::numeric_limits<float>::quiet_NaN()));
    Buffer<float> dbias_written(backend(), dbias_before), dinp_d(backend(), inp.size());
    backend().matmul_backward(dinp_d.get(), dweight_added.get(), dbias_added.get(), dout_d.get(), inp_d.get(),
                              weight_d.get(), s.N, s.C, s.OC, GradientWrite::accumulate);
    backend().matmul_backward(dinp_d.get(), dweight_written.get(), dbias_written.get(), dout_d.get(), inp_d.get(),
                              weight_d.get(), s.N, s.C, s.OC, GradientWrite::overwrite);
    // (a GPU may sum in another order when it need not add C, and adds the bias gradient's column
    // sums with atomics, in no fixed order: on an H200 two such sums differed in the last bits)
    expect_close(dweight_written.read(), to_doubles(dweight_added.read()), {1e-6, 1e-6}, "dweight");
    expect_close(dbias_written.read(), to_doubles(dbias_added.read()), {1e-6, 1e-6}, "dbias (accumulated both ways)");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
