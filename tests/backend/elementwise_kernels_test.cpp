// The CUDA backend's element-wise map and the padded layout's index lists
// (backend/cuda/elementwise_kernels.cuh), LayerNorm kernels (layernorm_kernels.cuh) and AdamW
// kernel (optimizer_kernels.cuh) run on host threads (kernels_on_host.hpp) against the CPU backend's
// ops: both ways of each (four floats at a time where the tensors are aligned, one at a time where
// they are not, as the launchers choose), with lengths that leave a few floats after the last whole
// four, grids smaller than the work (so the threads stride), tensors updated in place, and the bf16
// roundings of fused rounding, which must equal the outputs' own element by element. The op tests
// check the kernels themselves against the CPU where there is a GPU.
// Builds without CUDA (no cuda_bf16.h) have nothing to test here.
#ifdef TEXTCLASS_HAS_CUDA
#include "kernels_on_host.hpp"  // first: the kernels below see its stand-ins
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattributes"
#include "textclass/backend/cuda/elementwise_kernels.cuh"
#include "textclass/backend/cuda/layernorm_kernels.cuh"
#include "textclass/backend/cuda/optimizer_kernels.cuh"
#pragma GCC diagnostic pop

#include <limits>
#include <string>
#include <vector>

#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

namespace host = textclass::testing::kernels_on_host;
using cuda::elementwise::Map;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// map over n floats on 2 blocks of 64 threads, four at a time or one at a time as its launcher
// would choose (expect_quads says which that must be).
template <typename F>
void run_map(const Map<F>& map, std::size_t n, bool expect_quads) {
  ASSERT_EQ(cuda::elementwise::aligned_for_quads(map), expect_quads);
  host::launch(dim3(2), 64, 0, [&] { cuda::elementwise::map_kernel(map, n, expect_quads); });
}

// 16-byte aligned host memory for the kernels' float4s, `shift` floats in.
struct Floats {
  Floats(const std::vector<float>& values, std::size_t shift) : data(values.size() + 8, kNaN), first(shift) {
    std::copy(values.begin(), values.end(), get());
  }
  float* get() {
    auto* base = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(data.data()) + 15) / 16 * 16);
    return base + first;
  }
  std::vector<float> values(std::size_t n) { return std::vector<float>(get(), get() + n); }
  std::vector<float> data;
  std::size_t first;
};

TEST(ElementwiseKernelsOnHost, MapsMatchTheCpuBothWays) {
  const std::size_t n = 1003;  // 250 fours and 3 floats
  Random random(21);
  const std::vector<float> x = random.floats(n, 3.0f), y = random.floats(n);
  auto cpu = make_cpu_backend({.threads = 1});
  Buffer<float> x_d(*cpu, x), y_d(*cpu, y), out_d(*cpu, n);
  for (std::size_t shift : {0, 1}) {
    SCOPED_TRACE(shift == 0 ? "four floats at a time" : "one float at a time");
    const bool quads = shift == 0;
    std::vector<__nv_bfloat16> rounded(n + 8, __float2bfloat16_rn(-1e30f));
    __nv_bfloat16* r = rounded.data() + (quads ? 0 : 1);  // where the roundings go (8-byte aligned or not)
    {
      Floats in(x, shift), out(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::Gelu>{out.get(), r, in.get(), nullptr, {}}, n, quads);
      cpu->gelu_forward(out_d.get(), x_d.get(), n);
      expect_close(out.values(n), to_doubles(out_d.read()), {1e-6, 1e-7}, "gelu");
      for (std::size_t i = 0; i < n; i++)
        ASSERT_EQ(__bfloat162float(r[i]), __bfloat162float(__float2bfloat16_rn(out.get()[i]))) << "gelu rounding " << i;
    }
    {
      Floats a(x, shift), b(y, shift);  // gelu's backward pass in place: dinp = dout
      run_map(Map<cuda::elementwise::GeluBackward>{b.get(), nullptr, a.get(), b.get(), {}}, n, quads);
      cpu->gelu_backward(out_d.get(), x_d.get(), y_d.get(), n);
      expect_close(b.values(n), to_doubles(out_d.read()), {1e-5, 1e-7}, "gelu backward");
    }
    if (quads) {  // as [59, 17] rows (1003 floats) in place, with the column sums and the rounding
      const int N = 59, C = 17;
      Floats a(x, 0), b(y, 0);
      std::vector<float> sums(C, 1.0f);
      const dim3 grid = cuda::elementwise::column_sums_grid(N, C);
      ASSERT_GE(grid.y, 2u) << "the row slices stride";
      host::launch(grid, cuda::elementwise::column_sums_threads(), cuda::elementwise::column_sums_shared_bytes, [&] {
        cuda::elementwise::column_sums_kernel(
            Map<cuda::elementwise::GeluBackward>{b.get(), r, a.get(), b.get(), {}}, sums.data(), N, C);
      });
      cpu->gelu_backward(out_d.get(), x_d.get(), y_d.get(), n);
      const std::vector<float> dinp = out_d.read();
      expect_close(b.values(n), to_doubles(dinp), {1e-5, 1e-7}, "gelu backward with sums");
      Doubles expected(C, 1.0);
      for (std::size_t i = 0; i < n; i++) expected[i % C] += dinp[i];
      expect_close(sums, expected, {1e-5, 1e-6}, "gelu backward's column sums");
      for (std::size_t i = 0; i < n; i++)
        ASSERT_EQ(__bfloat162float(r[i]), __bfloat162float(__float2bfloat16_rn(b.get()[i]))) << "rounding " << i;
      // the bias gradient: the column sums of a alone, no out, and its rounding
      std::vector<float> bias(C, 0.0f);
      host::launch(grid, cuda::elementwise::column_sums_threads(), cuda::elementwise::column_sums_shared_bytes, [&] {
        cuda::elementwise::column_sums_kernel(Map<cuda::elementwise::First>{nullptr, r, a.get(), nullptr, {}},
                                              bias.data(), N, C);
      });
      Doubles column_sums(C, 0.0);
      for (std::size_t i = 0; i < n; i++) column_sums[i % C] += x[i];
      expect_close(bias, column_sums, {1e-5, 1e-6}, "column sums");
      for (std::size_t i = 0; i < n; i++)
        ASSERT_EQ(__bfloat162float(r[i]), __bfloat162float(__float2bfloat16_rn(x[i]))) << "column sums' rounding " << i;
    }
    {
      Floats a(x, shift), b(y, shift);  // out = a
      run_map(Map<cuda::elementwise::Sum>{a.get(), nullptr, a.get(), b.get(), {}}, n, quads);
      cpu->add(out_d.get(), x_d.get(), y_d.get(), n);
      expect_close(a.values(n), to_doubles(out_d.read()), {0.0, 0.0}, "add in place");
    }
    {
      Floats in(x, shift), out(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::Tanh>{out.get(), nullptr, in.get(), nullptr, {}}, n, quads);
      cpu->tanh_forward(out_d.get(), x_d.get(), n);
      expect_close(out.values(n), to_doubles(out_d.read()), {1e-6, 1e-7}, "tanh");
      Floats dout(y, shift), dinp(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::TanhBackward>{dinp.get(), nullptr, out.get(), dout.get(), {}}, n, quads);
      cpu->tanh_backward(x_d.get(), out_d.get(), y_d.get(), n);  // (x_d is uploaded again below)
      expect_close(dinp.values(n), to_doubles(x_d.read()), {1e-5, 1e-7}, "tanh backward");
      cpu->upload(x_d.get(), x.data(), n * sizeof(float));
    }
    {
      Floats in(x, shift), out(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::Relu>{out.get(), nullptr, in.get(), nullptr, {}}, n, quads);
      cpu->relu_forward(out_d.get(), x_d.get(), n);
      expect_close(out.values(n), to_doubles(out_d.read()), {0.0, 0.0}, "relu");
      Floats dout(y, shift), dinp(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::ReluBackward>{dinp.get(), nullptr, out.get(), dout.get(), {}}, n, quads);
      cpu->relu_backward(x_d.get(), out_d.get(), y_d.get(), n);  // (x_d is uploaded again below)
      expect_close(dinp.values(n), to_doubles(x_d.read()), {0.0, 0.0}, "relu backward");
      cpu->upload(x_d.get(), x.data(), n * sizeof(float));
    }
    for (float p : {0.1f, 0.0f}) {
      SCOPED_TRACE("dropout " + std::to_string(p));
      Floats in(x, shift), out(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::Dropout>{out.get(), r, in.get(), nullptr, {p, 1.0f / (1.0f - p), uint64_t{77}}},
              n, quads);
      cpu->dropout_forward(out_d.get(), x_d.get(), p, 77, n);
      expect_close(out.values(n), to_doubles(out_d.read()), {0.0, 0.0}, "dropout");  // the same hash, the same product
      for (std::size_t i = 0; i < n; i++)
        ASSERT_EQ(__bfloat162float(r[i]), __bfloat162float(__float2bfloat16_rn(out.get()[i])))
            << "dropout rounding " << i;
    }
    {
      Floats out(std::vector<float>(n, kNaN), shift);
      run_map(Map<cuda::elementwise::Constant>{out.get(), nullptr, nullptr, nullptr, {0.25f}}, n, quads);
      expect_close(out.values(n), Doubles(n, 0.25), {0.0, 0.0}, "fill");
      EXPECT_TRUE(std::isnan(out.get()[n])) << "fill wrote past its end";
    }
  }
}

// LayerNorm's forward pass, with and without the residual connection and dropout before it, for
// rows of 768 channels (six float4s a lane), 40 (ten lanes of one float4 each) and 30 (no float4s:
// one float at a time), and rows that are not 16-byte aligned (one float at a time).
struct LayerNormCase {
  int N, C;
  std::size_t shift;  // floats into aligned memory
  bool quads;         // four floats at a time
};
const LayerNormCase kLayerNormCases[] = {{20, 768, 0, true}, {9, 40, 0, true}, {9, 30, 0, false}, {9, 768, 1, false}};

std::string describe(const LayerNormCase& c, bool residual) {
  return "N " + std::to_string(c.N) + ", C " + std::to_string(c.C) + ", shift " + std::to_string(c.shift) +
         (residual ? ", residual" : "");
}

TEST(ElementwiseKernelsOnHost, LayerNormForwardMatchesTheCpuBothWays) {
  for (const LayerNormCase& c : kLayerNormCases) {
    for (bool residual : {false, true}) {
      SCOPED_TRACE(describe(c, residual));
      const std::size_t NC = static_cast<std::size_t>(c.N) * c.C;
      const float p = residual ? 0.1f : 0.0f, eps = 1e-12f;
      Random random(5);
      const std::vector<float> inp = random.floats(NC, 2.0f), res_in = random.floats(NC);
      const std::vector<float> weight = random.floats(c.C), bias = random.floats(c.C);
      Floats inp_h(inp, c.shift), residual_h(res_in, c.shift), weight_h(weight, 0), bias_h(bias, 0);
      Floats out_h(std::vector<float>(NC, kNaN), c.shift), res_h(std::vector<float>(NC, kNaN), c.shift);
      std::vector<float> mean(c.N, kNaN), rstd(c.N, kNaN);
      std::vector<__nv_bfloat16> rounded(NC);
      const cuda::layernorm::ForwardRows rows{out_h.get(),   rounded.data(),
                                              residual ? res_h.get() : nullptr,
                                              mean.data(),   rstd.data(),
                                              inp_h.get(),   residual ? residual_h.get() : nullptr,
                                              weight_h.get(), bias_h.get(),
                                              p,             uint64_t{31},
                                              eps,           c.N,
                                              c.C};
      ASSERT_EQ(cuda::layernorm::fits_quads(rows), c.quads);
      constexpr int kWarps = cuda::layernorm::kWarps;
      cuda::layernorm::with_forward_kernel(rows, [&](auto kernel) {
        host::launch(dim3((c.N + kWarps - 1) / kWarps), kWarps * 32, 0, [&] { kernel(rows); });
      });

      auto cpu = make_cpu_backend({.threads = 1});
      Buffer<float> inp_d(*cpu, inp), residual_d(*cpu, res_in), w_d(*cpu, weight), b_d(*cpu, bias);
      Buffer<float> out_d(*cpu, NC), res_d(*cpu, NC), mean_d(*cpu, c.N), rstd_d(*cpu, c.N);
      if (residual)
        cpu->residual_layernorm_forward(out_d.get(), res_d.get(), mean_d.get(), rstd_d.get(), inp_d.get(),
                                        residual_d.get(), w_d.get(), b_d.get(), p, 31, eps, c.N, c.C);
      else
        cpu->layernorm_forward(out_d.get(), mean_d.get(), rstd_d.get(), inp_d.get(), w_d.get(), b_d.get(), eps, c.N,
                               c.C);
      expect_close(out_h.values(NC), to_doubles(out_d.read()), {1e-5, 1e-6}, "out");
      expect_close(mean, to_doubles(mean_d.read()), {1e-6, 1e-7}, "mean");
      expect_close(rstd, to_doubles(rstd_d.read()), {1e-6, 1e-7}, "rstd");
      if (residual) expect_close(res_h.values(NC), to_doubles(res_d.read()), {0.0, 0.0}, "res");
      for (std::size_t i = 0; i < NC; i++)
        ASSERT_EQ(__bfloat162float(rounded[i]), __bfloat162float(__float2bfloat16_rn(out_h.get()[i])))
            << "rounding [" << i << "]";
    }
  }
}

// LayerNorm's backward pass, plain and as residual_layernorm_backward (the output gradient in two
// shares, dropout's backward pass after it, whose column sums and bf16 rounding it also writes),
// both ways, for the shapes of the forward test, with a warp for each row and with fewer warps than
// rows.
TEST(ElementwiseKernelsOnHost, LayerNormBackwardMatchesTheCpuBothWays) {
  for (const LayerNormCase& c : kLayerNormCases) {
    for (bool residual : {false, true}) {
      SCOPED_TRACE(describe(c, residual));
      const std::size_t NC = static_cast<std::size_t>(c.N) * c.C;
      const float p = residual ? 0.1f : 0.0f;
      Random random(6);
      const std::vector<float> inp = random.floats(NC, 2.0f), dout = random.floats(NC), dout2 = random.floats(NC);
      const std::vector<float> weight = random.floats(c.C), bias = random.floats(c.C);
      const std::vector<float> dweight_before = random.floats(c.C), dbias_before = random.floats(c.C);
      const std::vector<float> sums_before = random.floats(c.C);
      auto cpu = make_cpu_backend({.threads = 1});
      Buffer<float> inp_d(*cpu, inp), dout_d(*cpu, dout), dout2_d(*cpu, dout2), w_d(*cpu, weight), b_d(*cpu, bias);
      Buffer<float> out_d(*cpu, NC), mean_d(*cpu, c.N), rstd_d(*cpu, c.N), dres_d(*cpu, NC), dinp_d(*cpu, NC);
      Buffer<float> dw_d(*cpu, dweight_before), db_d(*cpu, dbias_before), sums_d(*cpu, sums_before);
      cpu->layernorm_forward(out_d.get(), mean_d.get(), rstd_d.get(), inp_d.get(), w_d.get(), b_d.get(), 1e-12f, c.N,
                             c.C);
      if (residual)
        cpu->residual_layernorm_backward(dres_d.get(), dinp_d.get(), dw_d.get(), db_d.get(), sums_d.get(),
                                         dout_d.get(), dout2_d.get(), inp_d.get(), w_d.get(), mean_d.get(),
                                         rstd_d.get(), p, 41, c.N, c.C);
      else
        cpu->layernorm_backward(dres_d.get(), dw_d.get(), db_d.get(), dout_d.get(), inp_d.get(), w_d.get(),
                                mean_d.get(), rstd_d.get(), c.N, c.C);

      // a warp a row (as many blocks as that takes), and one block whose warps take several rows each
      constexpr int kWarps = cuda::layernorm::kWarps;
      for (const unsigned blocks : {static_cast<unsigned>((c.N + kWarps - 1) / kWarps), 1u}) {
        SCOPED_TRACE(std::to_string(blocks) + " blocks");
        std::vector<float> mean = mean_d.read(), rstd = rstd_d.read(), dweight = dweight_before, dbias = dbias_before;
        std::vector<float> sums = sums_before;
        std::vector<__nv_bfloat16> rounded(NC);
        Floats inp_h(inp, c.shift), dout_h(dout, c.shift), dout2_h(dout2, c.shift), weight_h(weight, 0);
        Floats dres_h(std::vector<float>(NC, kNaN), c.shift), dinp_h(std::vector<float>(NC, kNaN), c.shift);
        const cuda::layernorm::BackwardRows rows{dres_h.get(),  residual ? dinp_h.get() : nullptr,
                                                 dweight.data(), dbias.data(),
                                                 dout_h.get(),  residual ? dout2_h.get() : nullptr,
                                                 inp_h.get(),   weight_h.get(),
                                                 mean.data(),   rstd.data(),
                                                 p,             uint64_t{41},
                                                 c.N,           c.C,
                                                 residual ? sums.data() : nullptr,
                                                 residual ? rounded.data() : nullptr};
        ASSERT_EQ(cuda::layernorm::fits_quads(rows), c.quads);
        cuda::layernorm::with_backward_kernel(rows, [&](auto kernel) {
          host::launch(dim3(blocks), kWarps * 32, cuda::layernorm::kSums * c.C * sizeof(float), [&] { kernel(rows); });
        });
        expect_close(dres_h.values(NC), to_doubles(dres_d.read()), {1e-4, 1e-5}, "dres");
        if (residual) expect_close(dinp_h.values(NC), to_doubles(dinp_d.read()), {1e-4, 1e-5}, "dinp");
        expect_close(dweight, to_doubles(dw_d.read()), {1e-5, 1e-5}, "dweight");
        expect_close(dbias, to_doubles(db_d.read()), {1e-5, 1e-5}, "dbias");
        if (!residual) continue;
        expect_close(sums, to_doubles(sums_d.read()), {1e-5, 1e-5}, "dinp's column sums");
        for (std::size_t i = 0; i < NC; i++)
          ASSERT_EQ(__bfloat162float(rounded[i]), __bfloat162float(__float2bfloat16_rn(dinp_h.get()[i])))
              << "dinp's rounding [" << i << "]";
      }
    }
  }
}

// The sum of squares' partial sums both ways (W = 4 and 1) on 3 blocks of 64 threads, then their
// total by one warp: Σ x² in double, the 3 floats after the last whole four included.
TEST(ElementwiseKernelsOnHost, SumOfSquaresBothWays) {
  const std::size_t n = 1003;
  const std::vector<float> x = Random(37).floats(n, 2.0f);
  double expected = 0.0;
  for (float value : x) expected += double(value) * value;
  for (const int width : {4, 1}) {
    SCOPED_TRACE(width == 4 ? "four floats at a time" : "one float at a time");
    Floats in(x, 0);
    std::vector<double> partials(3, std::numeric_limits<double>::quiet_NaN());
    host::launch(dim3(3), 64, cuda::optimizer::kSumSquaresSharedBytes, [&] {
      if (width == 4) cuda::optimizer::sum_squares_partial_kernel<4>(partials.data(), in.get(), n);
      else cuda::optimizer::sum_squares_partial_kernel<1>(partials.data(), in.get(), n);
    });
    double total = std::numeric_limits<double>::quiet_NaN();
    host::launch(dim3(1), 32, 0, [&] { cuda::optimizer::sum_partials_kernel<>(&total, partials.data(), 3); });
    EXPECT_NEAR(total, expected, 1e-12 * expected);
  }
}

// The index lists between the padded layout and the packed rows of tokens (the CUDA attention's
// moves around its plan) on 2 blocks of 32 threads, fewer than the entries (so the threads stride):
// rows of 3, 0 (an empty row), 5 (a full one) and 1 tokens of T = 5, and 4 rows of no token after
// them; and a batch with more padded rows than packed ones. Every entry is written (they start at
// a value no entry has).
TEST(ElementwiseKernelsOnHost, PaddedRowsIndexBothWays) {
  struct Case {
    int B, T, M;
    std::vector<int32_t> starts, to_rows, to_padded;
  };
  for (const Case& c : {Case{4, 5, 13, {0, 3, 3, 8, 9},
                             {0, 1, 2, -1, -1, -1, -1, -1, -1, -1, 3, 4, 5, 6, 7, 8, -1, -1, -1, -1},
                             {0, 1, 2, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1}},
                        Case{2, 40, 8, {0, 2, 3}, [] {
                               std::vector<int32_t> rows(80, -1);
                               rows[0] = 0, rows[1] = 1, rows[40] = 2;
                               return rows;
                             }(),
                             {0, 1, 40, -1, -1, -1, -1, -1}}}) {
    SCOPED_TRACE("B " + std::to_string(c.B) + ", T " + std::to_string(c.T) + ", M " + std::to_string(c.M));
    std::vector<int32_t> to_rows(static_cast<std::size_t>(c.B) * c.T, -7), to_padded(c.M, -7);
    host::launch(dim3(2), 32, 0, [&] {
      cuda::elementwise::padded_rows_kernel<>(to_rows.data(), to_padded.data(), c.starts.data(), c.B, c.T, c.M);
    });
    EXPECT_EQ(to_rows, c.to_rows);
    EXPECT_EQ(to_padded, c.to_padded);
  }
}

// AdamW both ways (W = 4 and 1) on 2 blocks of 64 threads (so the threads stride), over spans that
// start and end inside groups of four around floats in none: the CPU backend's step bit for bit
// (the same adamw_element), the bf16 copy each stepped parameter's rounding, and the floats in no
// span as they were (a group of four wholly inside the spans' range is stored whole).
TEST(ElementwiseKernelsOnHost, AdamWMatchesTheCpuBothWays) {
  const std::size_t n = 1003;
  // [0, 5) in none, [5, 605) decayed, [605, 609) in none, [609, 999) undecayed, [999, 1003) in none
  const std::vector<ParameterSpan> spans = {{5, 600, 0.3}, {609, 390, 0.0}};
  const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  const float grad_scale = 0.5f;
  const int step = 3;
  Random random(31);
  const std::vector<float> params = random.floats(n), grads = random.floats(n), m = random.floats(n, 0.01f);
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; i++) v[i] = m[i] * m[i];
  auto cpu = make_cpu_backend({.threads = 1});
  Buffer<float> params_d(*cpu, params), grads_d(*cpu, grads), m_d(*cpu, m), v_d(*cpu, v);
  cpu->adamw_update(params_d.get(), grads_d.get(), m_d.get(), v_d.get(), spans, lr, beta1, beta2, eps, grad_scale,
                    step);
  const std::vector<float> expected_params = params_d.read(), expected_m = m_d.read(), expected_v = v_d.read();
  ASSERT_NE(expected_params, params);

  const cuda::optimizer::SpanTable table =
      cuda::optimizer::span_table(spans, 0, lr, beta1, beta2, eps, grad_scale, step);
  ASSERT_EQ(table.first, 5u);
  ASSERT_EQ(table.last, 999u);
  for (const int width : {4, 1}) {
    SCOPED_TRACE(width == 4 ? "four floats at a time" : "one float at a time");
    Floats p(params, 0), g(grads, 0), mu(m, 0), nu(v, 0);
    std::vector<__nv_bfloat16> copy(n + 4, __float2bfloat16_rn(-1e30f));
    __nv_bfloat16* copy_at = copy.data() + (4 - reinterpret_cast<std::uintptr_t>(copy.data()) / 2 % 4) % 4;
    host::launch(dim3(2), 64, 0, [&] {
      if (width == 4) cuda::optimizer::adamw_kernel<4>(p.get(), g.get(), mu.get(), nu.get(), copy_at, table);
      else cuda::optimizer::adamw_kernel<1>(p.get(), g.get(), mu.get(), nu.get(), copy_at, table);
    });
    EXPECT_EQ(p.values(n), expected_params);
    EXPECT_EQ(mu.values(n), expected_m);
    EXPECT_EQ(nu.values(n), expected_v);
    for (const ParameterSpan& span : spans)
      for (std::size_t i = span.offset; i < span.offset + span.count; i++)
        ASSERT_EQ(__bfloat162float(copy_at[i]), __bfloat162float(__float2bfloat16_rn(expected_params[i]))) << i;
    for (const std::size_t i : {0u, 4u, 1002u})
      EXPECT_EQ(__bfloat162float(copy_at[i]), __bfloat162float(__float2bfloat16_rn(-1e30f)))
          << "a float outside every group with a span: " << i;
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
#endif
