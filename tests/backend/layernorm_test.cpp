// layernorm_forward / layernorm_backward against a double reference and finite differences.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

struct LayernormResult {
  Doubles out, mean, rstd;
};

LayernormResult reference_layernorm(const Doubles& x, const Doubles& weight, const Doubles& bias, double eps, int N,
                                    int C) {
  LayernormResult r{Doubles(x.size()), Doubles(N), Doubles(N)};
  for (int n = 0; n < N; n++) {
    const double* row = x.data() + static_cast<std::size_t>(n) * C;
    double mean = 0.0, var = 0.0;
    for (int c = 0; c < C; c++) mean += row[c] / C;
    for (int c = 0; c < C; c++) var += (row[c] - mean) * (row[c] - mean) / C;
    const double rstd = 1.0 / std::sqrt(var + eps);
    for (int c = 0; c < C; c++)
      r.out[static_cast<std::size_t>(n) * C + c] = (row[c] - mean) * rstd * weight[c] + bias[c];
    r.mean[n] = mean;
    r.rstd[n] = rstd;
  }
  return r;
}

struct Shape {
  int N, C;
};

class LayernormTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, LayernormTest, all_backends(), backend_test_name);

constexpr float bert_eps = 1e-12f;

TEST_P(LayernormTest, ForwardMatchesReference) {
  // C = 1 makes every row constant (variance 0, so eps alone sets rstd); 130 and 768 span
  // several of the channel blocks that threads split.
  for (const Shape s : {Shape{1, 1}, Shape{3, 7}, Shape{17, 130}, Shape{64, 768}}) {
    SCOPED_TRACE("N=" + std::to_string(s.N) + " C=" + std::to_string(s.C));
    Random random(s.N * 1000 + s.C);
    // An offset mean, as BERT's hidden states have, tests the variance for cancellation.
    std::vector<float> x = random.floats(static_cast<std::size_t>(s.N) * s.C, 3.0f);
    for (float& v : x) v += 5.0f;
    const std::vector<float> weight = random.floats(s.C), bias = random.floats(s.C);
    Buffer<float> x_d(backend(), x), weight_d(backend(), weight), bias_d(backend(), bias);
    Buffer<float> out_d(backend(), x.size()), mean_d(backend(), s.N), rstd_d(backend(), s.N);
    backend().layernorm_forward(out_d.get(), mean_d.get(), rstd_d.get(), x_d.get(), weight_d.get(), bias_d.get(),
                                bert_eps, s.N, s.C);
    const LayernormResult expected =
        reference_layernorm(to_doubles(x), to_doubles(weight), to_doubles(bias), bert_eps, s.N, s.C);
    expect_close(out_d.read(), expected.out, {1e-6, 1e-6}, "out");
    expect_close(mean_d.read(), expected.mean, {1e-7, 0.0}, "mean");
    expect_close(rstd_d.read(), expected.rstd, {1e-7, 0.0}, "rstd");
  }
}

TEST_P(LayernormTest, BackwardMatchesFiniteDifferences) {
  for (const Shape s : {Shape{3, 7}, Shape{4, 130}}) {
    SCOPED_TRACE("N=" + std::to_string(s.N) + " C=" + std::to_string(s.C));
    Random random(s.N * 1000 + s.C);
    const std::size_t n = static_cast<std::size_t>(s.N) * s.C;
    const std::vector<float> x = random.floats(n), weight = random.floats(s.C), bias = random.floats(s.C);
    const std::vector<float> dout = random.floats(n);
    // Parameter gradients start from earlier values they must add to; dinp starts as NaN.
    const std::vector<float> dweight_before = random.floats(s.C), dbias_before = random.floats(s.C);
    Buffer<float> x_d(backend(), x), weight_d(backend(), weight), bias_d(backend(), bias), dout_d(backend(), dout);
    Buffer<float> out_d(backend(), n), mean_d(backend(), s.N), rstd_d(backend(), s.N), dinp_d(backend(), n);
    Buffer<float> dweight_d(backend(), dweight_before), dbias_d(backend(), dbias_before);
    backend().layernorm_forward(out_d.get(), mean_d.get(), rstd_d.get(), x_d.get(), weight_d.get(), bias_d.get(),
                                bert_eps, s.N, s.C);
    backend().layernorm_backward(dinp_d.get(), dweight_d.get(), dbias_d.get(), dout_d.get(), x_d.get(), weight_d.get(),
                                 mean_d.get(), rstd_d.get(), s.N, s.C);

    const Doubles R = to_doubles(dout), X = to_doubles(x), W = to_doubles(weight), Bi = to_doubles(bias);
    auto loss = [&](const Doubles& xx, const Doubles& ww, const Doubles& bb) {
      return dot(reference_layernorm(xx, ww, bb, bert_eps, s.N, s.C).out, R);
    };
    expect_gradient(
        dinp_d.read(), x, [&](const Doubles& xx) { return loss(xx, W, Bi); }, "dinp");
    expect_gradient(
        added(dweight_d.read(), dweight_before), weight, [&](const Doubles& ww) { return loss(X, ww, Bi); }, "dweight");
    expect_gradient(
        added(dbias_d.read(), dbias_before), bias, [&](const Doubles& bb) { return loss(X, W, bb); }, "dbias");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
