// The CPU backend's ops at BERT-base training shapes (batch 16, 128 tokens, hidden 768, 12 heads):
// where a training step's time goes outside the big GEMMs.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "random_buffer.hpp"
#include "textclass/backend/backend.hpp"

namespace {

using textclass::backend::Backend;
using textclass::bench::random_buffer;

constexpr int B = 16, T = 128, C = 768, NH = 12;

// Sequences of T tokens each (no padding): their mask and the starts of their rows.
int32_t* upload_ints(Backend& backend, const std::vector<int32_t>& host) {
  int32_t* device = backend.alloc_ints(host.size());
  backend.upload(device, host.data(), host.size() * sizeof(int32_t));
  return device;
}

void BM_attention_forward_backward(benchmark::State& state) {
  auto backend = textclass::backend::make_cpu_backend();
  const int M = B * T;
  const std::size_t tokens = M;
  float* qkv = random_buffer(*backend, tokens * 3 * C);
  float* dout = random_buffer(*backend, tokens * C);
  float* out = backend->alloc(tokens * C);
  float* dqkv = backend->alloc(tokens * 3 * C);
  float* att = backend->alloc(backend->attention_saved_floats(B, T, C, NH));
  int32_t* mask = upload_ints(*backend, std::vector<int32_t>(tokens, 1));
  std::vector<int32_t> host_starts(B + 1);
  for (int b = 0; b <= B; b++) host_starts[b] = b * T;
  int32_t* starts = upload_ints(*backend, host_starts);
  for (auto _ : state) {
    backend->attention_forward(out, att, qkv, mask, starts, M, 0.1f, 7, B, T, C, NH);
    backend->attention_backward(dqkv, dout, out, att, mask, starts, M, 0.1f, 7, B, T, C, NH);
  }
  for (void* p : {static_cast<void*>(qkv), static_cast<void*>(dout), static_cast<void*>(out), static_cast<void*>(dqkv),
                  static_cast<void*>(att), static_cast<void*>(mask), static_cast<void*>(starts)}) {
    backend->free(p);
  }
}
BENCHMARK(BM_attention_forward_backward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_matmul_forward_backward_fc1(benchmark::State& state) {
  auto backend = textclass::backend::make_cpu_backend();
  const int N = B * T, OC = 4 * C;
  float* inp = random_buffer(*backend, static_cast<std::size_t>(N) * C);
  float* weight = random_buffer(*backend, static_cast<std::size_t>(OC) * C);
  float* bias = random_buffer(*backend, OC);
  float* out = backend->alloc(static_cast<std::size_t>(N) * OC);
  float* dinp = backend->alloc(static_cast<std::size_t>(N) * C);
  float* dweight = random_buffer(*backend, static_cast<std::size_t>(OC) * C);
  float* dbias = random_buffer(*backend, OC);
  for (auto _ : state) {
    backend->matmul_forward(out, inp, weight, bias, N, C, OC);
    backend->matmul_backward(dinp, dweight, dbias, out, inp, weight, N, C, OC,
                             textclass::backend::GradientWrite::accumulate);
  }
  for (float* p : {inp, weight, bias, out, dinp, dweight, dbias}) backend->free(p);
}
BENCHMARK(BM_matmul_forward_backward_fc1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_layernorm_forward_backward(benchmark::State& state) {
  auto backend = textclass::backend::make_cpu_backend();
  const int N = B * T;
  float* inp = random_buffer(*backend, static_cast<std::size_t>(N) * C);
  float* weight = random_buffer(*backend, C);
  float* bias = random_buffer(*backend, C);
  float* out = backend->alloc(static_cast<std::size_t>(N) * C);
  float* dinp = backend->alloc(static_cast<std::size_t>(N) * C);
  float* mean = backend->alloc(N);
  float* rstd = backend->alloc(N);
  for (auto _ : state) {
    backend->layernorm_forward(out, mean, rstd, inp, weight, bias, 1e-12f, N, C);
    backend->layernorm_backward(dinp, weight, bias, out, inp, weight, mean, rstd, N, C);
  }
  for (float* p : {inp, weight, bias, out, dinp, mean, rstd}) backend->free(p);
}
BENCHMARK(BM_layernorm_forward_backward)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_gelu_forward_backward(benchmark::State& state) {
  auto backend = textclass::backend::make_cpu_backend();
  const std::size_t n = static_cast<std::size_t>(B) * T * 4 * C;
  float* inp = random_buffer(*backend, n);
  float* out = backend->alloc(n);
  for (auto _ : state) {
    backend->gelu_forward(out, inp, n);
    backend->gelu_backward(out, inp, out, n);
  }
  backend->free(inp);
  backend->free(out);
}
BENCHMARK(BM_gelu_forward_backward)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
