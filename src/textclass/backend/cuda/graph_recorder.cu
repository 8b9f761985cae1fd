#include "textclass/backend/cuda/graph_recorder.cuh"

#include <stdexcept>
#include <string>

#include "textclass/backend/cuda/cuda_check.cuh"

namespace textclass::backend::cuda {
namespace {

constexpr int kMaxSeeds = 4096;     // bert-base's training step draws 62
constexpr std::size_t kMaxGraphs = 512;  // one per padded length and batch size, in practice a few dozen

}  // namespace

GraphRecorder::GraphRecorder(cudaStream_t stream, bool enabled) : stream_(stream), enabled_(enabled) {
  if (!enabled_) return;
  check(cudaMallocHost(&host_seeds_, kMaxSeeds * sizeof(uint64_t)), "allocating pinned memory for seeds");
  check(cudaMalloc(&device_seeds_, kMaxSeeds * sizeof(uint64_t)), "allocating device memory for seeds");
  check(cudaEventCreateWithFlags(&launched_, cudaEventDisableTiming), "creating an event");
}

GraphRecorder::~GraphRecorder() {
  if (!enabled_) return;
  cancel();
  cudaStreamSynchronize(stream_);
  drop_all();
  cudaEventDestroy(launched_);
  cudaFree(device_seeds_);
  cudaFreeHost(host_seeds_);
}

void GraphRecorder::drop_all() {
  for (auto& [key, graph] : graphs_) cudaGraphExecDestroy(graph.exec);
  graphs_.clear();
}

void GraphRecorder::begin(uint64_t key, uint64_t generation) {
  if (mode_ != Mode::none) throw std::logic_error("CUDA backend: a recording began inside another");
  key_ = key;
  fingerprint_ = key;
  generation_ = generation;
  seeds_ = 0;
  mode_ = Mode::direct;
  if (!enabled_) return;
  // the seeds of this recording go where the last replay's copy read them from (an event never
  // recorded, before the first replay, is waited for at once)
  check(cudaEventSynchronize(launched_), "waiting for the last graph's start");
  auto found = graphs_.find(key);
  if (found != graphs_.end() && found->second.generation != generation) {
    cudaGraphExecDestroy(found->second.exec);
    graphs_.erase(found);
    found = graphs_.end();
  }
  if (found != graphs_.end()) {
    mode_ = Mode::replay;
  } else if (seen_.count(key) != 0) {
    check(cudaStreamBeginCapture(stream_, cudaStreamCaptureModeThreadLocal), "starting a CUDA graph capture");
    mode_ = Mode::capture;
  } else {
    seen_.insert(key);
  }
}

bool GraphRecorder::skip(uint64_t op_fingerprint) {
  if (mode_ != Mode::capture && mode_ != Mode::replay) return false;
  fingerprint_ = fingerprint_mix(fingerprint_, op_fingerprint);
  return mode_ == Mode::replay;
}

Seed GraphRecorder::seed(uint64_t value) {
  if (mode_ != Mode::capture && mode_ != Mode::replay) return Seed(value);
  if (seeds_ == kMaxSeeds)
    throw std::logic_error("CUDA backend: more dropout seeds in a recording than it has room for");
  host_seeds_[seeds_] = value;
  return Seed(value, device_seeds_ + seeds_++);
}

void GraphRecorder::launch(const Graph& graph) {
  if (graph.seeds > 0)
    check(cudaMemcpyAsync(device_seeds_, host_seeds_, graph.seeds * sizeof(uint64_t), cudaMemcpyHostToDevice, stream_),
          "copying a graph's dropout seeds");
  check(cudaEventRecord(launched_, stream_), "recording an event");
  check(cudaGraphLaunch(graph.exec, stream_), "launching a CUDA graph");
}

void GraphRecorder::end(uint64_t generation) {
  const Mode mode = mode_;
  mode_ = Mode::none;
  if (mode == Mode::none) throw std::logic_error("CUDA backend: a recording ended that had not begun");
  if (mode == Mode::capture) {
    cudaGraph_t captured = nullptr;
    check(cudaStreamEndCapture(stream_, &captured), "capturing a CUDA graph");
    if (generation != generation_) {
      cudaGraphDestroy(captured);
      throw std::logic_error("CUDA backend: device memory was allocated or freed inside a recording");
    }
    Graph graph{nullptr, fingerprint_, seeds_, generation};
    // (each kernel keeps its stream's priority: the weight gradients' products run below the rest)
    const cudaError_t status = cudaGraphInstantiate(&graph.exec, captured, cudaGraphInstantiateFlagUseNodePriority);
    cudaGraphDestroy(captured);
    check(status, "instantiating a CUDA graph");
    if (graphs_.size() >= kMaxGraphs) drop_all();
    graphs_[key_] = graph;
    launch(graph);
  } else if (mode == Mode::replay) {
    const Graph& graph = graphs_.at(key_);
    if (fingerprint_ != graph.fingerprint || seeds_ != graph.seeds)
      throw std::logic_error("CUDA backend: the ops recorded under key " + std::to_string(key_) +
                             " differ from the ones its graph captured (a recording key must stand for the same ops "
                             "on the same memory)");
    launch(graph);
  }
}

void GraphRecorder::cancel() {
  if (mode_ == Mode::capture) {
    cudaGraph_t captured = nullptr;
    cudaStreamEndCapture(stream_, &captured);  // unchecked: an error is already on its way up
    if (captured != nullptr) cudaGraphDestroy(captured);
    cudaGetLastError();
  }
  mode_ = Mode::none;
}

}  // namespace textclass::backend::cuda
