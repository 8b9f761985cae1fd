// The CUDA backend's tf32 and bf16 precisions against the CPU: only the matmul products change
// (inputs rounded, sums in fp32), so the results stay within bf16's rounding of the fp32 ones.
// Builds without CUDA have nothing to test here.
#ifdef TEXTCLASS_HAS_CUDA
#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

// backend() is the GPU's, in the precision the parameter names.
class MixedPrecisionTest : public textclass::testing::BackendTest {
 protected:
  Backend& cpu() { return *cpu_; }

 private:
  std::unique_ptr<Backend> cpu_ = make_cpu_backend();
};

// TF32 keeps 11 significant bits, bf16 8, so bf16's bound holds for both.
INSTANTIATE_TEST_SUITE_P(TensorCores, MixedPrecisionTest,
                         ::testing::Values("cuda-tf32", "cuda-bf16", "cuda-bf16-weights"), backend_test_name);

// bf16 keeps 8 significant bits: each rounded input is within 2^-9 of its value, a product of two
// within about 2^-8, so a sum of products moves by at most 2^-8 · Σ|a·b| (and fp32 adds little).
// Checks that bound for ours against the CPU's exact out[N, OC] = inp[N, C] · weight[OC, C]ᵀ (+ bias).
void expect_within_bf16_rounding(const std::vector<float>& ours, const std::vector<float>& exact,
                                 const std::vector<float>& inp, const std::vector<float>& weight, int N, int C,
                                 int OC, double slack, const std::string& what) {
  for (int n = 0; n < N; n++) {
    for (int o = 0; o < OC; o++) {
      double magnitude = 0.0;
      for (int c = 0; c < C; c++)
        magnitude += std::abs(double(inp[static_cast<std::size_t>(n) * C + c]) * weight[static_cast<std::size_t>(o) * C + c]);
      const std::size_t i = static_cast<std::size_t>(n) * OC + o;
      ASSERT_LE(std::abs(double(ours[i]) - exact[i]), magnitude / 256.0 + slack)
          << what << ": out[" << n << "," << o << "]";
    }
  }
}

TEST_P(MixedPrecisionTest, MatmulStaysWithinBf16RoundingOfTheCpu) {
  const int N = 64, C = 768, OC = 96;
  Random random(7);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
  const std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C);
  const std::vector<float> bias = random.floats(OC);
  auto run = [&](Backend& backend) {
    Buffer<float> inp_d(backend, inp), weight_d(backend, weight), bias_d(backend, bias);
    Buffer<float> out_d(backend, static_cast<std::size_t>(N) * OC);
    backend.matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), bias_d.get(), N, C, OC);
    return out_d.read();
  };
  expect_within_bf16_rounding(run(backend()), run(cpu()), inp, weight, N, C, OC, 1e-5, "the product");
}

// With bf16 weights AdamW keeps a bf16 copy of the parameters from which the products read them:
// a product after an update must see the updated weights, and one after an upload over them the
// uploaded ones, never a stale copy. A stale weight would be off by about lr = 0.5 here, far
// outside the bf16 bound of the test above.
TEST_P(MixedPrecisionTest, ProductsFollowTheWeightsThroughUpdatesAndUploads) {
  const int N = 32, C = 64, OC = 48;
  const std::size_t weights = static_cast<std::size_t>(OC) * C, count = weights + OC;  // weight, then bias
  Random random(5);
  const std::vector<float> params = random.floats(count), grads = random.floats(count);
  const std::vector<float> replacement = random.floats(count), zeros(count, 0.0f);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
  // The products after two updates and after an upload, each with the weights it used.
  auto run = [&](Backend& backend) {
    Buffer<float> params_d(backend, params), grads_d(backend, grads), m_d(backend, zeros), v_d(backend, zeros);
    Buffer<float> inp_d(backend, inp), out_d(backend, static_cast<std::size_t>(N) * OC);
    std::vector<std::pair<std::vector<float>, std::vector<float>>> products;
    auto product = [&] {
      backend.matmul_forward(out_d.get(), inp_d.get(), params_d.get(), params_d.get() + weights, N, C, OC);
      products.emplace_back(out_d.read(), params_d.read());
    };
    for (int step = 1; step <= 2; step++) {
      backend.adamw_update(params_d.get(), grads_d.get(), m_d.get(), v_d.get(), {{0, count, 0.01}}, 0.5, 0.9, 0.999,
                           1e-8, 1.0f, step);
      product();
    }
    backend.upload(params_d.get(), replacement.data(), count * sizeof(float));
    product();
    return products;
  };
  const auto ours = run(backend()), exact = run(cpu());
  ASSERT_EQ(ours.size(), exact.size());
  for (std::size_t k = 0; k < ours.size(); k++)
    expect_within_bf16_rounding(ours[k].first, exact[k].first, inp, exact[k].second, N, C, OC, 1e-4,
                                "product " + std::to_string(k));
}

// Attention multiplies twice (scores, then probabilities by values) and its backward pass four
// times more; with inputs of magnitude up to 1 (half that at 64 channels a head, where the scores
// are larger) the outputs and the gradients stay within a few hundredths of the CPU's fp32. In bf16
// these run tensor_core_attention.cuh's kernels: heads of 16, 32 and 64 channels, lengths that are
// and are not multiples of 16, one 64-row block of a head to five (the last part empty), with and
// without dropout.
struct AttentionCase {
  int B, T, C, NH;
  float scale, dropout_p;
};

TEST_P(MixedPrecisionTest, AttentionStaysCloseToTheCpu) {
  for (const AttentionCase& s : {AttentionCase{3, 37, 64, 4, 1.0f, 0.0f}, AttentionCase{2, 16, 64, 2, 1.0f, 0.1f},
                                 AttentionCase{2, 77, 128, 2, 0.5f, 0.1f}, AttentionCase{2, 128, 128, 2, 0.5f, 0.0f},
                                 AttentionCase{2, 150, 64, 2, 1.0f, 0.1f},
                                 AttentionCase{2, 300, 128, 2, 0.5f, 0.1f}}) {
    SCOPED_TRACE("B " + std::to_string(s.B) + ", T " + std::to_string(s.T) + ", C " + std::to_string(s.C) + ", NH " +
                 std::to_string(s.NH) + ", dropout " + std::to_string(s.dropout_p));
    const auto [B, T, C, NH, scale, p] = s;
    const uint64_t seed = 99;
    Random random(11);
    const std::vector<float> qkv = random.floats(static_cast<std::size_t>(B) * T * 3 * C, scale);
    const std::vector<float> dout = random.floats(static_cast<std::size_t>(B) * T * C);
    const Ints mask = random.padding_mask(B, T);
    auto run = [&](Backend& backend) {
      Buffer<float> qkv_d(backend, qkv), dout_d(backend, dout), dqkv_d(backend, qkv.size());
      Buffer<int32_t> mask_d(backend, mask);
      Buffer<float> out_d(backend, dout.size()), att_d(backend, backend.attention_saved_floats(B, T, NH));
      backend.attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), p, seed, B, T, C, NH);
      backend.attention_backward(dqkv_d.get(), dout_d.get(), qkv_d.get(), att_d.get(), mask_d.get(), p, seed, B, T,
                                 C, NH);
      return std::make_pair(out_d.read(), dqkv_d.read());
    };
    const auto [out, dqkv] = run(backend());
    const auto [exact_out, exact_dqkv] = run(cpu());
    expect_close(out, to_doubles(exact_out), {0.0, 2e-2}, "out");
    expect_close(dqkv, to_doubles(exact_dqkv), {0.0, 2e-2}, "dqkv");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
#endif
