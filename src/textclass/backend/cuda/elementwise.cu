// The element-wise ops: fill, GELU, tanh, add, dropout, and the [CLS] row copy. One thread per
// element, grid-stride loops; the math of each is in backend.hpp.
#include "textclass/backend/backend.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr float kInvSqrt2Pi = 0.3989422804014327f;

__global__ void fill_kernel(float* x, float value, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) x[i] = value;
}

// gelu(x) = x Φ(x); normcdff computes Φ without the cancellation of 1 + erf(x/√2) for negative x
__global__ void gelu_forward_kernel(float* out, const float* inp, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) out[i] = inp[i] * normcdff(inp[i]);
}

// d gelu / dx = Φ(x) + x φ(x)
__global__ void gelu_backward_kernel(float* dinp, const float* inp, const float* dout, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) {
    const float x = inp[i];
    const float pdf = kInvSqrt2Pi * expf(-0.5f * x * x);
    dinp[i] = dout[i] * (normcdff(x) + x * pdf);
  }
}

__global__ void tanh_forward_kernel(float* out, const float* inp, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) out[i] = tanhf(inp[i]);
}

__global__ void tanh_backward_kernel(float* dinp, const float* out, const float* dout, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}

__global__ void add_kernel(float* out, const float* a, const float* b, std::size_t n) {
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) out[i] = a[i] + b[i];
}

__global__ void dropout_kernel(float* out, const float* inp, float p, Seed seed, std::size_t n) {
  const float keep_scale = 1.0f / (1.0f - p);
  const uint64_t s = seed.get();
  for (std::size_t i = thread_index(); i < n; i += grid_stride())
    out[i] = dropout_uniform(s, i) >= p ? inp[i] * keep_scale : 0.0f;
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
  if (n == 0) return;
  fill_kernel<<<blocks_for(n), kBlock, 0, stream>>>(x, value, n);
  check_launch("fill");
}

void gelu_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n) {
  if (n == 0) return;
  gelu_forward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, inp, n);
  check_launch("gelu_forward");
}

void gelu_backward(cudaStream_t stream, float* dinp, const float* inp, const float* dout, std::size_t n) {
  if (n == 0) return;
  gelu_backward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(dinp, inp, dout, n);
  check_launch("gelu_backward");
}

void tanh_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n) {
  if (n == 0) return;
  tanh_forward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, inp, n);
  check_launch("tanh_forward");
}

void tanh_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n) {
  if (n == 0) return;
  tanh_backward_kernel<<<blocks_for(n), kBlock, 0, stream>>>(dinp, out, dout, n);
  check_launch("tanh_backward");
}

void add(cudaStream_t stream, float* out, const float* a, const float* b, std::size_t n) {
  if (n == 0) return;
  add_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, a, b, n);
  check_launch("add");
}

void dropout(cudaStream_t stream, float* out, const float* inp, float p, Seed seed, std::size_t n) {
  if (n == 0) return;
  if (p == 0.0f) {  // evaluation: a copy, no mask to draw
    if (out != inp) check(cudaMemcpyAsync(out, inp, n * sizeof(float), cudaMemcpyDeviceToDevice, stream), "dropout copy");
    return;
  }
  dropout_kernel<<<blocks_for(n), kBlock, 0, stream>>>(out, inp, p, seed, n);
  check_launch("dropout");
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
