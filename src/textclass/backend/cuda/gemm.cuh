#pragma once
// Runs GemmCalls (gemm_call.hpp) through cuBLASLt. Plans (descriptors and the heuristic's
// algorithm) are made once per shape and kept. In bf16 precision the two factors are first rounded
// to bf16 copies (as cuBLAS's FAST_16BF would round them, but its kernels for fp32 storage run at
// TF32 speed, about a third of bf16's), and the product is summed and stored in fp32.
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <map>
#include <tuple>

#include "textclass/backend/cuda/cuda_backend.hpp"
#include "textclass/backend/cuda/gemm_call.hpp"
#include "textclass/backend/cuda/scratch.cuh"

namespace textclass::backend::cuda {


class Gemm {
 public:
  Gemm(cudaStream_t stream, Precision precision);
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;

  void run(const GemmCall& call);
  // cuBLASLt's workspace and the bf16 copies of the factors
  std::size_t workspace_bytes() const;

 private:
  struct Plan {
    cublasLtMatmulDesc_t op = nullptr;
    cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr;
    cublasLtMatmulAlgo_t algo{};
  };
  // Everything a plan depends on: shapes, strides, epilogue and the pointers' alignments.
  using Key = std::tuple<bool, bool, int, int, int, int, int, int, int, int64_t, int64_t, int64_t, bool, int>;
  Plan& plan_for(const GemmCall& call);
  Plan make_plan(const GemmCall& call, int alignment);

  cudaStream_t stream_;
  bool bf16_factors_;
  cublasComputeType_t compute_;
  cublasLtHandle_t handle_ = nullptr;
  void* workspace_ = nullptr;
  std::map<Key, Plan> plans_;
  Scratch a16_, b16_;  // the bf16 copies of A and B (bf16 precision only)
};

}  // namespace textclass::backend::cuda
