#pragma once
// CUDA graphs for the backend's recordings (Backend::begin_recording): a training step's forward
// and backward passes are about 600 launches, whose host-side cost (the driver's and cuBLASLt's,
// 5-60 us an op) is about half the GPU's time for them at batch 16 on an H200; once the GPU's time
// falls below the host's, launching them one by one is what limits the step. The first time a key
// comes its ops run one by one (so their kernels are loaded, cuBLASLt's plans made and the scratch
// grown); the second time they are captured as a CUDA graph, and from then on the graph is
// replayed. A replay still hears every op (the model's code runs as ever), but only to fingerprint
// it, which checks the caller's promise that a key stands for the same ops on the same memory,
// and to write its dropout seed into pinned memory; the replay copies those seeds to the device
// addresses the graph's kernels read them from (seed.cuh), then launches the graph.
// A graph is dropped when memory it uses may have moved: its owner's `generation` changes on
// every free and every growth of its scratch. Off unless TEXTCLASS_CUDA_GRAPHS=1 (cuda_backend.hpp
// says why); off, a recording runs every op directly.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "textclass/backend/cuda/seed.cuh"

namespace textclass::backend::cuda {

// A hash of an op's name (its string literal's address) and arguments (pointers and numbers).
inline uint64_t fingerprint_mix(uint64_t hash, uint64_t value) {
  hash ^= value + 0x9E3779B97F4A7C15ull + (hash << 6) + (hash >> 2);
  return hash;
}
template <typename Arg>
uint64_t fingerprint_bits(Arg arg) {
  if constexpr (std::is_pointer_v<Arg>) return reinterpret_cast<std::uintptr_t>(arg);
  else if constexpr (std::is_same_v<Arg, float>) {
    uint32_t bits = 0;
    std::memcpy(&bits, &arg, sizeof(bits));  // the CUDA sources are C++17: no std::bit_cast
    return bits;
  }
  else return static_cast<uint64_t>(arg);
}
template <typename... Args>
uint64_t fingerprint(const char* op, Args... args) {
  uint64_t hash = reinterpret_cast<std::uintptr_t>(op);
  ((hash = fingerprint_mix(hash, fingerprint_bits(args))), ...);
  return hash;
}

class GraphRecorder {
 public:
  GraphRecorder(cudaStream_t stream, bool enabled);
  ~GraphRecorder();
  GraphRecorder(const GraphRecorder&) = delete;
  GraphRecorder& operator=(const GraphRecorder&) = delete;

  void begin(uint64_t key, uint64_t generation);
  // Every op of the backend asks this first, with its fingerprint: true when a graph replays the
  // op, which must then launch nothing.
  bool skip(uint64_t op_fingerprint);
  // The seed an op passes to its kernels (an op with a seed calls this before skip).
  Seed seed(uint64_t value);
  // Ends the recording: captures and launches, or replays, or (the first time) nothing more.
  void end(uint64_t generation);
  // Ends a recording that an exception interrupted, launching nothing.
  void cancel();
  bool active() const { return mode_ != Mode::none; }
  // Whether recordings become graphs at all (else begin and end only mark the recording).
  bool enabled() const { return enabled_; }

 private:
  enum class Mode { none, direct, capture, replay };
  struct Graph {
    cudaGraphExec_t exec = nullptr;
    uint64_t fingerprint = 0;  // of the captured ops, in order
    int seeds = 0;
    uint64_t generation = 0;
  };
  void launch(const Graph& graph);
  void drop_all();

  cudaStream_t stream_;
  bool enabled_;
  Mode mode_ = Mode::none;
  uint64_t key_ = 0, fingerprint_ = 0, generation_ = 0;
  int seeds_ = 0;
  uint64_t* host_seeds_ = nullptr;    // pinned
  uint64_t* device_seeds_ = nullptr;
  cudaEvent_t launched_ = nullptr;    // the last replay's seed copy: host_seeds_ are free after it
  std::unordered_map<uint64_t, Graph> graphs_;
  std::unordered_set<uint64_t> seen_;  // keys run directly once
};

}  // namespace textclass::backend::cuda
