#include "textclass/backend/cpu/optimizer.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "textclass/backend/adamw_math.hpp"

namespace textclass::backend::cpu {
namespace {

[[gnu::always_inline]] inline void adamw_span(float* params, const float* grads, float* m, float* v, std::size_t n,
                                              const AdamWScalars* scalars) {
#pragma omp simd
  for (std::size_t i = 0; i < n; i++) adamw_element(params[i], grads[i], m[i], v[i], *scalars);
}

}  // namespace

// Fixed blocks, each summed by one thread, then the blocks' sums in order: the total does not
// depend on how many threads there are or when each finishes (an OpenMP reduction's would).
double sum_squares(const float* x, std::size_t n) {
  constexpr std::size_t kBlock = std::size_t{1} << 16;
  std::vector<double> block_sums((n + kBlock - 1) / kBlock, 0.0);
#pragma omp parallel for schedule(static)
  for (std::size_t b = 0; b < block_sums.size(); b++) {
    const std::size_t end = std::min(n, (b + 1) * kBlock);
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (std::size_t i = b * kBlock; i < end; i++) sum += static_cast<double>(x[i]) * x[i];
    block_sums[b] = sum;
  }
  return std::accumulate(block_sums.begin(), block_sums.end(), 0.0);
}

void adamw_update(float* params, const float* grads, float* m, float* v, std::size_t n, double lr, double beta1,
                  double beta2, double eps, double weight_decay, float grad_scale, int step, Isa isa) {
  const AdamWScalars scalars = adamw_scalars(lr, beta1, beta2, eps, weight_decay, grad_scale, step);
  const auto span = IsaVariants<adamw_span>::pick(isa);
  for_each_chunk(n, [&](std::size_t b, std::size_t e) { span(params + b, grads + b, m + b, v + b, e - b, &scalars); });
}

}  // namespace textclass::backend::cpu
