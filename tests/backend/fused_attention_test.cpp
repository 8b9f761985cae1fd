// The fused attention's row functions (backend/cuda/fused_attention_rows.hpp) run with host loops
// in the order of fused_attention.cu's kernels (every query row, then every key row, its channels
// in the backward pass in parts of channels, as two GPU threads split them), against the CPU backend's attention: the math of the
// fused kernels, checked on machines without a GPU. The op tests check the kernels themselves
// against the CPU where there is one (backend "cuda-fused").
#include <limits>

#include "cpu_attention.hpp"
#include "op_test.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/fused_attention_rows.hpp"

namespace textclass::backend::op_test {
namespace {

using cuda::AttentionShape;
using cuda::HeadContext;
using cuda::Rows;

// The kernels' loops on the host for head size HS; the backward pass's rows in parts of OUT channels.
template <int HS, int OUT>
struct HostFusedAttention {
  AttentionShape s;
  const int32_t* mask;
  float p;
  uint64_t seed;

  std::size_t width() const { return 3 * static_cast<std::size_t>(s.C); }
  std::size_t head_qkv(int b, int h) const { return static_cast<std::size_t>(b) * s.T * width() + h * HS; }
  std::size_t head_out(int b, int h) const { return static_cast<std::size_t>(b) * s.T * s.C + h * HS; }
  HeadContext head(int b, int h) const {
    const int32_t* row_mask = mask + static_cast<std::size_t>(b) * s.T;
    const std::size_t bh = static_cast<std::size_t>(b) * s.NH + h;
    return HeadContext{s.T, s.scale(), row_mask, cuda::has_token(row_mask, s.T), p, seed, bh * s.T * s.T};
  }

  void forward(float* out, float* stats, const float* qkv) const {
    for (int b = 0; b < s.B; b++)
      for (int h = 0; h < s.NH; h++) {
        const float* q = qkv + head_qkv(b, h);
        const std::size_t bh = static_cast<std::size_t>(b) * s.NH + h;
        for (int i = 0; i < s.T; i++)
          cuda::attention_query_forward<HS>(out + head_out(b, h) + static_cast<std::size_t>(i) * s.C,
                                            stats + 2 * (bh * s.T + i), q + i * width(), Rows{q + s.C, width()},
                                            Rows{q + 2 * s.C, width()}, head(b, h), i);
      }
  }

  void backward(float* dqkv, const float* dout, const float* qkv, const float* stats) const {
    std::vector<float> D(s.rows(), std::numeric_limits<float>::quiet_NaN());
    for (int b = 0; b < s.B; b++)
      for (int h = 0; h < s.NH; h++) {
        const float* q = qkv + head_qkv(b, h);
        const std::size_t bh = static_cast<std::size_t>(b) * s.NH + h;
        for (int i = 0; i < s.T; i++)
          for (int part = 0; part < HS / OUT; part++) {
            const std::size_t row = bh * s.T + i;
            const float D_i = cuda::attention_query_backward<HS, OUT>(
                dqkv + head_qkv(b, h) + i * width(), part * OUT, q + i * width(),
                dout + head_out(b, h) + static_cast<std::size_t>(i) * s.C, stats + 2 * row, Rows{q + s.C, width()},
                Rows{q + 2 * s.C, width()}, head(b, h), i);
            if (part == 0) D[row] = D_i;
          }
      }
    for (int b = 0; b < s.B; b++)
      for (int h = 0; h < s.NH; h++) {
        const float* q = qkv + head_qkv(b, h);
        const std::size_t bh = static_cast<std::size_t>(b) * s.NH + h;
        for (int j = 0; j < s.T; j++)
          for (int part = 0; part < HS / OUT; part++) {
            float* d_row = dqkv + head_qkv(b, h) + j * width();
            cuda::attention_key_backward<HS, OUT>(d_row + s.C, d_row + 2 * s.C, part * OUT, q + j * width() + s.C,
                                                  q + j * width() + 2 * s.C, Rows{q, width()},
                                                  Rows{dout + head_out(b, h), static_cast<std::size_t>(s.C)},
                                                  stats + 2 * bh * s.T, D.data() + bh * s.T, head(b, h), j);
          }
      }
  }
};

// Runs the fused forward and backward on the host and compares with the CPU's attention.
template <int HS, int OUT>
void expect_fused_matches_cpu(const AttentionShape& s, const Ints& mask, float p) {
  ASSERT_EQ(s.hs(), HS);
  const uint64_t seed = 77;
  Random random(s.B * 1000 + s.T * 10 + HS);
  const std::vector<float> qkv = random.floats(3 * s.NC(), 2.0f), dout = random.floats(s.NC());

  const HostFusedAttention<HS, OUT> fused{s, mask.data(), p, seed};
  std::vector<float> out(s.NC(), std::numeric_limits<float>::quiet_NaN());
  std::vector<float> stats(cuda::attention_saved_floats(s.B, s.T, s.NH), std::numeric_limits<float>::quiet_NaN());
  std::vector<float> dqkv(3 * s.NC(), std::numeric_limits<float>::quiet_NaN());
  fused.forward(out.data(), stats.data(), qkv.data());
  fused.backward(dqkv.data(), dout.data(), qkv.data(), stats.data());

  expect_cpu_attention(out, dqkv, qkv, dout, mask, p, seed, s);
}

std::string describe(const AttentionShape& s, float p) {
  return "B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C) +
         " NH=" + std::to_string(s.NH) + " p=" + std::to_string(p);
}

// Each head size the kernels are built for, with padding and dropout; keys in two parts of channels
// (as at HS = 64 on the GPU) and in one.
TEST(FusedAttentionRows, MatchTheCpuAttention) {
  for (const float p : {0.0f, 0.2f}) {
    const AttentionShape hs4{2, 5, 12, 3}, hs8{3, 9, 16, 2}, hs16{2, 17, 32, 2}, hs32{1, 3, 32, 1}, hs64{2, 11, 128, 2};
    Random random(9);
    {
      SCOPED_TRACE(describe(hs4, p));
      expect_fused_matches_cpu<4, 4>(hs4, random.padding_mask(hs4.B, hs4.T), p);
    }
    {
      SCOPED_TRACE(describe(hs8, p));
      expect_fused_matches_cpu<8, 4>(hs8, random.padding_mask(hs8.B, hs8.T), p);
    }
    {
      SCOPED_TRACE(describe(hs16, p));
      expect_fused_matches_cpu<16, 16>(hs16, random.padding_mask(hs16.B, hs16.T), p);
    }
    {
      SCOPED_TRACE(describe(hs32, p));
      expect_fused_matches_cpu<32, 32>(hs32, random.padding_mask(hs32.B, hs32.T), p);
    }
    {
      SCOPED_TRACE(describe(hs64, p));
      expect_fused_matches_cpu<64, 32>(hs64, random.padding_mask(hs64.B, hs64.T), p);
    }
  }
}

// A batch row with every token padded attends uniformly to all its keys, as HF's finite padding
// bias makes it (the CPU's masked_softmax): the kernels may skip padded keys only when a row has a
// token. A single-token sequence too.
TEST(FusedAttentionRows, RowsWithoutTokensAndSingleTokens) {
  const AttentionShape s{2, 4, 16, 2};
  const Ints mask = {1, 1, 0, 0, 0, 0, 0, 0};
  for (const float p : {0.0f, 0.5f}) {
    SCOPED_TRACE(describe(s, p));
    expect_fused_matches_cpu<8, 8>(s, mask, p);
    expect_fused_matches_cpu<8, 8>(AttentionShape{1, 1, 16, 2}, Ints{1}, p);
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
