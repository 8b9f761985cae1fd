// The CUDA backend's attention at BERT-base's heads (hidden 768, 12 heads) and batch 16, forward
// then backward with dropout 0.1 on the packed rows of tokens, for each padded length T: bf16
// (tensor_core_attention.cuh's kernels) against tf32 (the plan of attention_plan.hpp on the padded
// layout, with the moves there and back). What the training op table averages over lengths, length
// by length, so that a change to the kernels can be measured in seconds. Each iteration ends with a synchronisation, so the time
// is the GPU's (plus one wait). Skips where the CUDA backend cannot run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "random_buffer.hpp"
#include "textclass/backend/backend.hpp"
#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace {

using textclass::backend::Backend;
using textclass::bench::random_buffer;

constexpr int B = 16, C = 768, NH = 12;
constexpr float kDropout = 0.1f;


// state.range(0): T; state.range(1): 1 for bf16 (the tensor-core kernels), 0 for tf32 (the plan).
void BM_cuda_attention_forward_backward(benchmark::State& state) {
#ifdef TEXTCLASS_HAS_CUDA
  const std::string why_not = textclass::backend::cuda_unavailable_reason();
  if (!why_not.empty()) {
    state.SkipWithError(why_not.c_str());
    return;
  }
  const int T = static_cast<int>(state.range(0));
  using textclass::backend::Precision;
  auto backend = textclass::backend::make_cuda_backend({state.range(1) == 1 ? Precision::bf16 : Precision::tf32});
  const std::size_t tokens = static_cast<std::size_t>(B) * T;
  float* qkv = random_buffer(*backend, tokens * 3 * C);
  float* dout = random_buffer(*backend, tokens * C);
  float* out = backend->alloc(tokens * C);
  float* dqkv = backend->alloc(tokens * 3 * C);
  float* att = backend->alloc(backend->attention_saved_floats(B, T, C, NH));
  // every row but the first padded to a random length, as a batch of AG News rows is; its tokens
  // packed, rounded up to the backend's row multiple
  std::vector<int32_t> host_mask(tokens, 0), host_starts(B + 1, 0);
  std::mt19937 engine(7);
  for (int b = 0; b < B; b++) {
    const int length = b == 0 ? T : std::uniform_int_distribution<int>(1, T)(engine);
    std::fill(host_mask.begin() + static_cast<std::ptrdiff_t>(b) * T,
              host_mask.begin() + static_cast<std::ptrdiff_t>(b) * T + length, 1);
    host_starts[b + 1] = host_starts[b] + length;
  }
  const int multiple = backend->row_multiple();
  const int M = std::min(static_cast<int>(tokens), (host_starts[B] + multiple - 1) / multiple * multiple);
  int32_t* mask = backend->alloc_ints(tokens);
  int32_t* starts = backend->alloc_ints(B + 1);
  backend->upload(mask, host_mask.data(), host_mask.size() * sizeof(int32_t));
  backend->upload(starts, host_starts.data(), host_starts.size() * sizeof(int32_t));
  uint64_t seed = 1;
  for (auto _ : state) {
    backend->attention_forward(out, att, qkv, mask, starts, M, kDropout, seed, B, T, C, NH);
    backend->attention_backward(dqkv, dout, out, att, mask, starts, M, kDropout, seed, B, T, C, NH);
    backend->synchronize();
    seed++;
  }
  state.counters["T"] = T;
  for (void* p : {static_cast<void*>(qkv), static_cast<void*>(dout), static_cast<void*>(out), static_cast<void*>(dqkv),
                  static_cast<void*>(att), static_cast<void*>(mask), static_cast<void*>(starts)})
    backend->free(p);
#else
  state.SkipWithError("built without the CUDA backend");
#endif
}
BENCHMARK(BM_cuda_attention_forward_backward)
    ->ArgsProduct({{32, 64, 96, 128, 192, 256, 384, 512}, {1, 0}})
    ->ArgNames({"T", "bf16"})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
