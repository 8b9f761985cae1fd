// The CPU backend's ops at BERT-base training shapes (batch 16, 128 tokens, hidden 768, 12 heads):
// where a training step's time goes outside the big GEMMs. BM_linear_inference: the linear layers'
// products as predict runs them (batch 16 x 64 tokens), in GFLOP/s, beside a 2048-square product:
// how near the products run to what the processor's fp32 arithmetic gives.
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

// out [N, OC] = inp [N, C] · weightᵀ + bias on the inference backend in fp32 (bf16 for the 1 in the
// last argument).
void BM_linear_inference(benchmark::State& state) {
  const int N = static_cast<int>(state.range(0)), C = static_cast<int>(state.range(1)),
            OC = static_cast<int>(state.range(2));
  textclass::backend::CpuOptions options;
  options.inference = true;
  options.bf16 = state.range(3) == 1;
  if (options.bf16 && !textclass::backend::cpu_bf16_unavailable_reason().empty()) {
    state.SkipWithError(textclass::backend::cpu_bf16_unavailable_reason().c_str());
    return;
  }
  auto backend = textclass::backend::make_cpu_backend(options);
  float* inp = random_buffer(*backend, static_cast<std::size_t>(N) * C);
  float* weight = random_buffer(*backend, static_cast<std::size_t>(OC) * C);
  float* bias = random_buffer(*backend, OC);
  float* out = backend->alloc(static_cast<std::size_t>(N) * OC);
  backend->matmul_forward(out, inp, weight, bias, N, C, OC);  // untimed: first touch, bf16's packing
  for (auto _ : state) backend->matmul_forward(out, inp, weight, bias, N, C, OC);
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * N * C * OC * state.iterations() / 1e9,
                                                 benchmark::Counter::kIsRate);
  for (float* p : {inp, weight, bias, out}) backend->free(p);
}
// BERT-base's four products per layer at 1,024 rows (qkv, attention output, FFN in, FFN out), then
// a square one; fp32 and bf16.
BENCHMARK(BM_linear_inference)
    ->ArgNames({"N", "C", "OC", "bf16"})
    ->ArgsProduct({{1024}, {768}, {2304, 768, 3072}, {0, 1}})
    ->ArgsProduct({{1024}, {3072}, {768}, {0, 1}})
    ->ArgsProduct({{2048}, {2048}, {2048}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

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
