#pragma once
// Linear layers, as torch's nn.Linear. Shapes: inp, dinp [N,C]; weight, dweight [OC,C] (one row per
// output channel); bias, dbias [OC]; out, dout [N,OC].
//   out = inp · weightᵀ + bias                       (bias may be null)
//   dinp = dout · weight                              (overwritten; dinp may be null)
//   dweight += doutᵀ · inp,  dbias += Σ_n dout[n]     (accumulated; dbias may be null;
//                                                      dweight overwritten on request)
// The products are oneDNN's (cpu/gemm.hpp), threaded by oneDNN on the OpenMP team: fp32, or of
// inputs rounded to bf16 with fp32 sums.
#include "textclass/backend/backend.hpp"  // GradientWrite
#include "textclass/backend/cpu/gemm.hpp"

namespace textclass::backend::cpu {

enum class Products { fp32, bf16 };

void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int OC,
                    Products products);

// The same in bf16 with a weight packed once (inference), the bias added in the same pass.
void matmul_forward(float* out, const float* inp, const PackedBf16Weight& weight, const float* bias, int N);

void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int N, int C, int OC, GradientWrite dweight_write, Products products);

// sums[c] += Σ_n x[n, c] (a bias gradient), summed in double down each column.
void add_column_sums(float* sums, const float* x, int N, int C);

}  // namespace textclass::backend::cpu
