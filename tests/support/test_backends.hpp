#pragma once
// The backends the numerical tests run on: "cpu" always, "cpu-keeps-qkv" (the CPU with an attention
// that keeps its own copy of qkv, as the CUDA backend's tensor-core attention does, so that the
// model shares qkv's memory among the layers, and that runs on the packed rows of tokens, as it
// does too; packed tokens rounded up to 8 rows as the CUDA backend rounds them up to 64),
// "cpu-on-rows" (the same on rows, but keeping no copy of qkv: the model keeps each layer's), and
// "cuda" (fp32) in builds with the CUDA backend ("cuda-tf32" and
// "cuda-bf16" for the tensor-core tests, bf16 with the backend's defaults, attention in
// tensor_core_attention.cuh's kernels among them, "cuda-bf16-rounded-weights" bf16 with each
// product rounding its weights instead of reading AdamW's bf16 copy of the parameters,
// "cuda-bf16-fused-rounding" bf16 with the ops writing the products' bf16 inputs
// (cuda_backend.hpp's fused_rounding, as by default; "-graphs" with CUDA graphs of recordings),
// "cuda-bf16-separate-rounding" bf16 with the products rounding their own inputs,
// "cuda-bf16-autotune" bf16 with the products' algorithms timed and chosen (gemm.cuh's autotuning),
// "cuda-bf16-reading-qkv" bf16 with the tensor-core attention's backward pass reading qkv instead
// of keeping its bf16 copy, "cuda-bf16-padded-attention" bf16 with the tensor-core attention on
// the padded layout instead of the packed rows of tokens (cuda_backend.hpp's attention_on_rows),
// "cuda-bf16-one-stream" bf16 with a linear layer's two backward products one after the other
// instead of side by side ("-graphs" with CUDA graphs), "cuda-bf16-prompt-joins" bf16 with the
// two side by side but joined right after them (cuda_backend.hpp's deferred_joins off),
// "cuda-bf16-overlapped-updates" bf16 with AdamW on a second stream in pieces beside the next
// ops (cuda_backend.hpp's overlapped_updates); "cuda" makes CUDA
// graphs of recordings, "cuda-direct" is fp32 without them, "cuda-fused" fp32 with recordings and
// fused_attention.cuh's kernels). A BackendTest skips a backend this machine cannot run (a CUDA
// build on a machine without a GPU, as in CI) and says why.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"

namespace textclass::testing {

std::vector<std::string> backend_names();

// Empty when the named backend can run here; otherwise why not.
std::string backend_unavailable_reason(const std::string& name);

std::unique_ptr<backend::Backend> make_test_backend(const std::string& name);

// A test parametrised by a backend's name: SetUp makes the backend, or skips the test saying why
// it cannot run here.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string why_not = backend_unavailable_reason(GetParam());
    if (!why_not.empty()) GTEST_SKIP() << GetParam() << ": " << why_not;
    backend_ = make_test_backend(GetParam());
  }
  backend::Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<backend::Backend> backend_;
};

// The backend's name as a test name ("cuda-bf16" becomes "cuda_bf16": gtest allows no '-').
inline std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
}

}  // namespace textclass::testing
