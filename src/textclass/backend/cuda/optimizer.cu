// The optimizer's ops: the sum of squares behind the global gradient norm, and AdamW.
#include <cuda_bf16.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "textclass/backend/adamw_math.hpp"
#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/kernel_launch.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/launch.cuh"
#include "textclass/backend/cuda/optimizer_kernels.cuh"
#include "textclass/backend/cuda/side_stream.cuh"

namespace textclass::backend::cuda {
namespace {

using optimizer::kUnroll;
using optimizer::SpanTable;
using optimizer::kSpansPerLaunch;

// The partial sums of x² over floats [x, x + n), one a block, into partials[0 .. blocks).
void launch_partial_sums(cudaStream_t stream, double* partials, int blocks, const float* x, std::size_t n) {
  // four floats a load where x allows it (global_grad_norm's spans may start anywhere)
  const Grid grid(blocks, kBlock, optimizer::kSumSquaresSharedBytes, stream);
  if (aligned(x, 16))
    launch(optimizer::sum_squares_partial_kernel<4>, grid, partials, x, n);
  else
    launch(optimizer::sum_squares_partial_kernel<1>, grid, partials, x, n);
  check_launch("sum_squares");
}

void launch_total(cudaStream_t stream, double* result, const double* partials, int count,
                  const double* slot_partials, const optimizer::SlotList& slots) {
  launch(optimizer::sum_partials_kernel<>, Grid(1, 32, 0, stream), result, partials, count, slot_partials, slots);
  check_launch("sum_squares (total)");
}

template <int W>
void launch_adamw(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const SpanTable& table) {
  const std::size_t groups = (table.last + W - 1) / W - table.first / W;
  launch(optimizer::adamw_kernel<W>, Grid(blocks_for((groups + kUnroll - 1) / kUnroll), kBlock, 0, stream), params,
         grads, m, v, params_bf16, table);
}

}  // namespace

void sum_squares(cudaStream_t stream, double* result, double* partials, const float* x, std::size_t n) {
  launch_partial_sums(stream, partials, kSumSquaresBlocks, x, n);
  launch_total(stream, result, partials, kSumSquaresBlocks, nullptr, optimizer::SlotList{});
}

void sum_squares_into_slot(cudaStream_t stream, double* slot_partials, const float* x, std::size_t n) {
  launch_partial_sums(stream, slot_partials, SquareSumSlots::kBlocks, x, n);
}

void sum_squares_with_slots(cudaStream_t stream, double* result, double* partials, const SquareSumSlots::Split& split,
                            const double* slot_partials) {
  if (split.gaps.size() > static_cast<std::size_t>(optimizer::kMaxGaps) ||
      split.slots.size() > static_cast<std::size_t>(SquareSumSlots::kSlots))
    throw Error("sum_squares: " + std::to_string(split.gaps.size()) + " gaps and " +
                std::to_string(split.slots.size()) + " slots exceed the kernels' tables");
  optimizer::GapTable gaps;
  gaps.before[0] = 0;
  for (const SquareSumSlots::Floats& gap : split.gaps) {
    gaps.start[gaps.count] = gap.start;
    gaps.before[gaps.count + 1] = gaps.before[gaps.count] + gap.count;
    gaps.count++;
  }
  if (gaps.count > 0) {
    launch(optimizer::sum_squares_gaps_partial_kernel<>,
           Grid(kSumSquaresBlocks, kBlock, optimizer::kSumSquaresSharedBytes, stream), partials, gaps);
    check_launch("sum_squares (between the slots)");
  }
  optimizer::SlotList slots;
  for (int slot : split.slots) slots.slot[slots.count++] = slot;
  launch_total(stream, result, partials, gaps.count > 0 ? kSumSquaresBlocks : 0, slot_partials, slots);
}

void adamw_update(cudaStream_t stream, float* params, const float* grads, float* m, float* v,
                  __nv_bfloat16* params_bf16, const std::vector<ParameterSpan>& spans, double lr, double beta1,
                  double beta2, double eps, float grad_scale, int step) {
  for (std::size_t from = 0; from < spans.size(); from += kSpansPerLaunch) {
    const SpanTable table = optimizer::span_table(spans, from, lr, beta1, beta2, eps, grad_scale, step);
    if (table.count == 0) continue;
    // four floats a load where every array allows it (Backend::alloc's do; train::AdamW aligns v too)
    if (aligned(params, 16) && aligned(grads, 16) && aligned(m, 16) && aligned(v, 16) &&
        (params_bf16 == nullptr || aligned(params_bf16, 8)))
      launch_adamw<4>(stream, params, grads, m, v, params_bf16, table);
    else
      launch_adamw<1>(stream, params, grads, m, v, params_bf16, table);
    check_launch("adamw_update");
  }
}

void adamw_update_in_pieces(SideStream& side, float* params, const float* grads, float* m, float* v,
                            __nv_bfloat16* params_bf16, const std::vector<ParameterSpan>& spans, double lr,
                            double beta1, double beta2, double eps, float grad_scale, int step) {
  // 4M parameters (30 bytes each: about 30 us at 4 TB/s), or more where there would be over 48 pieces
  // (the side stream's ring has 64 events: a wait for a piece whose event went to a later piece waits
  // for that one)
  std::size_t total = 0;
  for (const ParameterSpan& span : spans) total += span.count;
  const std::size_t kPiece = std::max(std::size_t{1} << 22, (total / 48 + 4) / 4 * 4);
  std::vector<ParameterSpan> order = spans;
  std::stable_sort(order.begin(), order.end(),
                   [](const ParameterSpan& a, const ParameterSpan& b) { return a.count < b.count; });
  side.fork();
  for (const ParameterSpan& span : order) {
    for (std::size_t done = 0; done < span.count; done += kPiece) {
      const ParameterSpan piece{span.offset + done, std::min(kPiece, span.count - done), span.weight_decay};
      adamw_update(side.stream(), params, grads, m, v, params_bf16, {piece}, lr, beta1, beta2, eps, grad_scale, step);
      const std::size_t at = piece.offset, bytes = piece.count * sizeof(float);
      side.end_piece({{params + at, bytes},
                      {grads + at, bytes},
                      {m + at, bytes},
                      {v + at, bytes},
                      {params_bf16 == nullptr ? nullptr : params_bf16 + at,
                       params_bf16 == nullptr ? 0 : piece.count * sizeof(__nv_bfloat16)}});
    }
  }
}

}  // namespace textclass::backend::cuda
