// The CPU backend made for inference (CpuOptions::inference) in bf16: each weight is rounded and
// packed once, at its first product, and the bias added in the product's pass. Its products must be
// those of the training backend's bf16 (the same rounded inputs and weights, fp32 sums in another
// order), for every weight it is given, including a new one in memory that held an old one.
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

class InferenceProducts : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why_not = cpu_bf16_unavailable_reason();
    if (!why_not.empty()) GTEST_SKIP() << why_not;
    CpuOptions options;
    options.bf16 = true;
    training_ = make_cpu_backend(options);
    options.inference = true;
    inference_ = make_cpu_backend(options);
  }

  // out = inp · weightᵀ (+ bias) on `backend`.
  static std::vector<float> linear(Backend& backend, const std::vector<float>& inp, const std::vector<float>& weight,
                                   const std::vector<float>& bias, int N, int C, int OC) {
    Buffer<float> inp_d(backend, inp), weight_d(backend, weight), bias_d(backend, bias);
    Buffer<float> out_d(backend, static_cast<std::size_t>(N) * OC);
    backend.matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), bias.empty() ? nullptr : bias_d.get(), N, C, OC);
    return out_d.read();
  }

  // Both backends' sums of the same bf16 products, in different orders: within fp32's rounding of
  // the sum of their magnitudes (2^-20 of it here; a product off by one rounded input is 2^-9 off).
  static void expect_same_products(const std::vector<float>& ours, const std::vector<float>& theirs,
                                   const std::vector<float>& inp, const std::vector<float>& weight,
                                   const std::vector<float>& bias, int N, int C, int OC) {
    for (int n = 0; n < N; n++) {
      for (int o = 0; o < OC; o++) {
        double magnitude = bias.empty() ? 0.0 : std::abs(bias[o]);
        for (int c = 0; c < C; c++)
          magnitude += std::abs(double(inp[static_cast<std::size_t>(n) * C + c]) * weight[static_cast<std::size_t>(o) * C + c]);
        const std::size_t i = static_cast<std::size_t>(n) * OC + o;
        ASSERT_LE(std::abs(double(ours[i]) - theirs[i]), magnitude / (1 << 20)) << "out[" << n << "," << o << "]";
      }
    }
  }

  std::unique_ptr<Backend> training_, inference_;
};

TEST_F(InferenceProducts, PackedWeightsGiveTheTrainingBackendsProducts) {
  Random random(13);
  for (const auto& [N, C, OC] : {std::tuple{37, 96, 29}, std::tuple{1, 768, 4}, std::tuple{130, 256, 3072}}) {
    const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
    const std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C, 0.05f);
    for (const std::vector<float>& bias : {random.floats(OC), std::vector<float>()}) {
      SCOPED_TRACE(::testing::Message() << N << " x " << C << " -> " << OC << (bias.empty() ? ", no bias" : ", bias"));
      expect_same_products(linear(*inference_, inp, weight, bias, N, C, OC),
                           linear(*training_, inp, weight, bias, N, C, OC), inp, weight, bias, N, C, OC);
    }
  }
}

// The packed copy belongs to the allocation: a weight freed and another allocated (the allocator
// tends to hand back the same address) is packed afresh, never answered from the old copy.
TEST_F(InferenceProducts, ANewWeightWhereAnOldOneWasIsPackedAfresh) {
  const int N = 8, C = 64, OC = 16;
  Random random(17);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C), bias = random.floats(OC);
  for (int round = 0; round < 3; round++) {
    SCOPED_TRACE(::testing::Message() << "weight " << round);
    const std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C);
    expect_same_products(linear(*inference_, inp, weight, bias, N, C, OC),
                         linear(*training_, inp, weight, bias, N, C, OC), inp, weight, bias, N, C, OC);
  }
}

// The same for new values uploaded over a weight that was packed.
TEST_F(InferenceProducts, AWeightUploadedOverIsPackedAfresh) {
  const int N = 8, C = 64, OC = 16;
  Random random(19);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
  const std::vector<float> first = random.floats(static_cast<std::size_t>(OC) * C);
  const std::vector<float> second = random.floats(static_cast<std::size_t>(OC) * C);
  Buffer<float> inp_d(*inference_, inp), weight_d(*inference_, first), out_d(*inference_, static_cast<std::size_t>(N) * OC);
  inference_->matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), nullptr, N, C, OC);
  inference_->upload(weight_d.get(), second.data(), second.size() * sizeof(float));
  inference_->matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), nullptr, N, C, OC);
  expect_same_products(out_d.read(), linear(*training_, inp, second, {}, N, C, OC), inp, second, {}, N, C, OC);
}

// And for new values uploaded over a part of a weight that does not include its first row.
TEST_F(InferenceProducts, AWeightPartlyUploadedOverIsPackedAfresh) {
  const int N = 8, C = 64, OC = 16;
  Random random(23);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
  std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C);
  Buffer<float> inp_d(*inference_, inp), weight_d(*inference_, weight), out_d(*inference_, static_cast<std::size_t>(N) * OC);
  inference_->matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), nullptr, N, C, OC);
  const std::size_t from = static_cast<std::size_t>(OC / 2) * C, n = static_cast<std::size_t>(C);
  const std::vector<float> row = random.floats(n);
  std::copy(row.begin(), row.end(), weight.begin() + static_cast<std::ptrdiff_t>(from));
  inference_->upload(weight_d.get() + from, row.data(), n * sizeof(float));
  inference_->matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), nullptr, N, C, OC);
  expect_same_products(out_d.read(), linear(*training_, inp, weight, {}, N, C, OC), inp, weight, {}, N, C, OC);
}

TEST_F(InferenceProducts, RefusesABackwardPass) {
  Buffer<float> x(*inference_, 4);
  EXPECT_THROW(inference_->matmul_backward(x.get(), x.get(), nullptr, x.get(), x.get(), x.get(), 2, 2, 2,
                                           GradientWrite::overwrite),
               std::logic_error);
}

}  // namespace
}  // namespace textclass::backend::op_test
