#pragma once
// Matrix products through cuBLASLt, in its column-major terms: C = alpha·op(A)·op(B) + beta·C
// (+ bias[m] added to every column), optionally as a strided batch. The backend's row-major
// tensors are the transposes of column-major ones, which matmul.cu and attention.cu spell out.
// Plans (descriptors and the heuristic's algorithm) are made once per shape and kept.
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <map>
#include <tuple>

#include "textclass/backend/cuda/cuda_backend.hpp"

namespace textclass::backend::cuda {

struct GemmCall {
  bool transa = false, transb = false;
  int m = 0, n = 0, k = 0;
  const float* a = nullptr;  // stored k x m when transa, else m x k
  int lda = 0;
  const float* b = nullptr;  // stored n x k when transb, else k x n
  int ldb = 0;
  float* c = nullptr;  // m x n
  int ldc = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* bias = nullptr;  // [m] or null
  int batch = 1;                // with strides between the batch's matrices, in floats
  int64_t stride_a = 0, stride_b = 0, stride_c = 0;
};

class Gemm {
 public:
  Gemm(cudaStream_t stream, Precision precision);
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;

  void run(const GemmCall& call);
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
  cublasComputeType_t compute_;
  cublasLtHandle_t handle_ = nullptr;
  void* workspace_ = nullptr;
  std::map<Key, Plan> plans_;
};

}  // namespace textclass::backend::cuda
