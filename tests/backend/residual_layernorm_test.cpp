// residual_layernorm_forward against the three ops it fuses (dropout_forward, add,
// layernorm_forward, each tested against its reference): the same res, out, mean and rstd, bit
// for bit, with and without dropout. Likewise its backward pass against add (of the output
// gradient's two shares, when there are two), layernorm_backward and dropout_backward, and the
// column sums of dropout's output gradient that it adds up too (a linear layer's bias gradient).
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

TEST_P(ResidualLayerNormTest, BackwardEqualsLayerNormBackwardAndDropoutBackwardInTurn) {
  struct Shape {
    int N, C;
  };
  for (const Shape s : {Shape{5, 7}, Shape{33, 768}}) {
    for (const auto& [p, two_shares] : {std::pair{0.0f, false}, std::pair{0.1f, false}, std::pair{0.1f, true}}) {
      SCOPED_TRACE("N=" + std::to_string(s.N) + " C=" + std::to_string(s.C) + " p=" + std::to_string(p) +
                   (two_shares ? ", dout + dout2" : ""));
      const std::size_t n = static_cast<std::size_t>(s.N) * s.C;
      const uint64_t seed = 17;
      Random random(n + 1);
      const std::vector<float> res = random.floats(n, 3.0f), dout = random.floats(n), dout2 = random.floats(n);
      const std::vector<float> weight = random.floats(s.C), bias = random.floats(s.C);
      const std::vector<float> dweight_before = random.floats(s.C), dbias_before = random.floats(s.C);
      const std::vector<float> sums_before = random.floats(s.C);
      Buffer<float> res_d(backend(), res), dout_d(backend(), dout), dout2_d(backend(), dout2),
          weight_d(backend(), weight), bias_d(backend(), bias);
      Buffer<float> out_d(backend(), n), mean_d(backend(), s.N), rstd_d(backend(), s.N);
      backend().layernorm_forward(out_d.get(), mean_d.get(), rstd_d.get(), res_d.get(), weight_d.get(), bias_d.get(),
                                  1e-12f, s.N, s.C);

      Buffer<float> dres_d(backend(), n), dinp_d(backend(), n);
      Buffer<float> dweight_d(backend(), dweight_before), dbias_d(backend(), dbias_before);
      Buffer<float> sums_d(backend(), sums_before);
      backend().residual_layernorm_backward(dres_d.get(), dinp_d.get(), dweight_d.get(), dbias_d.get(), sums_d.get(),
                                            dout_d.get(), two_shares ? dout2_d.get() : nullptr, res_d.get(),
                                            weight_d.get(), mean_d.get(), rstd_d.get(), p, seed, s.N, s.C);

      Buffer<float> dres2_d(backend(), n), dinp2_d(backend(), n), sum_d(backend(), n);
      Buffer<float> dweight2_d(backend(), dweight_before), dbias2_d(backend(), dbias_before);
      if (two_shares) backend().add(sum_d.get(), dout_d.get(), dout2_d.get(), n);
      backend().layernorm_backward(dres2_d.get(), dweight2_d.get(), dbias2_d.get(),
                                   two_shares ? sum_d.get() : dout_d.get(), res_d.get(), weight_d.get(), mean_d.get(),
                                   rstd_d.get(), s.N, s.C);
      backend().dropout_backward(dinp2_d.get(), dres2_d.get(), p, seed, n);

      EXPECT_EQ(dres_d.read(), dres2_d.read());
      EXPECT_EQ(dinp_d.read(), dinp2_d.read());
      // A GPU adds the rows' shares in any order: sums of up to 33 terms of size up to 2 (dout +
      // dout2) differ by a few float roundings of 2, about 1e-6 each.
      expect_close(dweight_d.read(), to_doubles(dweight2_d.read()), {1e-6, 1e-5}, "dweight");
      expect_close(dbias_d.read(), to_doubles(dbias2_d.read()), {1e-6, 1e-5}, "dbias");
      const std::vector<float> dinp2 = dinp2_d.read();
      Doubles sums(sums_before.begin(), sums_before.end());
      for (std::size_t i = 0; i < n; i++) sums[i % s.C] += dinp2[i];
      expect_close(sums_d.read(), sums, {1e-5, 1e-5}, "dinp's column sums");
    }
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
