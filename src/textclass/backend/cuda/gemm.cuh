#pragma once
// Runs GemmCalls (gemm_call.hpp) through cuBLASLt. Plans (descriptors and the heuristic's
// algorithm) are made once per shape and kept.
// bf16 precision: each factor is rounded into a bf16 copy and multiplied by bf16 tensor-core
// kernels, summed and stored in fp32 (cuBLAS's COMPUTE_32F_FAST_16BF on the fp32 factors ran TF32
// kernels on an H200, over half of a training step's GPU time: bench/RESULTS.md). The attention
// plan's per-head products (GemmCall::fp32_factors) take that way all the same: their factors are
// small and many, and rounding each would cost a launch per factor. The weights need no rounding
// launch, as AdamW keeps a bf16 copy of the parameters (use_parameter_copy: 7% faster training at
// batch 16 on an H200, bench/RESULTS.md, 2026-11-27), and an activation or gradient none where the
// op that wrote it wrote its rounding too (fused rounding: rounding_for, rounded_copies.hpp; 5-7%
// faster at batches 16-64, ibid.).
// Concurrent products: a linear layer's backward pass runs its two products side by side on two
// streams (run_sharing_b): at batch 16 each has too few tiles to fill the GPU alone (1.3-2.6%
// faster on an H200, bench/RESULTS.md, 2026-11-27).
// Deferred joins (bf16): the weight-gradient product, on the second stream, is not joined right
// after it. The second stream rounds that product's fp32 input itself, and the main stream goes on
// with the next ops while the product runs (at batch 16 the LayerNorm, GELU and attention kernels
// between two layers' products leave most SMs idle: 3.9% faster, bench/RESULTS.md, 2026-11-28). The
// second stream (side_stream.cuh) keeps what the pending products read and write: the main stream
// waits for the last product that reads or writes something before it writes that (an op's
// written(), a rounding slot or the copy of B taken again, a buffer that grows), and for all of them
// before anything that may read a gradient (join(): the backend calls it before the optimizer's
// ops and transfers).
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "textclass/backend/device.hpp"
#include "textclass/backend/cuda/gemm_call.hpp"
#include "textclass/backend/cuda/op_profile.cuh"
#include "textclass/backend/cuda/rounded_copies.hpp"
#include "textclass/backend/cuda/scratch.cuh"
#include "textclass/backend/cuda/side_stream.cuh"

namespace textclass::backend::cuda {

class Gemm {
 public:
  // The main stream's waits for the second one are timed as "side_wait" in `profile` (its stall
  // there), which must outlive them.
  Gemm(cudaStream_t stream, Precision precision, OpProfile& profile);
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;

  // same_b: call.b holds what the previous call's b held (matmul_backward's two products share
  // dout), so its bf16 copy, when it has one of the same extent, is used again.
  void run(const GemmCall& call, bool same_b = false);
  // Two products with the same B factor (matmul_backward's dout) and different outputs, neither
  // reading what the other writes: `first` on the stream and `second` side by side with it on a
  // second stream, which forks from the stream after both factors' copies and joins it again
  // before anything after, or in bf16 later (deferred joins: `second` must be the weight gradient,
  // whose A factor is an activation that the ops after it leave alone).
  void run_sharing_b(const GemmCall& first, const GemmCall& second);
  // The main stream waits for every product still pending on the second stream (deferred joins).
  // Unchecked (checked false), where an error is already on its way up: a failure is dropped with
  // CUDA's last error.
  void join(bool checked = true) { side_->join(checked); }
  // cuBLASLt's workspace and the bf16 copies of the factors
  std::size_t workspace_bytes() const;

  // Fused rounding. Where an op that is writing floats [source, source + n) writes their bf16
  // roundings (n of them, 256-byte aligned), for the products that read the tensor next; null when
  // the products take no bf16 copies (not bf16).
  __nv_bfloat16* rounding_for(const float* source, std::size_t n);
  // Bytes [dst, dst + bytes) are about to be written: a rounding of them is no longer current.
  // Every op must say so of what it writes, before it claims a rounding_for() its output.
  // The main stream first joins a pending product that reads or writes them (unchecked, as join's,
  // before a free: frees run in destructors while an error may be on its way up).
  void written(const void* dst, std::size_t bytes, bool checked = true);
  // copy[i] is parameter params[i] rounded to bf16, for i < n, until the next call: an A factor
  // (a linear layer's weight) inside [params, params + n) is read from there, not rounded again.
  // null: no copy.
  void use_parameter_copy(const float* params, std::size_t n, const __nv_bfloat16* copy);

 private:
  struct Plan {
    cublasLtMatmulDesc_t op = nullptr;
    cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
    cublasLtMatmulAlgo_t algo{};
  };
  // Everything a plan depends on: shapes, strides, epilogue and the pointers' alignments.
  using Key = std::tuple<bool, bool, int, int, int, int, int, int, int, int64_t, int64_t, int64_t, bool, int, bool>;
  Plan& plan_for(const GemmCall& call, bool bf16_copies);
  // SideWork's numbers of our buffers: b16_, side_a16_, then the rounding slots.
  static constexpr int kNoBuffer = -1, kB16Buffer = 0, kSideA16Buffer = 1;
  static int slot_buffer(int slot) { return 2 + slot; }
  // A product ready to launch: its plan and the factors it reads (bf16 copies made, into a_copies
  // for A, where it needs them), and which of our buffers (SideWork's numbers, or kNoBuffer)
  // those are. With a_on_side, A's copy is left to the side stream: a_extent floats from a_source
  // into round_a.
  struct Ready {
    Plan* plan;
    const void *a, *b;
    int a_buffer = kNoBuffer, b_buffer = kNoBuffer;
    __nv_bfloat16* round_a = nullptr;
    const float* a_source = nullptr;
    std::size_t a_extent = 0;
  };
  Ready prepare(const GemmCall& call, bool same_b, Scratch& a_copies, int a_copies_buffer, bool a_on_side = false);
  // An op's rounding of exactly floats [source, source + n), or null; its slot in *slot.
  const __nv_bfloat16* op_rounding(const float* source, std::size_t n, int* slot);
  // The main stream is about to write (or grow) buffer `buffer`: it waits for a pending product that reads it.
  void before_writing(int buffer);
  Plan make_plan(const GemmCall& call, int alignment, bool bf16_copies);
  void multiply(const Plan& plan, const void* a, const void* b, const GemmCall& call, cudaStream_t stream,
                void* workspace);

  cudaStream_t stream_;
  bool bf16_factors_;
  cublasComputeType_t compute_, fp32_factors_compute_;
  cublasLtHandle_t handle_ = nullptr;
  void* workspace_ = nullptr;
  std::map<Key, Plan> plans_;
  Scratch a16_, b16_;  // the bf16 copies of A and B (bf16 precision only)
  // run_sharing_b side by side: the second stream (with the products not yet waited for), its own
  // workspace and copy of A
  std::unique_ptr<SideStream> side_;
  void* side_workspace_ = nullptr;
  Scratch side_a16_;
  const float* b16_source_ = nullptr;  // what the last B factor's copy (in b16_) is a copy of, and
  std::size_t b16_extent_ = 0;         // how many floats
  const __nv_bfloat16* b16_copy_ = nullptr;
  const float* params_ = nullptr;  // use_parameter_copy's
  std::size_t params_count_ = 0;
  const __nv_bfloat16* params_copy_ = nullptr;
  // The ops' roundings: four slots (a layer's backward pass claims four, and each is read by a
  // product that may still be running when the next is claimed)
  RoundedCopies roundings_{4};
  std::vector<std::unique_ptr<Scratch>> rounding_slots_;
};

// dst[i] = src[i] rounded to the nearest bf16 (ties to even), i < n.
void round_to_bf16(cudaStream_t stream, __nv_bfloat16* dst, const float* src, std::size_t n);

}  // namespace textclass::backend::cuda
