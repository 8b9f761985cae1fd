#pragma once
// The reference for the CUDA backend's attention run on the host (its plan in cuda_plan_test.cpp,
// its fused rows in fused_attention_test.cpp): the CPU backend's attention on the same inputs.
#include <cstdint>
#include <vector>

#include "op_test.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"

namespace textclass::backend::op_test {

// Expects out and dqkv, computed from qkv, dout, mask, p and seed, to be the CPU backend's.
inline void expect_cpu_attention(const std::vector<float>& out, const std::vector<float>& dqkv,
                                 const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                                 float p, uint64_t seed, const cuda::AttentionShape& s) {
  auto cpu = make_cpu_backend(1);
  Buffer<float> qkv_d(*cpu, qkv), dout_d(*cpu, dout), out_d(*cpu, s.NC()), att_d(*cpu, s.scores()),
      dqkv_d(*cpu, 3 * s.NC());
  Buffer<int32_t> mask_d(*cpu, mask);
  cpu->attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), p, seed, s.B, s.T, s.C, s.NH);
  cpu->attention_backward(dqkv_d.get(), dout_d.get(), qkv_d.get(), out_d.get(), att_d.get(), mask_d.get(), p, seed,
                          s.B, s.T, s.C, s.NH);
  expect_close(out, to_doubles(out_d.read()), {1e-5, 1e-6}, "out");
  expect_close(dqkv, to_doubles(dqkv_d.read()), {1e-4, 1e-6}, "dqkv");
}

}  // namespace textclass::backend::op_test
