// The CUDA backend's plans run on the host: its cuBLASLt calls (gemm_call.hpp) through a naive
// column-major interpreter, and its attention plan (attention_plan.hpp, on the padded layout) with
// host loops for the steps, against the CPU backend's ops (attention on the packed rows of tokens). This checks the transposes, leading dimensions, batch
// strides, head split and scratch layout on any machine; the kernels themselves are checked
// against the CPU by the op tests where there is a GPU.
#include <limits>

#include "op_test.hpp"
#include "packed_rows.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/gemm_call.hpp"

namespace textclass::backend::op_test {
namespace {

using cuda::GemmCall;

// What cuBLASLt computes for a call: C = alpha·op(A)·op(B) + beta·C (+ bias[i]), column-major,
// each matrix of the batch at its stride; sums in double.
void interpret(const GemmCall& g) {
  for (int batch = 0; batch < g.batch; batch++) {
    const float* a = g.a + batch * g.stride_a;
    const float* b = g.b + batch * g.stride_b;
    float* c = g.c + batch * g.stride_c;
    for (int i = 0; i < g.m; i++) {
      for (int j = 0; j < g.n; j++) {
        double sum = 0.0;
        for (int p = 0; p < g.k; p++) {
          const float a_ip = g.transa ? a[p + static_cast<std::size_t>(i) * g.lda] : a[i + static_cast<std::size_t>(p) * g.lda];
          const float b_pj = g.transb ? b[j + static_cast<std::size_t>(p) * g.ldb] : b[p + static_cast<std::size_t>(j) * g.ldb];
          sum += double(a_ip) * b_pj;
        }
        float& out = c[i + static_cast<std::size_t>(j) * g.ldc];
        const double previous = g.beta == 0.0f ? 0.0 : double(g.beta) * out;  // beta 0 ignores C, NaN included
        out = static_cast<float>(g.alpha * sum + previous + (g.bias ? g.bias[i] : 0.0f));
      }
    }
  }
}

TEST(CudaPlan, LinearLayerCallsMatchTheCpuMatmul) {
  auto cpu = make_cpu_backend({.threads = 1});
  const int N = 7, C = 12, OC = 5;
  Random random(3);
  const std::vector<float> inp = random.floats(N * C), weight = random.floats(OC * C), bias = random.floats(OC),
                           dout = random.floats(N * OC), dweight_before = random.floats(OC * C);
  Buffer<float> inp_d(*cpu, inp), weight_d(*cpu, weight), bias_d(*cpu, bias), dout_d(*cpu, dout);

  std::vector<float> out(N * OC);
  interpret(cuda::linear_forward(out.data(), inp.data(), weight.data(), bias.data(), N, C, OC));
  Buffer<float> out_d(*cpu, N * OC);
  cpu->matmul_forward(out_d.get(), inp_d.get(), weight_d.get(), bias_d.get(), N, C, OC);
  expect_close(out, to_doubles(out_d.read()), {1e-5, 1e-6}, "out");

  for (const GradientWrite write : {GradientWrite::accumulate, GradientWrite::overwrite}) {
    const bool adds = write == GradientWrite::accumulate;
    SCOPED_TRACE(adds ? "accumulating" : "overwriting");
    // an overwritten gradient's NaN must not reach the result
    std::vector<float> dinp(N * C, std::numeric_limits<float>::quiet_NaN()),
        dweight = adds ? dweight_before : std::vector<float>(OC * C, std::numeric_limits<float>::quiet_NaN());
    interpret(cuda::linear_input_gradient(dinp.data(), dout.data(), weight.data(), N, C, OC));
    interpret(cuda::linear_weight_gradient(dweight.data(), dout.data(), inp.data(), N, C, OC, write));
    Buffer<float> dinp_d(*cpu, N * C), dweight_d(*cpu, adds ? dweight_before : std::vector<float>(OC * C, 0.0f));
    Buffer<float> dbias_d(*cpu, std::vector<float>(OC, 0.0f));
    cpu->matmul_backward(dinp_d.get(), dweight_d.get(), dbias_d.get(), dout_d.get(), inp_d.get(), weight_d.get(), N, C,
                         OC, GradientWrite::accumulate);
    expect_close(dinp, to_doubles(dinp_d.read()), {1e-5, 1e-6}, "dinp");
    expect_close(dweight, to_doubles(dweight_d.read()), {1e-5, 1e-6}, "dweight");
  }
}

// attention_plan.hpp's steps with host loops: the same math as attention.cu's kernels, one row
// or element at a time.
struct HostSteps {
  int B, T, C, NH;

  void split_heads(float* dst, const float* src, int parts) {
    const std::size_t NC = static_cast<std::size_t>(B) * T * C;
    for (int bt = 0; bt < B * T; bt++)
      for (int within = 0; within < parts * C; within++)
        dst[cuda::head_major_index(bt, within, T, C, NH, NC)] = src[static_cast<std::size_t>(bt) * parts * C + within];
  }
  void merge_heads(float* dst, const float* src, int parts) {
    const std::size_t NC = static_cast<std::size_t>(B) * T * C;
    for (int bt = 0; bt < B * T; bt++)
      for (int within = 0; within < parts * C; within++)
        dst[static_cast<std::size_t>(bt) * parts * C + within] = src[cuda::head_major_index(bt, within, T, C, NH, NC)];
  }
  void gemm(const GemmCall& call) { interpret(call); }
  void softmax_forward(float* scores, float* stats, const int32_t* mask, float p, uint64_t seed, std::size_t rows) {
    for (std::size_t row = 0; row < rows; row++) {
      float* a = scores + row * T;
      const int32_t* row_mask = mask + (row / (static_cast<std::size_t>(NH) * T)) * T;
      float max = std::numeric_limits<float>::lowest();
      for (int j = 0; j < T; j++) {
        if (row_mask[j] == 0) a[j] += std::numeric_limits<float>::lowest();
        max = std::max(max, a[j]);
      }
      float sum = 0.0f;
      for (int j = 0; j < T; j++) sum += a[j] = std::exp(a[j] - max);
      stats[2 * row] = max;
      stats[2 * row + 1] = 1.0f / sum;
      for (int j = 0; j < T; j++) {
        a[j] *= stats[2 * row + 1];
        if (p > 0.0f) a[j] = dropout_uniform(seed, row * T + j) >= p ? a[j] / (1.0f - p) : 0.0f;
      }
    }
  }
  float probability(const float* scores, const float* stats, const int32_t* mask, std::size_t row, int j) const {
    float x = scores[row * T + j];
    if (mask[(row / (static_cast<std::size_t>(NH) * T)) * T + j] == 0) x += std::numeric_limits<float>::lowest();
    return std::exp(x - stats[2 * row]) * stats[2 * row + 1];
  }
  float dropped(float a, float p, uint64_t seed, std::size_t index) const {
    return p == 0.0f ? a : dropout_uniform(seed, index) >= p ? a / (1.0f - p) : 0.0f;
  }
  void probabilities(float* out, const float* scores, const float* stats, const int32_t* mask, float p, uint64_t seed,
                     std::size_t rows) {
    for (std::size_t row = 0; row < rows; row++)
      for (int j = 0; j < T; j++)
        out[row * T + j] = dropped(probability(scores, stats, mask, row, j), p, seed, row * T + j);
  }
  void softmax_backward(float* dscores, const float* scores, const float* stats, const int32_t* mask, float p,
                        uint64_t seed, std::size_t rows) {
    for (std::size_t row = 0; row < rows; row++) {
      float* ds = dscores + row * T;
      float dot = 0.0f;
      for (int j = 0; j < T; j++)
        dot += ds[j] *= dropped(probability(scores, stats, mask, row, j), p, seed, row * T + j);
      for (int j = 0; j < T; j++) ds[j] -= probability(scores, stats, mask, row, j) * dot;
    }
  }
};

// The plan on the padded layout, where padding queries have no output gradient (as the backend
// moves dout there), gives the CPU's attention on the packed rows for every token.
TEST(CudaPlan, AttentionPlanMatchesTheCpuAttention) {
  const cuda::AttentionShape s{3, 9, 16, 4};
  for (const float p : {0.0f, 0.2f}) {
    SCOPED_TRACE("dropout " + std::to_string(p));
    const uint64_t seed = 5;
    Random random(41);
    const std::vector<float> qkv = random.floats(3 * s.NC());
    std::vector<float> dout = random.floats(s.NC());
    const Ints mask = random.padding_mask(s.B, s.T);
    for (std::size_t i = 0; i < dout.size(); i++)
      if (mask[i / s.C] == 0) dout[i] = 0.0f;

    HostSteps steps{s.B, s.T, s.C, s.NH};
    std::vector<float> scratch(std::max(cuda::attention_forward_scratch(s), cuda::attention_backward_scratch(s)));
    std::vector<float> out(s.NC()), stats(cuda::attention_stats_floats(s)),
        dqkv(3 * s.NC(), std::numeric_limits<float>::quiet_NaN());
    cuda::attention_forward_plan(steps, scratch.data(), out.data(), stats.data(), qkv.data(), mask.data(), p, seed, s);
    cuda::attention_backward_plan(steps, scratch.data(), dqkv.data(), dout.data(), qkv.data(), stats.data(),
                                  mask.data(), p, seed, s);

    const PackedRows rows(mask, s.B, s.T, 8);
    auto cpu = make_cpu_backend({.threads = 1});
    Buffer<float> qkv_d(*cpu, rows.pack(qkv, 3 * s.C, 0.0f)), dout_d(*cpu, rows.pack(dout, s.C, 0.0f)),
        out_d(*cpu, static_cast<std::size_t>(rows.M) * s.C), dqkv_d(*cpu, static_cast<std::size_t>(rows.M) * 3 * s.C),
        att_d(*cpu, cpu->attention_saved_floats(s.B, s.T, s.C, s.NH));
    Buffer<int32_t> mask_d(*cpu, mask), starts_d(*cpu, rows.starts);
    cpu->attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, p, seed, s.B,
                           s.T, s.C, s.NH);
    cpu->attention_backward(dqkv_d.get(), dout_d.get(), out_d.get(), att_d.get(), mask_d.get(), starts_d.get(), rows.M,
                            p, seed, s.B, s.T, s.C, s.NH);
    expect_close(rows.pack(out, s.C, 0.0f), to_doubles(out_d.read()), {1e-5, 1e-6}, "out");
    expect_close(rows.pack(dqkv, 3 * s.C, 0.0f), to_doubles(dqkv_d.read()), {1e-4, 1e-6}, "dqkv");
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
