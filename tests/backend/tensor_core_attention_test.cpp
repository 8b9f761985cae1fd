// The tensor-core attention's kernels (backend/cuda/tensor_core_attention_kernels.cuh) run on host
// threads (kernels_on_host.hpp: a host thread per GPU thread, WMMA's products by lane 0 in fp32)
// over the grids tensor_core_attention.cu launches, against the CPU backend's attention with bf16's
// tolerance. This checks on machines without a GPU what the kernels compute: the staging of a head
// in shared memory as bf16, the tiles of scores and the lanes' rows of them, masking, dropout, the
// forward pass's online softmax and its copy of qkv, D, and the key kernel's transposed products
// (from that copy) and its dq (a warp a 16 queries from the chunk's dS, added up across blocks).
// The op tests check the kernels themselves against the CPU where there is a GPU ("cuda-bf16").
// Builds without CUDA (no cuda_bf16.h) have nothing to test here.
#ifdef TEXTCLASS_HAS_CUDA
#include "kernels_on_host.hpp"  // first: the kernels below see its stand-ins
// The kernels' __global__ and __device__ mean nothing to the host compiler.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattributes"
#include "textclass/backend/cuda/tensor_core_attention_kernels.cuh"
#pragma GCC diagnostic pop

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "op_test.hpp"
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

// The kernels, as tensor_core_attention.cu launches them for head size HS, on tensors of `rows` rows
// laid out as `tokens` says (attention_plan.hpp; starts in host memory here); out's rounding too
// where `rounds`; the forward kernel's copy of qkv, which the backward kernel reads.
template <int HS>
Written run_kernels(const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                    cuda::TokenRows tokens, int rows, bool rounds, float p, uint64_t seed, const AttentionShape& s) {
  using namespace cuda::tensor_cores;
  const std::size_t width = static_cast<std::size_t>(rows) * s.C;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Written w{std::vector<float>(width, nan), std::vector<float>(2 * s.rows(), nan), std::vector<float>(3 * width, nan),
            std::vector<__nv_bfloat16>(rounds ? width : 0, __float2bfloat16_rn(-1e30f)),
            std::vector<__nv_bfloat16>(3 * width, __float2bfloat16_rn(-1e30f))};
  std::vector<float> D(s.rows());
  const dim3 grid((s.T + kChunk - 1) / kChunk, s.heads());
  const cuda::Seed device_seed(seed);
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::forward), [&] {
    forward_kernel<HS>(w.out.data(), rounds ? w.rounded.data() : nullptr, w.stats.data(), w.qkv_copy.data(),
                       qkv.data(), mask.data(), tokens, p, device_seed, s.scale(), s.T, s.C, s.NH);
  });
  // where nothing is saved (evaluation), the same out
  std::vector<float> unsaved_out(w.out.size(), nan);
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::forward), [&] {
    forward_kernel<HS>(unsaved_out.data(), nullptr, nullptr, nullptr, qkv.data(), mask.data(), tokens, p, device_seed,
                       s.scale(), s.T, s.C, s.NH);
  });
  EXPECT_EQ(unsaved_out, w.out) << "saving nothing";
  host::launch(grid, kThreads, 0, [&] {
    query_prologue_kernel<HS>(w.dqkv.data(), D.data(), dout.data(), w.out.data(), tokens, s.T, s.C, s.NH);
  });
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::key_backward), [&] {
    key_backward_kernel<HS>(w.dqkv.data(), D.data(), dout.data(), w.qkv_copy.data(), w.stats.data(), mask.data(),
                            tokens, p, device_seed, s.scale(), s.T, s.C, s.NH);
  });
  // the key kernel reading qkv's floats instead (TEXTCLASS_CUDA_ATTENTION_KEEPS_QKV=0) stages the same
  // roundings: the same dqkv but for the order of the atomic adds
  std::vector<float> from_floats(w.dqkv.size(), nan);
  host::launch(grid, kThreads, 0, [&] {
    query_prologue_kernel<HS>(from_floats.data(), D.data(), dout.data(), w.out.data(), tokens, s.T, s.C, s.NH);
  });
  host::launch(grid, kThreads, shared_bytes<HS>(s.T, Kernel::key_backward), [&] {
    key_backward_kernel<HS>(from_floats.data(), D.data(), dout.data(), qkv.data(), w.stats.data(), mask.data(), tokens,
                            p, device_seed, s.scale(), s.T, s.C, s.NH);
  });
  expect_close(from_floats, to_doubles(w.dqkv), {1e-6, 1e-5}, "dqkv, reading qkv's floats");
  return w;
}

Written run_kernels(const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                    cuda::TokenRows tokens, int rows, bool rounds, float p, uint64_t seed, const AttentionShape& s) {
  if (s.hs() == 16) return run_kernels<16>(qkv, dout, mask, tokens, rows, rounds, p, seed, s);
  if (s.hs() == 32) return run_kernels<32>(qkv, dout, mask, tokens, rows, rounds, p, seed, s);
  return run_kernels<64>(qkv, dout, mask, tokens, rows, rounds, p, seed, s);
}

// About the shapes of the mixed-precision test on the GPU (mixed_precision_test.cpp): heads of 16, 32
// and 64 channels, lengths that are and are not multiples of 16 and 64, one 64-row block of a head
// to four (the other side staged in one to four parts, the last part partly empty). The cases with
// dropout also have the forward kernel write out's bf16 rounding (fused rounding), which must be
// exactly out's, element by element. The forward kernel's copy of qkv must be qkv's rounding,
// every element of it (each block writes its own rows of q, k and v); saving nothing must leave out
// as it is; and the key kernel must give the same dqkv from the copy as from qkv's floats. Two
// cases have a last row of 20 and of 64 tokens in a longer batch: the kernels stop at its last key
// (keys_end), so whole chunks and key blocks of it are skipped, and the blocks of its padding must
// still copy their rows and write zero gradients.
TEST(TensorCoreAttentionOnHost, MatchesTheCpuWithinBf16) {
  for (const Case& c : {Case{{3, 37, 64, 4}, 1.0f, 0.0f}, Case{{2, 16, 64, 2}, 1.0f, 0.1f},
                        Case{{2, 77, 128, 2}, 0.5f, 0.1f}, Case{{2, 128, 128, 2}, 0.5f, 0.0f},
                        Case{{1, 150, 64, 2}, 1.0f, 0.1f},
                        Case{{1, 200, 128, 2}, 0.5f, 0.1f}, Case{{2, 150, 64, 1}, 1.0f, 0.1f, 20},
                        Case{{2, 140, 64, 1}, 1.0f, 0.0f, 64}}) {
    SCOPED_TRACE(describe(c));
    const AttentionShape& s = c.shape;
    const uint64_t seed = 99;
    Random random(11);
    const std::vector<float> qkv = random.floats(3 * s.NC(), c.scale);
    const std::vector<float> dout = random.floats(s.NC());
    Ints mask = random.padding_mask(s.B, s.T);
    if (c.last_row_length > 0)
      for (int t = 0; t < s.T; t++) mask[static_cast<std::size_t>(s.B - 1) * s.T + t] = t < c.last_row_length;
    const Written w = run_kernels(qkv, dout, mask, {}, s.B * s.T, c.dropout_p > 0.0f, c.dropout_p, seed, s);
    const std::vector<float>& out = w.out;
    const std::vector<float>& dqkv = w.dqkv;
    for (std::size_t i = 0; i < w.rounded.size(); i++)
      ASSERT_EQ(__bfloat162float(w.rounded[i]), __bfloat162float(__float2bfloat16_rn(out[i]))) << "rounded out[" << i << "]";
    for (std::size_t i = 0; i < qkv.size(); i++)
      ASSERT_EQ(__bfloat162float(w.qkv_copy[i]), __bfloat162float(__float2bfloat16_rn(qkv[i]))) << "qkv's copy [" << i << "]";

    auto cpu = make_cpu_backend(1);
    Buffer<float> qkv_d(*cpu, qkv), dout_d(*cpu, dout), out_d(*cpu, s.NC()), att_d(*cpu, s.scores()),
        dqkv_d(*cpu, 3 * s.NC());
    Buffer<int32_t> mask_d(*cpu, mask);
    cpu->attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), c.dropout_p, seed, s.B, s.T, s.C,
                           s.NH);
    cpu->attention_backward(dqkv_d.get(), dout_d.get(), qkv_d.get(), out_d.get(), att_d.get(), mask_d.get(),
                            c.dropout_p, seed, s.B, s.T, s.C, s.NH);
    const Doubles exact_out = to_doubles(out_d.read()), exact_dqkv = to_doubles(dqkv_d.read());
    expect_close(out, exact_out, {0.0, 2e-2}, "out");
    expect_close(dqkv, exact_dqkv, {0.0, 2e-2}, "dqkv");
    EXPECT_LT(mean_relative_error(out, exact_out), 5e-3) << "out";
    EXPECT_LT(mean_relative_error(dqkv, exact_dqkv), 5e-3) << "dqkv";
  }
}

// Packed tokens (Backend::attention_forward_rows): the kernels on the rows of real tokens alone,
// with rows of no token after them, give row for row exactly what they give on the padded layout
// where padding queries have no output gradient (as in the model): the same out, its rounding, its
// statistics, copy of qkv and dqkv. The rows of no token come out zero in out, its rounding and
// dqkv though qkv and dout are NaN there, which must never be read. Lengths of 1, 64 (a whole
// block, the next one empty) and others; each batch row's blocks past its tokens return at once.
TEST(TensorCoreAttentionOnHost, PackedTokensGiveThePaddedLayoutsNumbers) {
  for (const Case& c : {Case{{3, 37, 64, 4}, 1.0f, 0.1f}, Case{{2, 77, 128, 2}, 0.5f, 0.1f},
                        Case{{3, 150, 64, 1}, 1.0f, 0.1f, 64}, Case{{2, 140, 32, 1}, 1.0f, 0.0f, 1},
                        Case{{2, 24, 64, 4}, 1.0f, 0.0f, 24}}) {
    SCOPED_TRACE(describe(c));
    const AttentionShape& s = c.shape;
    const int C = s.C, T = s.T;
    const uint64_t seed = 7;
    Random random(5);
    const std::vector<float> qkv = random.floats(3 * s.NC(), c.scale);
    std::vector<float> dout = random.floats(s.NC());
    Ints mask = random.padding_mask(s.B, T);
    if (c.last_row_length > 0)
      for (int t = 0; t < T; t++) mask[static_cast<std::size_t>(s.B - 1) * T + t] = t < c.last_row_length;
    // the packed rows: batch row b's tokens from starts[b], then at least one row of no token
    std::vector<int32_t> starts(s.B + 1, 0);
    std::vector<std::size_t> padded_row;  // of each packed row of a token
    for (int b = 0; b < s.B; b++) {
      starts[b + 1] = starts[b];
      for (int t = 0; t < T; t++) {
        const std::size_t i = static_cast<std::size_t>(b) * T + t;
        if (mask[i] == 0) {
          std::fill(dout.begin() + i * C, dout.begin() + (i + 1) * C, 0.0f);
          continue;
        }
        starts[b + 1]++;
        padded_row.push_back(i);
      }
    }
    const int real = starts[s.B], M = real / 8 * 8 + 8;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> packed_qkv(static_cast<std::size_t>(M) * 3 * C, nan), packed_dout(static_cast<std::size_t>(M) * C, nan);
    for (int row = 0; row < real; row++) {
      std::copy_n(qkv.begin() + padded_row[row] * 3 * C, 3 * C, packed_qkv.begin() + static_cast<std::size_t>(row) * 3 * C);
      std::copy_n(dout.begin() + padded_row[row] * C, C, packed_dout.begin() + static_cast<std::size_t>(row) * C);
    }

    const Written padded = run_kernels(qkv, dout, mask, {}, s.B * T, true, c.dropout_p, seed, s);
    const Written packed = run_kernels(packed_qkv, packed_dout, mask, {starts.data(), M}, M, true, c.dropout_p, seed, s);
    auto bits = [](__nv_bfloat16 x) { return __bfloat162float(x); };
    int differences = 0;
    for (int row = 0; row < M; row++) {
      const bool token = row < real;
      const std::size_t at = token ? padded_row[row] : 0;
      for (int c3 = 0; c3 < 3 * C; c3++) {
        const std::size_t i = static_cast<std::size_t>(row) * 3 * C + c3;
        differences += packed.dqkv[i] != (token ? padded.dqkv[at * 3 * C + c3] : 0.0f);
        if (token) differences += bits(packed.qkv_copy[i]) != bits(padded.qkv_copy[at * 3 * C + c3]);
      }
      for (int c1 = 0; c1 < C; c1++) {
        const std::size_t i = static_cast<std::size_t>(row) * C + c1;
        differences += packed.out[i] != (token ? padded.out[at * C + c1] : 0.0f);
        differences += bits(packed.rounded[i]) != (token ? bits(padded.rounded[at * C + c1]) : 0.0f);
      }
      if (!token) continue;
      const std::size_t b = at / T, t = at % T;
      for (int h = 0; h < s.NH; h++)
        for (int k = 0; k < 2; k++) {
          const std::size_t i = 2 * ((b * s.NH + h) * T + t) + k;
          differences += packed.stats[i] != padded.stats[i];
        }
    }
    EXPECT_EQ(differences, 0) << "elements of the packed rows unlike the padded layout's";
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
