// The CPU's int8 linear layers (backend/cpu/int8_matmul.hpp), through the backend's matmul_forward
// with CpuOptions::int8, against the fp32 backend.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::backend {
namespace {

class Int8Matmul : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why_not = cpu_int8_unavailable_reason();
    if (!why_not.empty()) GTEST_SKIP() << why_not;
    CpuOptions options;
    options.int8 = true;
    int8_ = make_cpu_backend(options);
    fp32_ = make_cpu_backend();
  }

  // out = inp · weightᵀ + bias on `backend`.
  static std::vector<float> linear(Backend& backend, const std::vector<float>& inp, const std::vector<float>& weight,
                                   const std::vector<float>& bias, int N, int C, int OC) {
    float* inp_d = backend.alloc(inp.size());
    float* weight_d = backend.alloc(weight.size());
    float* bias_d = backend.alloc(bias.size());
    float* out_d = backend.alloc(static_cast<std::size_t>(N) * OC);
    backend.upload(inp_d, inp.data(), inp.size() * sizeof(float));
    backend.upload(weight_d, weight.data(), weight.size() * sizeof(float));
    backend.upload(bias_d, bias.data(), bias.size() * sizeof(float));
    backend.matmul_forward(out_d, inp_d, weight_d, bias_d, N, C, OC);
    std::vector<float> out(static_cast<std::size_t>(N) * OC);
    backend.download(out.data(), out_d, out.size() * sizeof(float));
    for (float* p : {inp_d, weight_d, bias_d, out_d}) backend.free(p);
    return out;
  }

  std::unique_ptr<Backend> int8_, fp32_;
};

// Integers in [-127, 127], with 127 in every row of both, quantize to themselves (scale 1): the
// int8 product is then exact, and so equal to the fp32 one (whose sums of integers are exact too).
TEST_F(Int8Matmul, IntegerInputsGiveTheExactProduct) {
  const int N = 37, C = 96, OC = 29;
  std::mt19937 random(7);
  std::uniform_int_distribution<int> value(-127, 127);
  std::vector<float> inp(N * C), weight(OC * C), bias(OC);
  for (float& x : inp) x = static_cast<float>(value(random));
  for (float& w : weight) w = static_cast<float>(value(random));
  for (int n = 0; n < N; n++) inp[n * C + n % C] = 127.0f;
  for (int oc = 0; oc < OC; oc++) weight[oc * C + oc % C] = -127.0f;
  for (float& b : bias) b = static_cast<float>(value(random)) / 4;
  EXPECT_EQ(linear(*int8_, inp, weight, bias, N, C, OC), linear(*fp32_, inp, weight, bias, N, C, OC));
}

// Real-valued inputs: each product is off by at most the rounding of its two factors, half a step
// of each scale: |x w - x_q w_q s_x s_w| <= (s_x |w| + s_w |x|) / 2 + s_x s_w / 4 per term.
TEST_F(Int8Matmul, RealInputsStayWithinTheQuantizationBound) {
  const int N = 23, C = 768, OC = 40;
  std::mt19937 random(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> inp(N * C), weight(OC * C), bias(OC);
  for (float& x : inp) x = normal(random);
  for (float& w : weight) w = 0.02f * normal(random);
  for (float& b : bias) b = normal(random);
  const std::vector<float> got = linear(*int8_, inp, weight, bias, N, C, OC);
  const std::vector<float> want = linear(*fp32_, inp, weight, bias, N, C, OC);
  for (int n = 0; n < N; n++) {
    float x_max = 0.0f;
    for (int c = 0; c < C; c++) x_max = std::max(x_max, std::fabs(inp[n * C + c]));
    for (int oc = 0; oc < OC; oc++) {
      float w_max = 0.0f;
      for (int c = 0; c < C; c++) w_max = std::max(w_max, std::fabs(weight[oc * C + c]));
      const double s_x = x_max / 127.0, s_w = w_max / 127.0;
      double bound = 0.0;
      for (int c = 0; c < C; c++)
        bound += (s_x * std::fabs(weight[oc * C + c]) + s_w * std::fabs(inp[n * C + c])) / 2 + s_x * s_w / 4;
      EXPECT_NEAR(got[n * OC + oc], want[n * OC + oc], bound + 1e-5) << "row " << n << " channel " << oc;
    }
  }
}

TEST_F(Int8Matmul, RefusesABackwardPass) {
  float* x = int8_->alloc(4);
  EXPECT_THROW(int8_->matmul_backward(x, x, nullptr, x, x, x, 2, 2, 2, GradientWrite::overwrite), std::logic_error);
  int8_->free(x);
}

}  // namespace
}  // namespace textclass::backend
