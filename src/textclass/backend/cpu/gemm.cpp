#include "textclass/backend/cpu/gemm.hpp"

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.h>
#include <omp.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace textclass::backend::cpu {
namespace {

// x rounded to the nearest bf16, ties to even (finite inputs; NaN stays NaN).
uint16_t to_bf16(float x) {
  const uint32_t bits = std::bit_cast<uint32_t>(x);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40);
  return static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// The rows x cols matrix at m (row stride ld) in bf16, packed the same way (stride ld kept).
void round_to_bf16(std::vector<uint16_t>& out, const float* m, int rows, int cols, int ld) {
  out.resize(static_cast<std::size_t>(rows) * ld);
#pragma omp parallel for
  for (int r = 0; r < rows; r++) {
    const float* row = m + static_cast<std::size_t>(r) * ld;
    uint16_t* to = out.data() + static_cast<std::size_t>(r) * ld;
    for (int c = 0; c < cols; c++) to[c] = to_bf16(row[c]);
  }
}

// op(X) [rows, cols] of a matrix stored with row stride ld, as oneDNN strides.
dnnl::memory::desc operand(Op op, int rows, int cols, int ld, dnnl::memory::data_type type) {
  const dnnl::memory::dims strides = op == Op::none ? dnnl::memory::dims{ld, 1} : dnnl::memory::dims{1, ld};
  return dnnl::memory::desc({rows, cols}, type, strides);
}

using type = dnnl::memory::data_type;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// C [M,N] = a · b + bias + beta · C (bias [N] or null, beta 0 or 1) by oneDNN's matmul, a [M,K] and
// b [K,N] stored as their descriptions say, C in fp32 with row stride ldc. The bias is added to each
// fp32 sum once, as torch's addmm adds it.
void matmul_product(const dnnl::memory::desc& a, void* a_data, const dnnl::memory::desc& b, void* b_data,
                  const float* bias, float beta, float* C, int ldc) {
  if (beta != 0.0f && beta != 1.0f) throw std::logic_error(fmt::format("matmul_product: beta {} is not 0 or 1", beta));
  const dnnl::memory::dim M = a.dims()[0], N = b.dims()[1];
  const dnnl::memory::desc c = operand(Op::none, static_cast<int>(M), static_cast<int>(N), ldc, type::f32);
  const dnnl::memory::desc bias_desc =
      bias != nullptr ? operand(Op::none, 1, static_cast<int>(N), static_cast<int>(N), type::f32) : dnnl::memory::desc();
  dnnl::primitive_attr attr;
  if (beta == 1.0f) {
    dnnl::post_ops sum;
    sum.append_sum(1.0f);
    attr.set_post_ops(sum);
  }
  // oneDNN keeps made primitives in its cache: the same shape again costs a lookup.
  const dnnl::matmul product(
      dnnl::matmul::primitive_desc(dnnl::matmul::desc(a, b, bias_desc, c), attr, cpu_engine()));
  dnnl::stream stream(cpu_engine());
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, dnnl::memory(a, cpu_engine(), a_data)},
                                                 {DNNL_ARG_WEIGHTS, dnnl::memory(b, cpu_engine(), b_data)},
                                                 {DNNL_ARG_DST, dnnl::memory(c, cpu_engine(), C)}};
  if (bias != nullptr) args.emplace(DNNL_ARG_BIAS, dnnl::memory(bias_desc, cpu_engine(), const_cast<float*>(bias)));
  product.execute(stream, args);
  stream.wait();
}

}  // namespace

namespace {

void sgemm(Op op_a, Op op_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
           float beta, float* C, int ldc) {
  const char ta = op_a == Op::transpose ? 'T' : 'N', tb = op_b == Op::transpose ? 'T' : 'N';
  const dnnl_status_t status = dnnl_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (status != dnnl_success)
    throw std::logic_error(fmt::format("oneDNN sgemm({}, {}, M={}, N={}, K={}, lda={}, ldb={}, ldc={}) failed: status {}",
                                       ta, tb, M, N, K, lda, ldb, ldc, static_cast<int>(status)));
}

// Below this many multiply-adds a product runs on one thread: a team would cost more than it saves.
constexpr double kSplitMinimum = 1 << 20;

}  // namespace

void gemm(Op op_a, Op op_b, int M, int N, int K, float alpha, const float* A, int lda, const float* B, int ldb,
          float beta, float* C, int ldc) {
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  // Each thread computes its own block of C with a one-thread sgemm, C split along its longer side so
  // that each thread reads all of the smaller operand and only its share of the larger. oneDNN's own
  // split of one product over the team is slower here, most where B is transposed (a linear layer's
  // forward, y = x Wᵀ): 290 against 360 GFLOP/s for BERT's FFN output at 1,024 rows on 2 threads,
  // 93 against 227 at 64 rows (bench/RESULTS.md, 2026-12-07).
  const bool by_columns = N > M;
  const int split = by_columns ? N : M;
  if (threads == 1 || static_cast<double>(M) * N * K < kSplitMinimum || split < 16 * threads) {
    sgemm(op_a, op_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  std::exception_ptr failure;
#pragma omp parallel num_threads(threads)
  {
    // Block boundaries on multiples of 16 floats (a cache line of C), the last block takes the rest.
    const int t = omp_get_thread_num();
    const int begin = split / 16 * t / threads * 16;
    const int end = t == threads - 1 ? split : split / 16 * (t + 1) / threads * 16;
    try {
      if (by_columns) {
        const float* b = op_b == Op::none ? B + begin : B + static_cast<std::size_t>(begin) * ldb;
        sgemm(op_a, op_b, M, end - begin, K, alpha, A, lda, b, ldb, beta, C + begin, ldc);
      } else {
        const float* a = op_a == Op::none ? A + static_cast<std::size_t>(begin) * lda : A + begin;
        sgemm(op_a, op_b, end - begin, N, K, alpha, a, lda, B, ldb, beta, C + static_cast<std::size_t>(begin) * ldc,
              ldc);
      }
    } catch (...) {
#pragma omp critical
      failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

const char* bf16_products_unavailable_reason() {
  if (__builtin_cpu_supports("avx512bf16")) return "";
  return "this processor has no AVX512-BF16";
}

void gemm_bf16(Op op_a, Op op_b, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float beta,
               float* C, int ldc) {
  // A and B as stored: op(A) [M,K] is A [M,K] or A [K,M] transposed, and the same for B.
  thread_local std::vector<uint16_t> a16, b16;
  round_to_bf16(a16, A, op_a == Op::none ? M : K, op_a == Op::none ? K : M, lda);
  round_to_bf16(b16, B, op_b == Op::none ? K : N, op_b == Op::none ? N : K, ldb);
  matmul_product(operand(op_a, M, K, lda, type::bf16), a16.data(), operand(op_b, K, N, ldb, type::bf16), b16.data(),
               nullptr, beta, C, ldc);
}

PackedBf16Weight::PackedBf16Weight(const float* weight, int OC, int C) : OC_(OC), C_(C) {
  std::vector<uint16_t> plain;
  round_to_bf16(plain, weight, OC, C, C);
  // The layout oneDNN picks for these weights (it does not depend on the rows of the input).
  const dnnl::memory::desc any({C, OC}, type::bf16, dnnl::memory::format_tag::any);
  const dnnl::matmul::primitive_desc layout(
      dnnl::matmul::desc(operand(Op::none, 1, C, C, type::bf16), any, operand(Op::none, 1, OC, OC, type::f32)),
      cpu_engine());
  packed_ = dnnl::memory(layout.weights_desc(), cpu_engine());
  dnnl::memory from(operand(Op::transpose, C, OC, C, type::bf16), cpu_engine(), plain.data());
  dnnl::stream stream(cpu_engine());
  dnnl::reorder(from, packed_).execute(stream, from, packed_);
  stream.wait();
}

void linear_bf16(int M, const float* A, const PackedBf16Weight& weight, const float* bias, float* C) {
  const int K = weight.C();
  thread_local std::vector<uint16_t> a16;
  round_to_bf16(a16, A, M, K, K);
  matmul_product(operand(Op::none, M, K, K, type::bf16), a16.data(), weight.packed().get_desc(),
                 weight.packed().get_data_handle(), bias, 0.0f, C, weight.OC());
}

}  // namespace textclass::backend::cpu
