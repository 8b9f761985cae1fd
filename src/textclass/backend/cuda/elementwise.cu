// The element-wise ops: fill, GELU, tanh, add and dropout as maps (elementwise_kernels.cuh), four
// floats at a time where every tensor is 16-byte aligned; and the [CLS] row copy.
#include "textclass/backend/backend.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/elementwise_kernels.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

using namespace elementwise;

template <typename F>
void launch_map(cudaStream_t stream, const Map<F>& map, std::size_t n, const char* what) {
  if (n == 0) return;
  const bool quads = aligned_for_quads(map);
  map_kernel<<<blocks_for(quads ? n / 4 + n % 4 : n), kBlock, 0, stream>>>(map, n, quads);
  check_launch(what);
}

// out[b, c] = inp[b, 0, c]
__global__ void first_token_forward_kernel(float* out, const float* inp, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * C;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const std::size_t b = i / C, c = i % C;
    out[i] = inp[b * T * C + c];
  }
}

// dinp[b, t, c] = dout[b, c] at t = 0, else 0
__global__ void first_token_backward_kernel(float* dinp, const float* dout, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * T * C;
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const std::size_t c = i % C, t = (i / C) % T, b = i / (static_cast<std::size_t>(T) * C);
    dinp[i] = t == 0 ? dout[b * C + c] : 0.0f;
  }
}

}  // namespace

void fill(cudaStream_t stream, float* x, float value, std::size_t n) {
  launch_map(stream, Map<Constant>{x, nullptr, nullptr, nullptr, Constant{{}, value}}, n, "fill");
}

void gelu_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, std::size_t n) {
  launch_map(stream, Map<Gelu>{out, rounded, inp, nullptr, Gelu{}}, n, "gelu_forward");
}

void gelu_backward(cudaStream_t stream, float* dinp, const float* inp, const float* dout, std::size_t n) {
  launch_map(stream, Map<GeluBackward>{dinp, nullptr, inp, dout, GeluBackward{}}, n, "gelu_backward");
}

void tanh_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n) {
  launch_map(stream, Map<Tanh>{out, nullptr, inp, nullptr, Tanh{}}, n, "tanh_forward");
}

void tanh_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n) {
  launch_map(stream, Map<TanhBackward>{dinp, nullptr, out, dout, TanhBackward{}}, n, "tanh_backward");
}

void add(cudaStream_t stream, float* out, const float* a, const float* b, std::size_t n) {
  launch_map(stream, Map<Sum>{out, nullptr, a, b, Sum{}}, n, "add");
}

void dropout(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, float p, Seed seed,
             std::size_t n) {
  if (n == 0) return;
  if (p == 0.0f && rounded == nullptr) {  // evaluation: a copy, no mask to draw
    if (out != inp) check(cudaMemcpyAsync(out, inp, n * sizeof(float), cudaMemcpyDeviceToDevice, stream), "dropout copy");
    return;
  }
  launch_map(stream, Map<Dropout>{out, rounded, inp, nullptr, Dropout{p, 1.0f / (1.0f - p), seed}}, n, "dropout");
}

void first_token_forward(cudaStream_t stream, float* out, const float* inp, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * C;
  if (n == 0) return;
  first_token_forward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, inp, B, T, C);
  check_launch("first_token_forward");
}

void first_token_backward(cudaStream_t stream, float* dinp, const float* dout, int B, int T, int C) {
  const std::size_t n = static_cast<std::size_t>(B) * T * C;
  if (n == 0) return;
  first_token_backward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(dinp, dout, B, T, C);
  check_launch("first_token_backward");
}

}  // namespace textclass::backend::cuda
