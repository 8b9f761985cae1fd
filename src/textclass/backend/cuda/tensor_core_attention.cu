// Launches the kernels of tensor_core_attention_kernels.cuh.
#include "textclass/backend/cuda/tensor_core_attention.cuh"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/head_sizes.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
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

// Where the forward pass's saves lie in att: the statistics, then qkv's rounding 256 bytes aligned.
struct Saved {
  float* stats;
  bf16* qkv;
};
std::size_t stats_floats(const AttentionShape& s) { return (attention_stats_floats(s) + 63) / 64 * 64; }
Saved saved_in(float* att, const AttentionShape& s) {
  if (att == nullptr) return {nullptr, nullptr};  // nothing saved
  return {att, reinterpret_cast<bf16*>(att + stats_floats(s))};
}

void require_aligned(const char* pass, std::initializer_list<const void*> tensors) {
  for (const void* tensor : tensors)
    if (reinterpret_cast<std::uintptr_t>(tensor) % 16 != 0)
      throw std::invalid_argument(std::string("attention ") + pass +
                                  " on tensor cores: every tensor must start 16-byte aligned");
}

}  // namespace

void prepare_tensor_core_attention() { shared_limit(); }

bool tensor_core_attention_fits(const AttentionShape& s) {
  int bytes = 0;  // the most any of the kernels asks for
  const bool built_for = with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    bytes = std::max(shared_bytes<HS>(s.T, Kernel::forward), shared_bytes<HS>(s.T, Kernel::key_backward));
  });
  return built_for && s.T <= kMaxT && s.heads() <= 65535 && bytes <= shared_limit();
}

std::size_t tensor_core_attention_saved_floats(const AttentionShape& s) {
  return stats_floats(s) + (3 * s.NC() + 1) / 2;  // (the packed rows of tokens are at most B·T)
}

void tensor_core_attention_forward(cudaStream_t stream, float* out, __nv_bfloat16* rounded, float* saved,
                                   const float* qkv, const int32_t* mask, const TokenRows& tokens, float dropout_p,
                                   uint64_t seed, const AttentionShape& s) {
  require_aligned("forward", {out, rounded, saved, qkv});
  const Saved keep = saved_in(saved, s);
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    launch(forward_kernel<HS>, Grid(grid_of(s), kThreads, shared_bytes<HS>(s.T, Kernel::forward), stream), out, rounded,
           keep.stats, keep.qkv, qkv, mask, tokens, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, forward)");
}

std::size_t tensor_core_attention_backward_scratch(const AttentionShape& s) { return s.rows(); }

void tensor_core_attention_backward(cudaStream_t stream, float* dqkv, float* scratch, const float* dout,
                                    const float* out, const float* saved, const int32_t* mask,
                                    const TokenRows& tokens, float dropout_p, uint64_t seed,
                                    const AttentionShape& s) {
  require_aligned("backward", {dqkv, dout, out, saved});
  const Saved keep = saved_in(const_cast<float*>(saved), s);
  float* D = scratch;
  with_head_size(s.hs(), [&](auto head_size) {
    constexpr int HS = decltype(head_size)::value;
    launch(query_prologue_kernel<HS>, Grid(grid_of(s), kThreads, 0, stream), dqkv, D, dout, out, tokens, s.T, s.C,
           s.NH);
    check_launch("attention (tensor cores, backward: D and dq's zeros)");
    const int bytes = shared_bytes<HS>(s.T, Kernel::key_backward);
    launch(key_backward_kernel<HS>, Grid(grid_of(s), kThreads, bytes, stream), dqkv, D, dout, keep.qkv, keep.stats,
           mask, tokens, dropout_p, seed, s.scale(), s.T, s.C, s.NH);
  });
  check_launch("attention (tensor cores, backward)");
}

}  // namespace textclass::backend::cuda
