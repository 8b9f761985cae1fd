#pragma once
// The reference for the CUDA backend's padded attention run on the host (its plan, in
// cuda_plan_test.cpp): the CPU backend's attention on the same tokens, packed into rows.
#include <cstdint>
#include <vector>

#include "op_test.hpp"
#include "textclass/backend/cuda/attention_plan.hpp"

namespace textclass::backend::op_test {

// Expects out and dqkv [B,T,...], computed on the padded layout from qkv, dout, the prefix mask, p
// and seed, to be the CPU backend's for every real token (padding queries, which the CPU never
// computes, are not compared; dout must be zero there, as the model's is, for dqkv to agree).
inline void expect_cpu_attention(const std::vector<float>& out, const std::vector<float>& dqkv,
                                 const std::vector<float>& qkv, const std::vector<float>& dout, const Ints& mask,
                                 float p, uint64_t seed, const cuda::AttentionShape& s) {
  const int C = s.C;
  Ints starts(s.B + 1, 0), padded_row;  // the rows of real tokens and where each lies in the padded layout
  for (std::size_t i = 0; i < mask.size(); i++) {
    if (mask[i] == 0) continue;
    starts[i / s.T + 1] = static_cast<int32_t>(padded_row.size()) + 1;
    padded_row.push_back(static_cast<int32_t>(i));
  }
  for (int b = 1; b <= s.B; b++) starts[b] = std::max(starts[b], starts[b - 1]);
  const int M = static_cast<int>(padded_row.size());
  auto packed = [&](const std::vector<float>& padded, int width) {
    std::vector<float> rows(static_cast<std::size_t>(M) * width);
    for (int r = 0; r < M; r++)
      std::copy_n(padded.begin() + static_cast<std::size_t>(padded_row[r]) * width, width,
                  rows.begin() + static_cast<std::size_t>(r) * width);
    return rows;
  };
  auto cpu = make_cpu_backend(1);
  Buffer<float> qkv_d(*cpu, packed(qkv, 3 * C)), dout_d(*cpu, packed(dout, C)),
      out_d(*cpu, static_cast<std::size_t>(M) * C), att_d(*cpu, cpu->attention_saved_floats(s.B, s.T, C, s.NH)),
      dqkv_d(*cpu, static_cast<std::size_t>(M) * 3 * C);
  Buffer<int32_t> mask_d(*cpu, mask), starts_d(*cpu, starts);
  cpu->attention_forward(out_d.get(), att_d.get(), qkv_d.get(), mask_d.get(), starts_d.get(), M, p, seed, s.B, s.T, C,
                         s.NH);
  cpu->attention_backward(dqkv_d.get(), dout_d.get(), out_d.get(), att_d.get(), mask_d.get(), starts_d.get(), M, p,
                          seed, s.B, s.T, C, s.NH);
  expect_close(packed(out, C), to_doubles(out_d.read()), {1e-5, 1e-6}, "out");
  expect_close(packed(dqkv, 3 * C), to_doubles(dqkv_d.read()), {1e-4, 1e-6}, "dqkv");
}

}  // namespace textclass::backend::op_test
