// The CUDA backend's tf32 and bf16 precisions and the CPU's bf16 against the CPU's fp32: only the
// matmul products change (inputs rounded, sums in fp32), so the results stay within bf16's rounding
// of the fp32 ones.
#include "op_test.hpp"
#include "packed_rows.hpp"

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
                         ::testing::Values("cuda-tf32", "cuda-bf16", "cpu-bf16"),
                         backend_test_name);

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

// m [rows, cols] row-major, transposed: [cols, rows]
std::vector<float> transposed(const std::vector<float>& m, int rows, int cols) {
  std::vector<float> t(m.size());
  for (int r = 0; r < rows; r++)
    for (int c = 0; c < cols; c++)
      t[static_cast<std::size_t>(c) * rows + r] = m[static_cast<std::size_t>(r) * cols + c];
  return t;
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

// A weight gradient adds to what it held, once per call: dweight = G + doutᵀ·inp after one call and
// G + 2 doutᵀ·inp after two. A
// lost G or an extra sum is off by a whole G or product, far outside the bf16 bound.
TEST_P(MixedPrecisionTest, WeightGradientsAddOncePerCall) {
  const int N = 64, C = 256, OC = 96;
  Random random(9);
  const std::vector<float> dout = random.floats(static_cast<std::size_t>(N) * OC);
  const std::vector<float> inp = random.floats(static_cast<std::size_t>(N) * C);
  const std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C);
  const std::vector<float> held = random.floats(static_cast<std::size_t>(OC) * C);
  auto run = [&](Backend& backend, int calls) {
    Buffer<float> dout_d(backend, dout), inp_d(backend, inp), weight_d(backend, weight), dweight_d(backend, held);
    Buffer<float> dinp_d(backend, inp.size());
    for (int call = 0; call < calls; call++)
      backend.matmul_backward(dinp_d.get(), dweight_d.get(), nullptr, dout_d.get(), inp_d.get(), weight_d.get(), N, C,
                              OC, GradientWrite::accumulate);
    return dweight_d.read();
  };
  // dweight[o, c] = Σ_n dout[n, o] inp[n, c]: the bound's rows are dout's columns, its columns inp's
  const std::vector<float> dout_t = transposed(dout, N, OC), inp_t = transposed(inp, N, C);
  for (int calls : {1, 2}) {
    std::vector<float> twice_t = inp_t;  // two calls: twice the product's magnitude
    for (float& x : twice_t) x *= static_cast<float>(calls);
    expect_within_bf16_rounding(run(backend(), calls), run(cpu(), calls), dout_t, twice_t, OC, N, C, 1e-4,
                                std::to_string(calls) + " call(s): dweight");
  }
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

// With fused rounding the ops that write a product's input write its bf16 rounding too, and a
// product reads that instead of rounding the input itself: it must never read a rounding of what
// the tensor held before. Here x is written by one op after another (some write a rounding, some
// do not), and after each a product reads it; each product must be within bf16's rounding of
// x·wᵀ + b for x as it is then (downloaded), where a stale rounding would be off by the whole
// change. The backward pass of a linear layer, whose bias pass rounds dout, is checked the same way.
TEST_P(MixedPrecisionTest, ProductsReadTheirInputsAsTheyAreNow) {
  const int B = 2, T = 40, C = 64, NH = 4, OC = 48, N = B * T;  // heads of 16: the tensor-core attention
  const std::size_t NC = static_cast<std::size_t>(N) * C;
  Random random(3);
  const std::vector<float> weight = random.floats(static_cast<std::size_t>(OC) * C), bias = random.floats(OC);
  const std::vector<float> y = random.floats(NC), z = random.floats(NC), qkv = random.floats(3 * NC);
  const std::vector<float> ln_weight = random.floats(C), ln_bias = random.floats(C), dout = random.floats(N * OC);
  const Ints mask = random.padding_mask(B, T);
  Backend& be = backend();
  Buffer<float> x(be, NC), y_d(be, y), z_d(be, z), qkv_d(be, qkv), w_d(be, weight), b_d(be, bias), out(be, N * OC);
  Buffer<float> res(be, NC), mean(be, N), rstd(be, N), att(be, be.attention_saved_floats(B, T, C, NH));
  Buffer<float> ln_w(be, ln_weight), ln_b(be, ln_bias), dout_d(be, dout);
  const PackedRows rows(mask, B, T, 8);  // (at most B·T rows: x's)
  Buffer<int32_t> mask_d(be, mask), starts_d(be, rows.starts);
  auto expect_product_of_x = [&](const std::string& after) {
    SCOPED_TRACE("after " + after);
    be.matmul_forward(out.get(), x.get(), w_d.get(), b_d.get(), N, C, OC);
    const std::vector<float> now = x.read(), ours = out.read();
    std::vector<float> exact(ours.size());
    for (int n = 0; n < N; n++)
      for (int o = 0; o < OC; o++) {
        double sum = bias[o];
        for (int c = 0; c < C; c++) sum += double(now[static_cast<std::size_t>(n) * C + c]) * weight[o * C + c];
        exact[static_cast<std::size_t>(n) * OC + o] = static_cast<float>(sum);
      }
    expect_within_bf16_rounding(ours, exact, now, weight, N, C, OC, 1e-4, "x·wᵀ + b");
  };
  be.residual_layernorm_forward(x.get(), res.get(), mean.get(), rstd.get(), y_d.get(), z_d.get(), ln_w.get(),
                                ln_b.get(), 0.1f, 5, 1e-5f, N, C);
  expect_product_of_x("the residual LayerNorm");
  be.add(x.get(), x.get(), y_d.get(), NC);
  expect_product_of_x("an add in place");
  be.gelu_forward(x.get(), z_d.get(), NC);
  expect_product_of_x("GELU");
  be.dropout_forward(x.get(), y_d.get(), 0.1f, 6, NC);
  expect_product_of_x("dropout");
  be.copy(x.get(), z_d.get(), NC);
  expect_product_of_x("a copy");
  be.dropout_forward(x.get(), y_d.get(), 0.0f, 7, NC);
  expect_product_of_x("dropout with p = 0");
  be.fill(x.get(), 0.25f, NC);
  expect_product_of_x("a fill");
  be.attention_forward(x.get(), att.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, 0.1f, 8, B, T, C, NH);
  expect_product_of_x("attention");
  be.upload(x.get(), z.data(), NC * sizeof(float));
  expect_product_of_x("an upload");
  be.matmul_forward(x.get(), y_d.get(), qkv_d.get(), nullptr, N, C, C);  // x·qkv[:C]ᵀ: a product writes x
  expect_product_of_x("a product");

  // The backward pass, twice over the same dout, changed in between: dinp = dout·w, dw += doutᵀ·x,
  // db += Σ dout (the second time with no bias, so nothing rounds dout afresh).
  be.gelu_forward(x.get(), y_d.get(), NC);
  Buffer<float> dinp(be, NC), dw(be, static_cast<std::size_t>(OC) * C), db(be, OC);
  for (bool with_bias : {true, false}) {
    SCOPED_TRACE(with_bias ? "backward, with bias" : "backward, after dout changed, without bias");
    be.fill(dw.get(), 0.0f, static_cast<std::size_t>(OC) * C);
    be.fill(db.get(), 0.0f, OC);
    be.matmul_backward(dinp.get(), dw.get(), with_bias ? db.get() : nullptr, dout_d.get(), x.get(), w_d.get(), N, C,
                       OC, GradientWrite::accumulate);
    const std::vector<float> d = dout_d.read(), inp = x.read();
    // as products out = lhs·rhsᵀ: dinp = dout·(wᵀ)ᵀ, dw = doutᵀ·(xᵀ)ᵀ
    auto exact_product = [](const std::vector<float>& lhs, const std::vector<float>& rhs, int rows, int inner,
                            int cols) {
      std::vector<float> out(static_cast<std::size_t>(rows) * cols);
      for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
          double sum = 0.0;
          for (int k = 0; k < inner; k++)
            sum += double(lhs[static_cast<std::size_t>(r) * inner + k]) * rhs[static_cast<std::size_t>(c) * inner + k];
          out[static_cast<std::size_t>(r) * cols + c] = static_cast<float>(sum);
        }
      return out;
    };
    const std::vector<float> wt = transposed(weight, OC, C), dt = transposed(d, N, OC), xt = transposed(inp, N, C);
    expect_within_bf16_rounding(dinp.read(), exact_product(d, wt, N, OC, C), d, wt, N, OC, C, 1e-4, "dinp");
    expect_within_bf16_rounding(dw.read(), exact_product(dt, xt, OC, N, C), dt, xt, OC, N, C, 1e-4, "dw");
    if (with_bias) {
      Doubles exact_db(OC, 0.0);
      for (int n = 0; n < N; n++)
        for (int o = 0; o < OC; o++) exact_db[o] += d[static_cast<std::size_t>(n) * OC + o];
      expect_close(db.read(), exact_db, {1e-5, 1e-5}, "db");
    }
    be.add(dout_d.get(), dout_d.get(), dout_d.get(), dout.size());  // dout doubles: a stale rounding is half
  }
}

// With deferred joins (bf16, gemm.cuh) a weight gradient's product may still be running on the
// second stream when the ops after it start. Nine backward passes, each a product that waits for
// nothing before it, take the rounding slots (four; with fused rounding each pass takes one) or the
// copy of dout again while earlier products may still read them; NaN goes over each pass's inputs
// four passes later, and at once after one pass; after three others come a fill over the weight
// gradient, a copy of it and its sum of squares. Every weight gradient must be the product of its
// inputs as they were at its call, and each later op must find it written: a product that read NaN
// or a newer dout, or an op that ran before it, is far outside the bf16 bound. The shapes make the
// weight gradient much slower than the input gradient (64 x 64 outputs, each a sum over 8,192 rows),
// so that without the waits the ops after it would overtake it.
TEST_P(MixedPrecisionTest, OpsAfterAWeightGradientWaitForIt) {
  const int N = 8192, C = 64, OC = 64, passes = 9, lag = 4;
  const int filled_pass = 5, copied_pass = 6, nan_pass = 7, summed_pass = 8;
  const std::size_t NC = static_cast<std::size_t>(N) * C, NOC = static_cast<std::size_t>(N) * OC, W = OC * C;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Random random(11);
  std::vector<std::vector<float>> inps, douts;
  for (int k = 0; k < passes; k++) {
    inps.push_back(random.floats(NC));
    douts.push_back(random.floats(NOC));
  }
  const std::vector<float> weight = random.floats(W);
  struct Run {
    std::vector<std::vector<float>> dw;
    std::vector<float> copied;
    double squares;
  };
  auto run = [&](Backend& be) {
    Buffer<float> w(be, weight), dinp(be, NC), db(be, OC), copied(be, W);
    std::vector<std::unique_ptr<Buffer<float>>> inp, dout, dw;
    for (int k = 0; k < passes; k++) {
      inp.push_back(std::make_unique<Buffer<float>>(be, inps[k]));
      dout.push_back(std::make_unique<Buffer<float>>(be, douts[k]));
      dw.push_back(std::make_unique<Buffer<float>>(be, W));  // NaN
    }
    Run result;
    auto spoil_inputs = [&](int k) {
      be.fill(inp[k]->get(), nan, NC);
      be.fill(dout[k]->get(), nan, NOC);
    };
    for (int k = 0; k < passes; k++) {
      be.fill(db.get(), 0.0f, OC);
      be.matmul_backward(dinp.get(), dw[k]->get(), db.get(), dout[k]->get(), inp[k]->get(), w.get(), N, C, OC,
                         GradientWrite::overwrite);
      if (k == filled_pass) be.fill(dw[k]->get(), 0.5f, W);
      if (k == copied_pass) be.copy(copied.get(), dw[k]->get(), W);
      if (k == nan_pass) spoil_inputs(k);
      if (k == summed_pass) result.squares = be.sum_squares(dw[k]->get(), W);
      if (k >= lag) spoil_inputs(k - lag);
    }
    for (int k = 0; k < passes; k++) result.dw.push_back(dw[k]->read());
    result.copied = copied.read();
    return result;
  };
  const Run ours = run(backend()), exact = run(cpu());
  for (int k = 0; k < passes; k++) {
    SCOPED_TRACE("pass " + std::to_string(k));
    if (k == filled_pass) {
      EXPECT_EQ(ours.dw[k], std::vector<float>(W, 0.5f)) << "the fill over the weight gradient";
      continue;
    }
    expect_within_bf16_rounding(ours.dw[k], exact.dw[k], transposed(douts[k], N, OC), transposed(inps[k], N, C), OC,
                                N, C, 1e-4, "dw");
  }
  EXPECT_EQ(ours.copied, ours.dw[copied_pass]) << "the copy of a weight gradient";
  double squares = 0.0;
  for (float x : ours.dw[summed_pass]) squares += double(x) * x;
  EXPECT_NEAR(ours.squares, squares, 1e-9 * squares) << "the sum of squares of a weight gradient";
}

// In bf16 (deferred joins) the weight gradients' products may still be running on the second stream
// when sum_squares is called. Here two weight gradients lie inside one buffer of gradients, between
// floats no product writes: each sum of squares must equal the double sum of the buffer as it is
// then, after the products, after a fill, an upload and a copy over part of a gradient, over a range
// that cuts through one, and after a product that adds to one.
TEST_P(MixedPrecisionTest, GradientNormsFollowEveryWriteToTheGradients) {
  const int N = 256, C = 64, OC = 48;
  const std::size_t W = static_cast<std::size_t>(OC) * C, first = 100, second = first + W + 36, total = second + W + 7;
  Random random(19);
  const std::size_t NC = static_cast<std::size_t>(N) * C, NOC = static_cast<std::size_t>(N) * OC;
  Buffer<float> grads(backend(), random.floats(total)), w(backend(), random.floats(W)), inp(backend(), random.floats(NC)),
      dout(backend(), random.floats(NOC)), dinp(backend(), NC), db(backend(), OC);
  auto product = [&](std::size_t at, GradientWrite write) {
    backend().fill(db.get(), 0.0f, OC);
    backend().matmul_backward(dinp.get(), grads.get() + at, db.get(), dout.get(), inp.get(), w.get(), N, C, OC, write);
  };
  // sum_squares over floats [from, from + n) of the gradients against their double sum as read back
  auto expect_sum = [&](std::size_t from, std::size_t n, const std::string& what) {
    const double ours = backend().sum_squares(grads.get() + from, n);
    const std::vector<float> values = grads.read();
    double exact = 0.0;
    for (std::size_t i = from; i < from + n; i++) exact += double(values[i]) * values[i];
    EXPECT_NEAR(ours, exact, 1e-9 * exact) << what;
  };
  product(first, GradientWrite::overwrite);
  product(second, GradientWrite::overwrite);
  expect_sum(0, total, "after both products");
  backend().fill(grads.get() + first + 10, 3.0f, 100);
  expect_sum(0, total, "after a fill over part of the first gradient");
  expect_sum(second + W / 2, total - second - W / 2, "from the middle of the second gradient");
  expect_sum(second, W, "the second gradient alone");
  product(second, GradientWrite::accumulate);
  expect_sum(0, total, "after a product that adds to the second gradient");
  product(first, GradientWrite::overwrite);
  product(second, GradientWrite::overwrite);
  backend().upload(grads.get() + second + 7, random.floats(3).data(), 3 * sizeof(float));
  expect_sum(0, total, "after an upload into the second gradient");
  backend().copy(grads.get() + first + W - 5, w.get(), 20);  // over the end of the first gradient
  expect_sum(0, total, "after a copy over the end of the first gradient");
  backend().fill(grads.get(), 1.0f, first);  // floats before the first gradient only
  expect_sum(0, total, "after a fill before the first gradient");
}

// Attention multiplies twice (scores, then probabilities by values) and its backward pass four
// times more; with inputs of magnitude up to 1 (half that at 64 channels a head, where the scores
// are larger) the outputs and the gradients stay within a few hundredths of the CPU's fp32. In bf16
// the first six run tensor_core_attention.cuh's kernels: heads of 16, 32 and 64 channels, lengths
// that are and are not multiples of 16, one 64-row block of a head to five (the last part empty),
// with and without dropout; the last (heads of 24 channels) the plan on the padded layout. The
// backward pass must not read qkv (att keeps what it needs: the model reuses qkv's memory), and the
// rows of no token must come out zero.
struct AttentionCase {
  int B, T, C, NH;
  float scale, dropout_p;
};

TEST_P(MixedPrecisionTest, AttentionStaysCloseToTheCpu) {
  for (const AttentionCase& s : {AttentionCase{3, 37, 64, 4, 1.0f, 0.0f}, AttentionCase{2, 16, 64, 2, 1.0f, 0.1f},
                                 AttentionCase{2, 77, 128, 2, 0.5f, 0.1f}, AttentionCase{2, 128, 128, 2, 0.5f, 0.0f},
                                 AttentionCase{2, 150, 64, 2, 1.0f, 0.1f},
                                 AttentionCase{2, 300, 128, 2, 0.5f, 0.1f}, AttentionCase{3, 40, 48, 2, 1.0f, 0.1f}}) {
    SCOPED_TRACE("B " + std::to_string(s.B) + ", T " + std::to_string(s.T) + ", C " + std::to_string(s.C) + ", NH " +
                 std::to_string(s.NH) + ", dropout " + std::to_string(s.dropout_p));
    const auto [B, T, C, NH, scale, p] = s;
    const uint64_t seed = 99;
    Random random(11);
    const Ints mask = random.padding_mask(B, T);
    const PackedRows rows(mask, B, T, 64);
    const std::vector<float> qkv = rows.pack(random.floats(static_cast<std::size_t>(B) * T * 3 * C, scale), 3 * C, 0.0f);
    const std::vector<float> dout = rows.pack(random.floats(static_cast<std::size_t>(B) * T * C), C, 0.0f);
    auto run = [&](Backend& backend) {
      Buffer<float> qkv_d(backend, qkv), dout_d(backend, dout), dqkv_d(backend, qkv.size());
      Buffer<int32_t> mask_d(backend, mask), starts_d(backend, rows.starts);
      Buffer<float> out_d(backend, dout.size()), att_d(backend, backend.attention_saved_floats(B, T, C, NH));
      backend.attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, p, seed,
                                B, T, C, NH);
      backend.fill(qkv_d.get(), std::numeric_limits<float>::quiet_NaN(), qkv.size());
      backend.attention_backward(dqkv_d.get(), dout_d.get(), out_d.get(), att_d.get(), mask_d.get(), starts_d.get(),
                                 rows.M, p, seed, B, T, C, NH);
      return std::make_pair(out_d.read(), dqkv_d.read());
    };
    const auto [out, dqkv] = run(backend());
    const auto [exact_out, exact_dqkv] = run(cpu());
    expect_close(out, to_doubles(exact_out), {0.0, 2e-2}, "out");
    expect_close(dqkv, to_doubles(exact_dqkv), {0.0, 2e-2}, "dqkv");
    const std::size_t tokens = rows.from.size();
    for (std::size_t i = tokens * C; i < out.size(); i++) ASSERT_EQ(out[i], 0.0f) << "out[" << i << "]";
    for (std::size_t i = tokens * 3 * C; i < dqkv.size(); i++) ASSERT_EQ(dqkv[i], 0.0f) << "dqkv[" << i << "]";
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
