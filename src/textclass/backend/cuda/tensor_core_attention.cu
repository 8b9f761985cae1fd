// Launches the kernels of tensor_core_attention_kernels.cuh.
#include "textclass/backend/cuda/tensor_core_attention.cuh"

#include <algorithm>
#include <cstdint>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/head_sizes.cuh"
#include "textclass/backend/cuda/tensor_core_attention_kernels.cuh"

namespace textclass::backend::cuda {
namespace {

using namespace tensor_cores;

// The head sizes the kernels are built for.
template <typename F>
bool with_head_size(int hs, F&& f) {
  return dispatch_head_size<16, 32, 64>(hs, f);
}

// The dynamic shared memory a block may have on this device, granted to every kernel above.
int shared_limit() {
  static const int limit = [] {
    int bytes = 0;
    for (int hs : {16, 32, 64})
      with_head_size(hs, [&](auto head_size) {
        constexpr int HS = decltype(head_size)::value;
        bytes = grant_shared_memory({reinterpret_cast<const void*>(&forward_kernel<HS>),
                                     reinterpret_cast<const void*>(&key_backward_kernel<HS>)});
      });
    return bytes;
  }();
  return limit;
}

dim3 grid_of(const AttentionShape& s) { return dim3((s.T + kChunk - 1) / kChunk, s.heads()); }

}  // namespace

void prepare_tensor_core_attention() { shared_limit(); }

bool tensor_core_attention_fits(const AttentionShape& s, std::initializer_list<const void*> tensors) {
  for (const void* tensor : tensors)
    if (reinterpret_cast<std::uintptr_t>(tensor) % 16 != 0) return false;
  int bytes = 0;  // the most any of the kernels asks for
  const bool built_for = with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    bytes = std::max(shared_bytes<HS>(s.T, Kernel::forward), shared_bytes<HS>(s.T, Kernel::key_backward));
  });
  return built_for && s.T <= kMaxT && s.heads() <= 65535 && bytes <= shared_limit();
}

void tensor_core_attention_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* stats,
                                   const float* qkv, const int32_t* mask, float dropout_p, Seed seed,
                                   const AttentionShape& s) {
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    forward_kernel<HS><<<grid_of(s), kThreads, shared_bytes<HS>(s.T, Kernel::forward), stream>>>(
        out, rounded, stats, qkv, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, forward)");
}

std::size_t tensor_core_attention_backward_scratch(const AttentionShape& s) { return s.rows(); }

void tensor_core_attention_backward(cudaStream_t stream, float* dqkv, float* scratch, const float* dout,
                                    const float* qkv, const float* out, const float* stats, const int32_t* mask,
                                    float dropout_p, Seed seed, const AttentionShape& s) {
  float* D = scratch;
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    query_prologue_kernel<HS><<<grid_of(s), kThreads, 0, stream>>>(dqkv, D, dout, out, s.T, s.C, s.NH);
    check_launch("attention (tensor cores, backward: D and dq's zeros)");
    key_backward_kernel<HS><<<grid_of(s), kThreads, shared_bytes<HS>(s.T, Kernel::key_backward), stream>>>(
        dqkv, D, dout, qkv, stats, mask, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, backward)");
}

}  // namespace textclass::backend::cuda
