// The tensor-core attention's kernels (backend/cuda/tensor_core_attention_kernels.cuh) run on host
// threads (kernels_on_host.hpp: a host thread per GPU thread, WMMA's products by lane 0 in fp32)
// over the grids tensor_core_attention.cu launches, against the CPU backend's attention with bf16's
// tolerance. This checks on machines without a GPU what the kernels compute: the staging of a head
// in shared memory as bf16, the tiles of scores and the lanes' rows of them, masking, dropout, the
// forward pass's online softmax and its copy of qkv, D, and the key kernel's transposed products
// (from that copy) and its dq (a warp a 16 queries from the chunk's dS, added up across blocks), on
// the model's packed rows of tokens.
// The op tests check the kernels themselves against the CPU where there is a GPU ("cuda-bf16").
// Builds without CUDA (no cuda_bf16.h) have nothing to test here.
#ifdef TEXTCLASS_HAS_CUDA
#include "kernels_on_host.hpp"  // first: the kernels below see its stand-ins
// The kernels' __global__ and __device__ mean nothing to the host compiler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattributes"
#include "textclass/backend/cuda/tensor_core_attention_kernels.cuh"
#pragma GCC diagnostic pop

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "op_test.hpp"
#include "packed_rows.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"


namespace textclass::backend::op_test {
namespace {

namespace host = textclass::testing::kernels_on_host;
using cuda::AttentionShape;

struct Case {
  AttentionShape shape;
  float scale, dropout_p;
  int last_row_length = 0;  // > 0: the last row's real tokens (else padding_mask's draw)
};

std::string describe(const Case& c) {
  return "B " + std::to_string(c.shape.B) + ", T " + std::to_string(c.shape.T) + ", C " + std::to_string(c.shape.C) +
         ", NH " + std::to_string(c.shape.NH) + ", dropout " + std::to_string(c.dropout_p) +
         (c.last_row_length > 0 ? ", last row " + std::to_string(c.last_row_length) + " tokens" : "");
}

// Σ|actual - expected| / Σ|expected|. bf16's rounding of the factors puts it near 0.0025 here
// (2^-9 a factor); an error of a few percent in any one of out, dq, dk or dv shows above 0.005,
// where single elements, some of them sums that nearly cancel, may be off by far more.
double mean_relative_error(const std::vector<float>& actual, const Doubles& expected) {
  double error = 0.0, magnitude = 0.0;
  for (std::size_t i = 0; i < expected.size(); i++) {
    error += std::abs(double(actual[i]) - expected[i]);
    magnitude += std::abs(expected[i]);
  }
  return error / magnitude;
}

// What the kernels write, their outputs first filled with NaN (out, stats, dqkv) or -1e30 (the
// bf16 ones) so that what they leave alone shows.
struct Written {
  std::vector<float> out, stats, dqkv;
  std::vector<__nv_bfloat16> rounded, qkv_copy;
};

// The kernels, as tensor_core_attention.cu launches them for head size HS, on the packed rows
// (starts in host memory here); out's rounding too where `rounds`; the forward kernel's copy of
// qkv, which the backward kernel reads.
template <int HS>
Written run_kernels(const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                    cuda::TokenRows tokens, bool rounds, float p, uint64_t seed, const AttentionShape& s) {
  using namespace cuda::tensor_cores;
  const std::size_t width = static_cast<std::size_t>(tokens.rows) * s.C;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Written w{std::vector<float>(width, nan), std::vector<float>(2 * s.rows(), nan), std::vector<float>(3 * width, nan),
            std::vector<__nv_bfloat16>(rounds ? width : 0, __float2bfloat16_rn(-1e30f)),
            std::vector<__nv_bfloat16>(3 * width, __float2bfloat16_rn(-1e30f))};
  std::vector<float> D(s.rows());
  const dim3 grid((s.T + kChunk - 1) / kChunk, s.heads());
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::forward), [&] {
    forward_kernel<HS>(w.out.data(), rounds ? w.rounded.data() : nullptr, w.stats.data(), w.qkv_copy.data(),
                       qkv.data(), mask.data(), tokens, p, seed, s.scale(), s.T, s.C, s.NH);
  });
  // where nothing is saved (evaluation), the same out
  std::vector<float> unsaved_out(w.out.size(), nan);
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::forward), [&] {
    forward_kernel<HS>(unsaved_out.data(), nullptr, nullptr, nullptr, qkv.data(), mask.data(), tokens, p, seed,
                       s.scale(), s.T, s.C, s.NH);
  });
  EXPECT_EQ(unsaved_out, w.out) << "saving nothing";
  host::launch(grid, kThreads, 0, [&] {
    query_prologue_kernel<HS>(w.dqkv.data(), D.data(), dout.data(), w.out.data(), tokens, s.T, s.C, s.NH);
  });
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::key_backward), [&] {
    key_backward_kernel<HS>(w.dqkv.data(), D.data(), dout.data(), w.qkv_copy.data(), w.stats.data(), mask.data(),
                            tokens, p, seed, s.scale(), s.T, s.C, s.NH);
  });
  return w;
}

Written run_kernels(const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                    cuda::TokenRows tokens, bool rounds, float p, uint64_t seed, const AttentionShape& s) {
  if (s.hs() == 16) return run_kernels<16>(qkv, dout, mask, tokens, rounds, p, seed, s);
  if (s.hs() == 32) return run_kernels<32>(qkv, dout, mask, tokens, rounds, p, seed, s);
  return run_kernels<64>(qkv, dout, mask, tokens, rounds, p, seed, s);
}

// About the shapes of the mixed-precision test on the GPU (mixed_precision_test.cpp): heads of 16, 32
// and 64 channels, lengths that are and are not multiples of 16 and 64, one 64-row block of a head
// to four (the other side staged in one to four parts, the last part partly empty). The cases with
// dropout also have the forward kernel write out's bf16 rounding (fused rounding), which must be
// exactly out's, element by element. The forward kernel's copy of qkv must be qkv's rounding in
// every row of a token (each block writes its own rows of q, k and v), and saving nothing must
// leave out as it is. The rows of no token come out zero in out, its rounding and dqkv though qkv
// and dout are NaN there, which must never be read. Some cases have a last row of 1, 20, 24 or 64
// tokens in a longer batch: the kernels stop at its last key (keys_end) and each batch row's blocks
// past its tokens return at once.
TEST(TensorCoreAttentionOnHost, MatchesTheCpuWithinBf16) {
  for (const Case& c : {Case{{3, 37, 64, 4}, 1.0f, 0.0f}, Case{{2, 16, 64, 2}, 1.0f, 0.1f},
                        Case{{2, 77, 128, 2}, 0.5f, 0.1f}, Case{{2, 128, 128, 2}, 0.5f, 0.0f},
                        Case{{1, 150, 64, 2}, 1.0f, 0.1f}, Case{{1, 200, 128, 2}, 0.5f, 0.1f},
                        Case{{2, 150, 64, 1}, 1.0f, 0.1f, 20}, Case{{3, 150, 64, 1}, 1.0f, 0.1f, 64},
                        Case{{2, 140, 32, 1}, 1.0f, 0.0f, 1}, Case{{2, 24, 64, 4}, 1.0f, 0.0f, 24}}) {
    SCOPED_TRACE(describe(c));
    const AttentionShape& s = c.shape;
    const int C = s.C;
    const uint64_t seed = 99;
    Random random(11);
    Ints mask = random.padding_mask(s.B, s.T);
    if (c.last_row_length > 0)
      for (int t = 0; t < s.T; t++) mask[static_cast<std::size_t>(s.B - 1) * s.T + t] = t < c.last_row_length;
    const PackedRows rows(mask, s.B, s.T, 8);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const std::vector<float> qkv = rows.pack(random.floats(3 * s.NC(), c.scale), 3 * C, nan);
    const std::vector<float> dout = rows.pack(random.floats(s.NC()), C, nan);
    const bool rounds = c.dropout_p > 0.0f;
    const Written w = run_kernels(qkv, dout, mask, {rows.starts.data(), rows.M}, rounds, c.dropout_p, seed, s);
    const std::size_t tokens = rows.from.size();
    for (std::size_t i = 0; i < w.rounded.size(); i++)
      ASSERT_EQ(__bfloat162float(w.rounded[i]), __bfloat162float(__float2bfloat16_rn(w.out[i]))) << "rounded out[" << i << "]";
    for (std::size_t i = 0; i < tokens * 3 * C; i++)
      ASSERT_EQ(__bfloat162float(w.qkv_copy[i]), __bfloat162float(__float2bfloat16_rn(qkv[i]))) << "qkv's copy [" << i << "]";
    for (std::size_t i = tokens * C; i < w.out.size(); i++) ASSERT_EQ(w.out[i], 0.0f) << "out[" << i << "]";
    for (std::size_t i = tokens * 3 * C; i < w.dqkv.size(); i++) ASSERT_EQ(w.dqkv[i], 0.0f) << "dqkv[" << i << "]";

    // the CPU on the same rows, with zeros where ours read NaN
    auto cpu = make_cpu_backend({.threads = 1});
    auto zeroed = [](std::vector<float> x) {
      for (float& v : x) v = std::isnan(v) ? 0.0f : v;
      return x;
    };
    Buffer<float> qkv_d(*cpu, zeroed(qkv)), dout_d(*cpu, zeroed(dout)), out_d(*cpu, w.out.size()),
        att_d(*cpu, cpu->attention_saved_floats(s.B, s.T, C, s.NH)), dqkv_d(*cpu, w.dqkv.size());
    Buffer<int32_t> mask_d(*cpu, mask), starts_d(*cpu, rows.starts);
    cpu->attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), rows.M, c.dropout_p,
                           seed, s.B, s.T, C, s.NH);
    cpu->attention_backward(dqkv_d.get(), dout_d.get(), out_d.get(), att_d.get(), mask_d.get(), starts_d.get(), rows.M,
                            c.dropout_p, seed, s.B, s.T, C, s.NH);
    const Doubles exact_out = to_doubles(out_d.read()), exact_dqkv = to_doubles(dqkv_d.read());
    expect_close(w.out, exact_out, {0.0, 2e-2}, "out");
    expect_close(w.dqkv, exact_dqkv, {0.0, 2e-2}, "dqkv");
    EXPECT_LT(mean_relative_error(w.out, exact_out), 5e-3) << "out";
    EXPECT_LT(mean_relative_error(w.dqkv, exact_dqkv), 5e-3) << "dqkv";
  }
}

// At batch 16 a layer's attention has few blocks (B·NH·T/64: about 400 for 132 SMs), so how many a
// streaming multiprocessor holds at once matters: an H100's or H200's 228 KiB of shared memory, less
// 1 KiB the hardware keeps per block, must hold three blocks of either kernel at 64 channels and
// T = 512 (the mask grows with T).
TEST(TensorCoreAttentionOnHost, ThreeBlocksOfEachKernelFitAnH100Multiprocessor) {
  using namespace cuda::tensor_cores;
  constexpr int kPerSm = 228 * 1024, kReserved = 1024;
  EXPECT_LE(3 * (shared_bytes<64>(kMaxT, Kernel::forward) + kReserved), kPerSm);
  EXPECT_LE(3 * (shared_bytes<64>(kMaxT, Kernel::key_backward) + kReserved), kPerSm);
}

}  // namespace
}  // namespace textclass::backend::op_test
#endif
