#pragma once
// CUDA and cuBLAS status codes turned into textclass::Error, with what was being done.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>

#include "textclass/error.hpp"

namespace textclass::backend::cuda {

inline void check(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  std::string message = std::string("CUDA: ") + what + ": " + cudaGetErrorString(status);
  // Kernels run asynchronously, so a fault is reported by a later call, not the kernel's.
  if (status == cudaErrorIllegalAddress || status == cudaErrorLaunchFailure || status == cudaErrorMisalignedAddress)
    message += " (a kernel queued earlier failed; CUDA_LAUNCH_BLOCKING=1 makes the failing launch report it)";
  throw Error(message);
}

inline void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) throw Error(std::string("cuBLASLt: ") + what + ": " + cublasGetStatusName(status));
}

// After a kernel launch: a bad launch configuration shows at once; a fault in the kernel shows at
// the next synchronisation, named by the call that synchronises.
inline void check_launch(const char* kernel) { check(cudaGetLastError(), kernel); }

}  // namespace textclass::backend::cuda
