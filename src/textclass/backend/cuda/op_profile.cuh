#pragma once
// Time per op, for finding what to make faster: when enabled (CudaOptions::profile), every op of
// the CUDA backend is timed on the GPU between two CUDA events and on the host from its call to its
// return, and the backend prints a table (op, calls, GPU total, GPU and host time per
// call, share) to stderr when it is destroyed. Where an op's host time is near its GPU time, the GPU
// waited for the host; the "wait" row is the host's time blocked in synchronisation.
// Disabled, it costs one branch per op.
#include <cuda_runtime.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "textclass/backend/cuda/event_pool.cuh"

namespace textclass::backend::cuda {

class OpProfile {
 public:
  OpProfile(cudaStream_t stream, bool enabled);
  ~OpProfile();
  OpProfile(const OpProfile&) = delete;
  OpProfile& operator=(const OpProfile&) = delete;

  // Times the GPU work queued between its construction and destruction under `op`.
  class Scope {
   public:
    Scope(OpProfile* profile, const char* op);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    OpProfile* profile_;  // null when profiling is off
    const char* op_;
    cudaEvent_t start_ = nullptr;
    std::chrono::steady_clock::time_point host_start_;
  };
  Scope time(const char* op) { return Scope(enabled_ ? this : nullptr, op); }

  // Adds the times of finished ops to the totals (call after a synchronisation).
  void collect();

 private:
  struct Pending {
    const char* op;
    cudaEvent_t start, stop;
  };
  struct Total {
    long calls = 0;
    double milliseconds = 0.0;       // on the GPU, of the calls collected
    double host_milliseconds = 0.0;  // on the host, of every call
  };
  void print() const;

  cudaStream_t stream_;
  bool enabled_;
  std::vector<Pending> pending_;
  EventPool events_{cudaEventDefault};
  std::map<std::string, Total> totals_;
};

}  // namespace textclass::backend::cuda
