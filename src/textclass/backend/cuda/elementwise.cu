// The element-wise ops: fill, GELU, tanh, ReLU, add and dropout as maps (elementwise_kernels.cuh), four
// floats at a time where every tensor is 16-byte aligned; and gather_rows.
#include <cstdint>

#include "textclass/backend/backend.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/elementwise_kernels.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

using namespace elementwise;

template <typename F>
void launch_map(cudaStream_t stream, const Map<F>& map, std::size_t n, const char* what) {
  if (n == 0) return;
  const bool quads = aligned_for_quads(map);
  launch(map_kernel<F>, Grid(blocks_for(quads ? n / 4 + n % 4 : n), kBlock, 0, stream), map, n, quads);
  check_launch(what);
}

// out[i, :] = inp[rows[i], :], or zeros where rows[i] < 0; a thread per Vector (a float, or four
// where the rows allow) of out, the rows `width` Vectors long.
template <typename Vector>
__global__ void gather_rows_kernel(Vector* out, const Vector* inp, const int32_t* rows, int n, int width) {
  await_earlier_kernels();
  const std::size_t count = static_cast<std::size_t>(n) * width;
  for (std::size_t i = thread_index(); i < count; i += grid_stride()) {
    const int row = rows[i / width];
    out[i] = row < 0 ? Vector{} : inp[static_cast<std::size_t>(row) * width + i % width];
  }
}

}  // namespace

void fill(cudaStream_t stream, float* x, float value, std::size_t n) {
  launch_map(stream, Map<Constant>{x, nullptr, nullptr, nullptr, Constant{value}}, n, "fill");
}

void gelu_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, std::size_t n) {
  launch_map(stream, Map<Gelu>{out, rounded, inp, nullptr, Gelu{}}, n, "gelu_forward");
}

void gelu_backward(cudaStream_t stream, float* dinp, const float* inp, const float* dout, std::size_t n) {
  launch_map(stream, Map<GeluBackward>{dinp, nullptr, inp, dout, GeluBackward{}}, n, "gelu_backward");
}

void gelu_backward_sums(cudaStream_t stream, float* dinp, __nv_bfloat16* rounded, float* sums, const float* inp,
                        const float* dout, int N, int C) {
  if (N == 0 || C == 0) return;
  launch(column_sums_kernel<GeluBackward>,
         Grid(column_sums_grid(N, C), column_sums_threads(), column_sums_shared_bytes, stream),
         Map<GeluBackward>{dinp, rounded, inp, dout, GeluBackward{}}, sums, N, C);
  check_launch("gelu_backward (with column sums)");
}

void tanh_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n) {
  launch_map(stream, Map<Tanh>{out, nullptr, inp, nullptr, Tanh{}}, n, "tanh_forward");
}

void tanh_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n) {
  launch_map(stream, Map<TanhBackward>{dinp, nullptr, out, dout, TanhBackward{}}, n, "tanh_backward");
}

void relu_forward(cudaStream_t stream, float* out, const float* inp, std::size_t n) {
  launch_map(stream, Map<Relu>{out, nullptr, inp, nullptr, Relu{}}, n, "relu_forward");
}

void relu_backward(cudaStream_t stream, float* dinp, const float* out, const float* dout, std::size_t n) {
  launch_map(stream, Map<ReluBackward>{dinp, nullptr, out, dout, ReluBackward{}}, n, "relu_backward");
}

void add(cudaStream_t stream, float* out, const float* a, const float* b, std::size_t n) {
  launch_map(stream, Map<Sum>{out, nullptr, a, b, Sum{}}, n, "add");
}

void dropout(cudaStream_t stream, float* out, __nv_bfloat16* rounded, const float* inp, float p, uint64_t seed,
             std::size_t n) {
  if (n == 0) return;
  if (p == 0.0f && rounded == nullptr) {  // evaluation: a copy, no mask to draw
    if (out != inp) check(cudaMemcpyAsync(out, inp, n * sizeof(float), cudaMemcpyDeviceToDevice, stream), "dropout copy");
    return;
  }
  launch_map(stream, Map<Dropout>{out, rounded, inp, nullptr, Dropout{p, 1.0f / (1.0f - p), seed}}, n, "dropout");
}

void gather_rows(cudaStream_t stream, float* out, const float* inp, const int32_t* rows, int n, int C) {
  if (n == 0 || C == 0) return;
  if (C % 4 == 0 && aligned(out, 16) && aligned(inp, 16)) {
    const std::size_t count = static_cast<std::size_t>(n) * (C / 4);
    launch(gather_rows_kernel<float4>, Grid(blocks_for(count), kBlock, 0, stream), reinterpret_cast<float4*>(out),
           reinterpret_cast<const float4*>(inp), rows, n, C / 4);
  } else {
    launch(gather_rows_kernel<float>, Grid(blocks_for(static_cast<std::size_t>(n) * C), kBlock, 0, stream), out, inp,
           rows, n, C);
  }
  check_launch("gather_rows");
}

}  // namespace textclass::backend::cuda
