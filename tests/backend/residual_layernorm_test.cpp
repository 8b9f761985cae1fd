// residual_layernorm_forward against the three ops it fuses (dropout_forward, add,
// layernorm_forward, each tested against its reference): the same res, out, mean and rstd, bit
// for bit, with and without dropout.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

class ResidualLayerNormTest : public OpTest {};
INSTANTIATE_TEST_SUITE_P(Backends, ResidualLayerNormTest, all_backends(), backend_test_name);

TEST_P(ResidualLayerNormTest, EqualsDropoutAddAndLayerNormInTurn) {
  struct Shape {
    int N, C;
  };
  for (const Shape s : {Shape{5, 7}, Shape{33, 768}}) {
    for (const float p : {0.0f, 0.1f}) {
      SCOPED_TRACE("N=" + std::to_string(s.N) + " C=" + std::to_string(s.C) + " p=" + std::to_string(p));
      const std::size_t n = static_cast<std::size_t>(s.N) * s.C;
      const uint64_t seed = 99;
      const float eps = 1e-12f;
      Random random(n);
      const std::vector<float> inp = random.floats(n), residual = random.floats(n, 3.0f);
      const std::vector<float> weight = random.floats(s.C), bias = random.floats(s.C);
      Buffer<float> inp_d(backend(), inp), residual_d(backend(), residual), weight_d(backend(), weight),
          bias_d(backend(), bias);

      Buffer<float> res_d(backend(), n), out_d(backend(), n), mean_d(backend(), s.N), rstd_d(backend(), s.N);
      backend().residual_layernorm_forward(out_d.get(), res_d.get(), mean_d.get(), rstd_d.get(), inp_d.get(),
                                           residual_d.get(), weight_d.get(), bias_d.get(), p, seed, eps, s.N, s.C);

      Buffer<float> res2_d(backend(), n), out2_d(backend(), n), mean2_d(backend(), s.N), rstd2_d(backend(), s.N);
      backend().dropout_forward(res2_d.get(), inp_d.get(), p, seed, n);
      backend().add(res2_d.get(), res2_d.get(), residual_d.get(), n);
      backend().layernorm_forward(out2_d.get(), mean2_d.get(), rstd2_d.get(), res2_d.get(), weight_d.get(),
                                  bias_d.get(), eps, s.N, s.C);

      EXPECT_EQ(res_d.read(), res2_d.read());
      EXPECT_EQ(out_d.read(), out2_d.read());
      EXPECT_EQ(mean_d.read(), mean2_d.read());
      EXPECT_EQ(rstd_d.read(), rstd2_d.read());
    }
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
