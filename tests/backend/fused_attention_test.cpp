// The fused attention's blocks (backend/cuda/fused_attention_blocks.hpp) run on the host, each GPU
// thread a host thread, __syncthreads_or and the warp shuffles a barrier, over the grids
// fused_attention.cu launches, against the CPU backend's attention. This checks on machines without
// a GPU what the kernels do: the math of each row, the staging of a head in shared memory, the
// grid's mapping to heads and rows, and the split of a row's channels between the threads that
// share it (four at HS = 64, two at 32) with the sums of their partial products. The op tests check
// the kernels themselves against the CPU where there is a GPU (backend "cuda-fused").
#include <algorithm>
#include <barrier>
#include <limits>
#include <thread>

#include "cpu_attention.hpp"
#include "op_test.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"
#include "textclass/backend/cuda/fused_attention_blocks.hpp"

namespace textclass::backend::op_test {
namespace {

using cuda::AttentionShape;
using cuda::FusedAttentionArgs;

// What a block's threads share: the block's index, its shared memory and its barrier.
struct HostBlockState {
  struct Vote {  // when the last thread arrives: whether any voted nonzero
    HostBlockState* state;
    void operator()() noexcept {
      state->any = std::any_of(state->votes.begin(), state->votes.end(), [](int v) { return v != 0; });
    }
  };
  HostBlockState(int block_x, int block_y, int thread_count, std::size_t shared_floats)
      : x(block_x), y(block_y), threads(thread_count), shared((shared_floats + 3) / 4),
        votes(static_cast<std::size_t>(thread_count)), parts(static_cast<std::size_t>(thread_count)),
        barrier(thread_count, Vote{this}) {}

  int x, y, threads;
  std::vector<cuda::Float4> shared;  // 16-byte aligned, as CUDA's
  std::vector<int> votes;
  bool any = false;
  std::vector<float> parts;  // sum_parts: each thread's x
  std::barrier<Vote> barrier;
};

// fused_attention_blocks.hpp's Block for one host thread.
struct HostBlock {
  HostBlockState& state;
  int index;
  int x() const { return state.x; }
  int y() const { return state.y; }
  int thread() const { return index; }
  int threads() const { return state.threads; }
  float* shared() const { return reinterpret_cast<float*>(state.shared.data()); }
  bool sync_or(int value) {
    state.votes[static_cast<std::size_t>(index)] = value;
    state.barrier.arrive_and_wait();
    return state.any;
  }
  // The butterfly of fused_attention.cu's shuffles: at each offset, own value + the partner's.
  float sum_parts(float x, int count) {
    if (count == 1) return x;
    const int first = index - index % count;
    state.parts[static_cast<std::size_t>(index)] = x;
    state.barrier.arrive_and_wait();
    std::vector<float> values(state.parts.begin() + first, state.parts.begin() + first + count), next(values);
    for (int offset = count / 2; offset > 0; offset /= 2) {
      for (std::size_t t = 0; t < values.size(); t++) next[t] = values[t] + values[t ^ static_cast<std::size_t>(offset)];
      values.swap(next);
    }
    state.barrier.arrive_and_wait();  // every thread has read the others' before any writes again
    return values[static_cast<std::size_t>(index - first)];
  }
};

// Runs block_function(block) for every block of the grid, in turn, each with its threads at once.
template <typename F>
void run_grid(int grid_x, int grid_y, int thread_count, std::size_t shared_floats, F block_function) {
  for (int y = 0; y < grid_y; y++)
    for (int x = 0; x < grid_x; x++) {
      HostBlockState state(x, y, thread_count, shared_floats);
      std::vector<std::thread> threads;
      for (int t = 0; t < thread_count; t++)
        threads.emplace_back([&state, t, &block_function] {
          HostBlock block{state, t};
          block_function(block);
        });
      for (std::thread& thread : threads) thread.join();
    }
}

// The three kernels of fused_attention.cu, run as it launches them, against the CPU's attention.
template <int HS>
void expect_fused_matches_cpu(const AttentionShape& s, const Ints& mask, float p) {
  ASSERT_EQ(s.hs(), HS);
  const uint64_t seed = 77;
  Random random(s.B * 1000 + s.T * 10 + HS);
  const std::vector<float> qkv = random.floats(3 * s.NC(), 2.0f), dout = random.floats(s.NC());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> out(s.NC(), nan), stats(cuda::attention_stats_floats(s), nan),
      dqkv(3 * s.NC(), nan), D(s.rows(), nan);

  FusedAttentionArgs args{};
  args.qkv = qkv.data();
  args.mask = mask.data();
  args.out = out.data();
  args.stats_out = stats.data();
  args.stats = stats.data();
  args.dout = dout.data();
  args.dqkv = dqkv.data();
  args.D = D.data();
  args.p = p;
  args.seed = seed;
  args.scale = s.scale();
  args.T = s.T, args.C = s.C, args.NH = s.NH;
  const std::size_t shared = cuda::fused_attention_shared_floats(s.T, HS);
  const cuda::FusedAttentionLaunch launch = cuda::fused_attention_launch<HS>(s.T);
  run_grid(launch.tiles, s.heads(), launch.threads, shared,
           [&](HostBlock& block) { cuda::fused_attention_forward_block<HS>(block, args); });
  run_grid(launch.tiles, s.heads(), launch.threads, shared,
           [&](HostBlock& block) { cuda::fused_attention_query_backward_block<HS>(block, args); });
  run_grid(launch.tiles, s.heads(), launch.threads, shared,
           [&](HostBlock& block) { cuda::fused_attention_key_backward_block<HS>(block, args); });

  expect_cpu_attention(out, dqkv, qkv, dout, mask, p, seed, s);
}

std::string describe(const AttentionShape& s, float p) {
  return "B=" + std::to_string(s.B) + " T=" + std::to_string(s.T) + " C=" + std::to_string(s.C) +
         " NH=" + std::to_string(s.NH) + " p=" + std::to_string(p);
}

// Each head size the kernels are built for, with padding and dropout; at HS = 64, T past one tile
// of rows (64 rows of four threads), the second tile's threads mostly past the last row.
TEST(FusedAttentionBlocks, MatchTheCpuAttention) {
  for (const float p : {0.0f, 0.2f}) {
    const AttentionShape hs4{2, 5, 12, 3}, hs8{3, 9, 16, 2}, hs16{2, 17, 32, 2}, hs32{1, 70, 32, 1},
        hs64{2, 70, 128, 2};
    Random random(9);
    {
      SCOPED_TRACE(describe(hs4, p));
      expect_fused_matches_cpu<4>(hs4, random.padding_mask(hs4.B, hs4.T), p);
    }
    {
      SCOPED_TRACE(describe(hs8, p));
      expect_fused_matches_cpu<8>(hs8, random.padding_mask(hs8.B, hs8.T), p);
    }
    {
      SCOPED_TRACE(describe(hs16, p));
      expect_fused_matches_cpu<16>(hs16, random.padding_mask(hs16.B, hs16.T), p);
    }
    {
      SCOPED_TRACE(describe(hs32, p));
      expect_fused_matches_cpu<32>(hs32, random.padding_mask(hs32.B, hs32.T), p);
    }
    {
      SCOPED_TRACE(describe(hs64, p));
      expect_fused_matches_cpu<64>(hs64, random.padding_mask(hs64.B, hs64.T), p);
    }
  }
}

// Sequences long enough for blocks of 128 and of 256 threads (fused_attention_launch).
TEST(FusedAttentionBlocks, LongSequencesWithLargerBlocks) {
  for (const AttentionShape s : {AttentionShape{2, 150, 16, 2}, AttentionShape{1, 270, 16, 2}}) {
    SCOPED_TRACE(describe(s, 0.1f));
    Random random(s.T);
    expect_fused_matches_cpu<8>(s, random.padding_mask(s.B, s.T), 0.1f);
  }
  const AttentionShape s{1, 200, 128, 2};  // four threads a row, 64 rows a block
  SCOPED_TRACE(describe(s, 0.1f));
  expect_fused_matches_cpu<64>(s, Random(3).padding_mask(s.B, s.T), 0.1f);
}

// A batch row with every token padded attends uniformly to all its keys, as HF's finite padding
// bias makes it (the CPU's masked_softmax): the kernels may skip padded keys only when a row has a
// token. A single-token sequence too.
TEST(FusedAttentionBlocks, RowsWithoutTokensAndSingleTokens) {
  const AttentionShape s{2, 4, 16, 2};
  const Ints mask = {1, 1, 0, 0, 0, 0, 0, 0};
  for (const float p : {0.0f, 0.5f}) {
    SCOPED_TRACE(describe(s, p));
    expect_fused_matches_cpu<8>(s, mask, p);
    expect_fused_matches_cpu<8>(AttentionShape{1, 1, 16, 2}, Ints{1}, p);
  }
}

}  // namespace
}  // namespace textclass::backend::op_test
