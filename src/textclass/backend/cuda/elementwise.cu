// The element-wise ops: fill, GELU, tanh, add, dropout, and the [CLS] row copy; the math of each is
// in backend.hpp. The maps go four floats at a time (a float4 load or store per tensor) where every
// tensor is 16-byte aligned: at one float a thread too few bytes are in flight to reach the memory's
// bandwidth. GELU's forward pass and dropout also write their output's bf16 rounding where `rounded`
// is not null (fused rounding).
#include <initializer_list>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr float kInvSqrt2Pi = 0.3989422804014327f;

// out[i] = f(i, a[i], b[i]) for i < n, and its bf16 rounding in rounded[i] unless rounded is null;
// a missing input (null) reads as 0. F is a functor with a prepare() that each thread calls once
// (dropout reads its seed there).
template <typename F>
struct Map {
  float* out;
  __nv_bfloat16* rounded;
  const float *a, *b;
  F f;

  __device__ void one(const F& g, std::size_t i) const {
    const float y = g(i, a != nullptr ? a[i] : 0.0f, b != nullptr ? b[i] : 0.0f);
    out[i] = y;
    if (rounded != nullptr) rounded[i] = __float2bfloat16_rn(y);
  }
  // elements i.. i+3, i a multiple of 4
  __device__ void four(const F& g, std::size_t i) const {
    const float4 zero = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    const float4 x = a != nullptr ? *reinterpret_cast<const float4*>(a + i) : zero;
    const float4 y = b != nullptr ? *reinterpret_cast<const float4*>(b + i) : zero;
    const float4 r = make_float4(g(i, x.x, y.x), g(i + 1, x.y, y.y), g(i + 2, x.z, y.z), g(i + 3, x.w, y.w));
    *reinterpret_cast<float4*>(out + i) = r;
    if (rounded != nullptr) {
      auto* pair = reinterpret_cast<__nv_bfloat162*>(rounded + i);
      pair[0] = __floats2bfloat162_rn(r.x, r.y);
      pair[1] = __floats2bfloat162_rn(r.z, r.w);
    }
  }
};

// quads: whether the tensors are aligned for four()
template <typename F>
__global__ void map_kernel(Map<F> map, std::size_t n, bool quads) {
  F f = map.f;
  f.prepare();
  const std::size_t first_single = quads ? n / 4 * 4 : 0;
  for (std::size_t q = thread_index(); 4 * q < first_single; q += grid_stride()) map.four(f, 4 * q);
  for (std::size_t i = first_single + thread_index(); i < n; i += grid_stride()) map.one(f, i);
}

template <typename F>
void launch_map(cudaStream_t stream, const Map<F>& map, std::size_t n, const char* what) {
  if (n == 0) return;
  auto aligned = [](const void* p, std::uintptr_t to) { return reinterpret_cast<std::uintptr_t>(p) % to == 0; };
  const bool quads = aligned(map.out, 16) && aligned(map.a, 16) && aligned(map.b, 16) && aligned(map.rounded, 8);
  map_kernel<<<blocks_for(quads ? n / 4 + n % 4 : n), kBlock, 0, stream>>>(map, n, quads);
  check_launch(what);
}

struct Stateless {
  __device__ void prepare() {}
};

struct Constant : Stateless {
  float value;
  __device__ float operator()(std::size_t, float, float) const { return value; }
};

// gelu(x) = x Φ(x); normcdff computes Φ without the cancellation of 1 + erf(x/√2) for negative x
struct Gelu : Stateless {
  __device__ float operator()(std::size_t, float x, float) const { return x * normcdff(x); }
};

// d gelu / dx = Φ(x) + x φ(x), times dout
struct GeluBackward : Stateless {
  __device__ float operator()(std::size_t, float x, float dout) const {
    const float pdf = kInvSqrt2Pi * expf(-0.5f * x * x);
    return dout * (normcdff(x) + x * pdf);
  }
};

struct Tanh : Stateless {
  __device__ float operator()(std::size_t, float x, float) const { return tanhf(x); }
};

// from the saved output y: dout (1 - y²)
struct TanhBackward : Stateless {
  __device__ float operator()(std::size_t, float y, float dout) const { return dout * (1.0f - y * y); }
};

struct Sum : Stateless {
  __device__ float operator()(std::size_t, float x, float y) const { return x + y; }
};

// x · keep / (1-p), keep drawn from (seed, i); the seed is read once per thread (from memory, in a
// CUDA graph)
struct Dropout {
  float p, keep_scale;
  Seed seed;
  uint64_t s = 0;
  __device__ void prepare() { s = p == 0.0f ? 0 : seed.get(); }
  __device__ float operator()(std::size_t i, float x, float) const {
    return p == 0.0f || dropout_uniform(s, i) >= p ? x * keep_scale : 0.0f;
  }
};

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
