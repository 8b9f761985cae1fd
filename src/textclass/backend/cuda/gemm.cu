#include "textclass/backend/cuda/gemm.cuh"

#include <cuda_bf16.h>

#include <algorithm>
#include <string>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr std::size_t kWorkspaceBytes = 32u << 20;  // what cuBLAS suggests for Hopper

// The largest power of two up to 256 that divides the address: cuBLASLt's heuristic assumes
// 256-byte aligned operands unless told otherwise, and our tensors are views inside larger buffers.
int alignment_of(const void* ptr) {
  if (ptr == nullptr) return 256;
  const auto address = reinterpret_cast<std::uintptr_t>(ptr);
  int alignment = 1;
  while (alignment < 256 && address % (2 * alignment) == 0) alignment *= 2;
  return alignment;
}

template <typename T>
void set(cublasLtMatmulDesc_t op, cublasLtMatmulDescAttributes_t attribute, const T& value) {
  check(cublasLtMatmulDescSetAttribute(op, attribute, &value, sizeof(value)), "setting a matmul attribute");
}

cublasLtMatrixLayout_t make_layout(cudaDataType_t type, int rows, int cols, int ld, int batch, int64_t stride) {
  cublasLtMatrixLayout_t layout = nullptr;
  check(cublasLtMatrixLayoutCreate(&layout, type, rows, cols, ld), "creating a matrix layout");
  if (batch > 1) {
    check(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &batch, sizeof(batch)),
          "setting a batch count");
    check(cublasLtMatrixLayoutSetAttribute(layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof(stride)),
          "setting a batch stride");
  }
  return layout;
}

// bf16 copies are summed in plain fp32; fp32 factors in the precision's arithmetic.
cublasComputeType_t compute_type(Precision precision, bool bf16_copies) {
  if (bf16_copies) return CUBLAS_COMPUTE_32F;
  switch (precision) {
    case Precision::tf32: return CUBLAS_COMPUTE_32F_FAST_TF32;
    case Precision::bf16: return CUBLAS_COMPUTE_32F_FAST_16BF;
    default: return CUBLAS_COMPUTE_32F;
  }
}

// How many floats from a factor's first element to its last: the whole strided, batched matrix,
// gaps between columns included, so that a copy of them keeps the leading dimension and stride.
std::size_t extent(int stored_rows, int stored_cols, int ld, int batch, int64_t stride) {
  if (stored_rows == 0 || stored_cols == 0 || batch == 0) return 0;
  return static_cast<std::size_t>(batch - 1) * static_cast<std::size_t>(stride) +
         static_cast<std::size_t>(stored_cols - 1) * ld + stored_rows;
}

// Whether floats [x, x + n) lie in [start, start + count).
bool within(const float* x, std::size_t n, const float* start, std::size_t count) {
  const auto first = reinterpret_cast<std::uintptr_t>(x), begin = reinterpret_cast<std::uintptr_t>(start);
  return first >= begin && first + n * sizeof(float) <= begin + count * sizeof(float);
}

// dst[i] = src[i] rounded to the nearest bf16 (ties to even), four at a time (src 16-byte aligned,
// dst 8-byte aligned), then the n % 4 left over.
__global__ void round_to_bf16_kernel(__nv_bfloat16* dst, const float* src, std::size_t n) {
  await_earlier_kernels();
  const std::size_t quads = n / 4;
  for (std::size_t q = thread_index(); q < quads; q += grid_stride()) {
    store_rounded(dst + 4 * q, reinterpret_cast<const float4*>(src)[q]);
  }
  for (std::size_t i = 4 * quads + thread_index(); i < n; i += grid_stride()) dst[i] = __float2bfloat16_rn(src[i]);
}

__global__ void round_to_bf16_unaligned_kernel(__nv_bfloat16* dst, const float* src, std::size_t n) {
  await_earlier_kernels();
  for (std::size_t i = thread_index(); i < n; i += grid_stride()) dst[i] = __float2bfloat16_rn(src[i]);
}

}  // namespace

void round_to_bf16(cudaStream_t stream, __nv_bfloat16* dst, const float* src, std::size_t n) {
  if (aligned(src, 16) && aligned(dst, 8))
    launch(round_to_bf16_kernel, Grid(blocks_for(n / 4 + 1), kBlock, 0, stream), dst, src, n);
  else
    launch(round_to_bf16_unaligned_kernel, Grid(blocks_for(n), kBlock, 0, stream), dst, src, n);
  check_launch("rounding to bf16");
}

namespace {

const __nv_bfloat16* bf16_copy(Scratch& scratch, cudaStream_t stream, const float* src, std::size_t n) {
  auto* dst = reinterpret_cast<__nv_bfloat16*>(scratch.floats((n + 1) / 2));  // 256-byte aligned
  round_to_bf16(stream, dst, src, n);
  return dst;
}

}  // namespace

Gemm::Gemm(cudaStream_t stream, Precision precision, OpProfile& profile)
    : stream_(stream),
      bf16_factors_(precision == Precision::bf16),
      compute_(compute_type(precision, bf16_factors_)),
      fp32_factors_compute_(compute_type(precision, false)),
      a16_(stream),
      b16_(stream),
      side_a16_(stream) {
  for (int i = 0; i < roundings_.slots(); i++) rounding_slots_.push_back(std::make_unique<Scratch>(stream));
  check(cublasLtCreate(&handle_), "creating the cuBLASLt handle");
  check(cudaMalloc(&workspace_, kWorkspaceBytes), "allocating the cuBLASLt workspace");
  // deferred (bf16), the products go below the main stream's ops (the backend raised its
  // priority); joined at once, they are as urgent as the products beside them
  int lowest = 0, highest = 0, main = 0;
  check(cudaDeviceGetStreamPriorityRange(&lowest, &highest), "finding the streams' priorities");
  check(cudaStreamGetPriority(stream, &main), "finding a stream's priority");
  side_ = std::make_unique<SideStream>(stream, bf16_factors_ ? lowest : main, profile, "side_wait");
  check(cudaMalloc(&side_workspace_, kWorkspaceBytes), "allocating the cuBLASLt workspace");
}

Gemm::~Gemm() {
  for (auto& [key, plan] : plans_) {
    cublasLtMatrixLayoutDestroy(plan.a);
    cublasLtMatrixLayoutDestroy(plan.b);
    cublasLtMatrixLayoutDestroy(plan.c);
    cublasLtMatmulDescDestroy(plan.op);
  }
  side_.reset();  // (after its products)
  cudaFree(side_workspace_);
  cudaFree(workspace_);
  cublasLtDestroy(handle_);
}

Gemm::Plan Gemm::make_plan(const GemmCall& call, int alignment, bool bf16_copies) {
  Plan plan;
  check(cublasLtMatmulDescCreate(&plan.op, bf16_copies ? compute_ : fp32_factors_compute_, CUDA_R_32F),
        "creating a matmul descriptor");
  set(plan.op, CUBLASLT_MATMUL_DESC_TRANSA, call.transa ? CUBLAS_OP_T : CUBLAS_OP_N);
  set(plan.op, CUBLASLT_MATMUL_DESC_TRANSB, call.transb ? CUBLAS_OP_T : CUBLAS_OP_N);
  set(plan.op, CUBLASLT_MATMUL_DESC_EPILOGUE, call.bias ? CUBLASLT_EPILOGUE_BIAS : CUBLASLT_EPILOGUE_DEFAULT);
  const cudaDataType_t factors = bf16_copies ? CUDA_R_16BF : CUDA_R_32F;
  plan.a = call.transa ? make_layout(factors, call.k, call.m, call.lda, call.batch, call.stride_a)
                       : make_layout(factors, call.m, call.k, call.lda, call.batch, call.stride_a);
  plan.b = call.transb ? make_layout(factors, call.n, call.k, call.ldb, call.batch, call.stride_b)
                       : make_layout(factors, call.k, call.n, call.ldb, call.batch, call.stride_b);
  plan.c = make_layout(CUDA_R_32F, call.m, call.n, call.ldc, call.batch, call.stride_c);

  cublasLtMatmulPreference_t preference = nullptr;
  check(cublasLtMatmulPreferenceCreate(&preference), "creating a matmul preference");
  const uint64_t workspace_bytes = kWorkspaceBytes;
  const uint32_t align = static_cast<uint32_t>(alignment);
  cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
                                       sizeof(workspace_bytes));
  for (auto attribute : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                         CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES})
    cublasLtMatmulPreferenceSetAttribute(preference, attribute, &align, sizeof(align));
  cublasLtMatmulHeuristicResult_t result = {};
  int found = 0;
  const cublasStatus_t status =
      cublasLtMatmulAlgoGetHeuristic(handle_, plan.op, plan.a, plan.b, plan.c, plan.c, preference, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(preference);
  if (status != CUBLAS_STATUS_SUCCESS || found == 0)
    throw Error("cuBLASLt has no algorithm for a " + std::to_string(call.m) + "x" + std::to_string(call.n) + "x" +
                std::to_string(call.k) + " product (batch " + std::to_string(call.batch) + ", alignment " +
                std::to_string(alignment) + " bytes): " + cublasGetStatusName(status));
  plan.algo = result.algo;
  return plan;
}

std::size_t Gemm::workspace_bytes() const {
  std::size_t bytes = 2 * kWorkspaceBytes + a16_.bytes() + b16_.bytes() + side_a16_.bytes();
  for (const auto& slot : rounding_slots_) bytes += slot->bytes();
  return bytes;
}

__nv_bfloat16* Gemm::rounding_for(const float* source, std::size_t n) {
  if (!bf16_factors_ || n == 0) return nullptr;
  const int slot = roundings_.claim(source, n);
  before_writing(slot_buffer(slot));
  return reinterpret_cast<__nv_bfloat16*>(rounding_slots_[slot]->floats((n + 1) / 2));
}

const __nv_bfloat16* Gemm::op_rounding(const float* source, std::size_t n, int* slot) {
  *slot = roundings_.find(source, n);
  return *slot < 0 ? nullptr : reinterpret_cast<const __nv_bfloat16*>(rounding_slots_[*slot]->data());
}

void Gemm::written(const void* dst, std::size_t bytes, bool checked) {
  roundings_.written(dst, bytes);
  side_->before_touching(dst, bytes, checked);
}

void Gemm::before_writing(int buffer) {
  if (buffer != kNoBuffer) side_->before_writing(buffer);
}

void Gemm::use_parameter_copy(const float* params, std::size_t n, const __nv_bfloat16* copy) {
  params_ = copy == nullptr ? nullptr : params;
  params_count_ = copy == nullptr ? 0 : n;
  params_copy_ = copy;
}

Gemm::Plan& Gemm::plan_for(const GemmCall& call, bool bf16_copies) {
  const int alignment = std::min({alignment_of(call.a), alignment_of(call.b), alignment_of(call.c),
                                  alignment_of(call.bias)});
  const Key key{call.transa,   call.transb,   call.m,        call.n,          call.k,     call.lda, call.ldb,
                call.ldc,      call.batch,    call.stride_a, call.stride_b,   call.stride_c,
                call.bias != nullptr, alignment, bf16_copies};
  auto it = plans_.find(key);
  if (it == plans_.end()) it = plans_.emplace(key, make_plan(call, alignment, bf16_copies)).first;
  return it->second;
}

Gemm::Ready Gemm::prepare(const GemmCall& call, bool same_b, Scratch& a_copies, int a_copies_buffer, bool a_on_side) {
  written(call.c, extent(call.m, call.n, call.ldc, call.batch, call.stride_c) * sizeof(float));
  Ready ready{nullptr, call.a, call.b};
  GemmCall planned = call;
  const bool copies = bf16_factors_ && !call.fp32_factors && call.k > 0;
  std::size_t a_extent = 0;
  bool a_needs_copy = false;  // neither the parameters' copy nor an op's rounding
  if (copies) {
    // the copies start 256-byte aligned, whatever the factors' own alignment
    a_extent = call.transa ? extent(call.k, call.m, call.lda, call.batch, call.stride_a)
                           : extent(call.m, call.k, call.lda, call.batch, call.stride_a);
    // (a weight copy that starts 16-byte aligned: cuBLASLt's bf16 kernels want that)
    const bool a_is_parameter = params_copy_ != nullptr && within(call.a, a_extent, params_, params_count_) &&
                                (call.a - params_) % 8 == 0;
    int a_slot = -1, b_slot = -1;
    if (a_is_parameter) {
      ready.a = params_copy_ + (call.a - params_);
    } else if (const __nv_bfloat16* a_rounded = op_rounding(call.a, a_extent, &a_slot)) {
      ready.a = a_rounded;
      ready.a_buffer = slot_buffer(a_slot);
    } else {
      a_needs_copy = true;
    }
    const std::size_t b_extent = call.transb ? extent(call.n, call.k, call.ldb, call.batch, call.stride_b)
                                             : extent(call.k, call.n, call.ldb, call.batch, call.stride_b);
    if (const __nv_bfloat16* b_rounded = op_rounding(call.b, b_extent, &b_slot)) {
      ready.b = b_rounded;
      ready.b_buffer = slot_buffer(b_slot);
    } else {
      if (!same_b || call.b != b16_source_ || b_extent != b16_extent_) {
        before_writing(kB16Buffer);
        b16_copy_ = bf16_copy(b16_, stream_, call.b, b_extent);
        b16_source_ = call.b;
        b16_extent_ = b_extent;
      }
      ready.b = b16_copy_;  // this call's copy, or the previous call's of the same factor
      ready.b_buffer = kB16Buffer;
    }
    planned.a = reinterpret_cast<const float*>(a_is_parameter ? ready.a : nullptr);  // null: a copy's 256 bytes
    planned.b = nullptr;
  }
  Plan& plan = plan_for(planned, copies);
  ready.plan = &plan;
  if (a_needs_copy) {
    // (growing the scratch frees the copy that a pending product may be reading)
    const std::size_t copy_floats = (a_extent + 1) / 2;
    if (!a_on_side || a_copies.bytes() < copy_floats * sizeof(float)) before_writing(a_copies_buffer);
    ready.a_buffer = a_copies_buffer;
    if (a_on_side) {
      ready.round_a = reinterpret_cast<__nv_bfloat16*>(a_copies.floats(copy_floats));
      ready.a = ready.round_a;
      ready.a_source = call.a;
      ready.a_extent = a_extent;
    } else {
      ready.a = bf16_copy(a_copies, stream_, call.a, a_extent);
    }
  }
  if (call.bias) set(plan.op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, call.bias);
  return ready;
}

void Gemm::run(const GemmCall& call, bool same_b) {
  if (call.m == 0 || call.n == 0) return;
  const Ready ready = prepare(call, same_b, a16_, kNoBuffer);
  multiply(*ready.plan, ready.a, ready.b, call, stream_, workspace_);
}

void Gemm::run_sharing_b(const GemmCall& first, const GemmCall& second) {
  if (first.m == 0 || first.n == 0 || second.m == 0 || second.n == 0) {
    run(first);
    run(second, /*same_b=*/true);
    return;
  }
  // both factors' copies first, on the stream (the second's A into a scratch of its own), except
  // the second's A when its join is deferred: the side stream rounds it, after the fork
  const bool deferred = bf16_factors_ && !second.fp32_factors && second.k > 0;
  const Ready one = prepare(first, false, a16_, kNoBuffer);
  const Ready two = prepare(second, /*same_b=*/true, side_a16_, kSideA16Buffer, /*a_on_side=*/deferred);
  side_->fork();
  multiply(*one.plan, one.a, one.b, first, stream_, workspace_);
  if (two.round_a != nullptr) round_to_bf16(side_->stream(), two.round_a, two.a_source, two.a_extent);
  multiply(*two.plan, two.a, two.b, second, side_->stream(), side_workspace_);
  std::vector<int> buffers;
  for (int buffer : {two.a_buffer, two.b_buffer})
    if (buffer != kNoBuffer) buffers.push_back(buffer);
  side_->end_piece({{two.a_source, two.a_extent * sizeof(float)},
                    {second.c, extent(second.m, second.n, second.ldc, second.batch, second.stride_c) * sizeof(float)}},
                   buffers);
  if (!deferred) side_->join();
}

void Gemm::multiply(const Plan& plan, const void* a, const void* b, const GemmCall& call, cudaStream_t stream,
                    void* workspace) {
  check(cublasLtMatmul(handle_, plan.op, &call.alpha, a, plan.a, b, plan.b, &call.beta, call.c, plan.c, call.c, plan.c,
                       &plan.algo, workspace, kWorkspaceBytes, stream),
        "cublasLtMatmul");
}

}  // namespace textclass::backend::cuda
