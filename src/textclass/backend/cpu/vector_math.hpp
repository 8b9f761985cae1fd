#pragma once
// exp and Mills' ratio in plain float arithmetic (no calls; selects, not branches, once the build
// drops -ftrapping-math as CMakeLists.txt does for the backend), so that loops over them under
// `#pragma omp simd` vectorise. libm's expf and erff are scalar calls, which cost more than the rest
// of the softmax and GELU kernels. Both are accurate to a few float ulps, as the float formulas they
// replace:
//   exp_vectorizable(y)   = e^y for y <= 88; 0 below -87.3 (where e^y is subnormal or 0)
//   gaussian_pdf(a)       = φ(a) = e^(-a²/2) / sqrt(2π)
//   mills_ratio(a)        = Φ(-a) / φ(a) for a >= 0, so the Gaussian tail P(Z > a) = φ(a) · mills_ratio(a)
// The GELU kernels need Φ(x) = 0.5 (1 + erf(x / sqrt 2)) = x < 0 ? Φ(-|x|) : 1 - Φ(-|x|); written
// with the tail, it keeps full relative accuracy where 1 + erf would cancel.
#include <algorithm>
#include <bit>
#include <cstdint>

namespace textclass::backend::cpu {

// e^y = 2^k · e^r with k = round(y / ln 2) and |r| <= ln2 / 2 (Cody-Waite: ln 2 split in a part
// exact in float and the rest); e^r by its Taylor series to r^7, which is off by < 6e-9 there.
inline float exp_vectorizable(float y) {
  constexpr float log2e = 1.44269504088896341f, ln2_hi = 0.693145751953125f, ln2_lo = 1.42860682030941723e-6f;
  constexpr float round_magic = 12582912.0f;  // 1.5 · 2^23: adding and subtracting it rounds to an integer
  const float clamped = std::min(std::max(y, -87.3f), 88.0f);
  const float k = (clamped * log2e + round_magic) - round_magic;
  const float r = (clamped - k * ln2_hi) - k * ln2_lo;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const float two_to_k = std::bit_cast<float>(static_cast<uint32_t>(static_cast<int32_t>(k) + 127) << 23);
  return y < -87.3f ? 0.0f : p * two_to_k;
}

inline float gaussian_pdf(float a) { return 0.398942280401432678f * exp_vectorizable(-0.5f * a * a); }

// Mills' ratio is smooth and slowly varying (sqrt(π/2) at 0, about 1/a for large a): a Chebyshev
// series in t = 1 / (1 + a/2) over a in [0, 6], fitted at 300 Chebyshev nodes from long double
// erfc; relative error in float < 3e-7 for a < 3.5, < 6e-7 up to 6. Beyond a = 6, Φ(-a) < 1e-9
// and M(6) stands in for M(a).
inline float mills_ratio(float a) {
  constexpr int terms = 10;
  constexpr float chebyshev[terms] = {6.508411222e-01f,  5.476206717e-01f, 5.763145516e-02f, -2.227920871e-03f,
                                      -6.312361155e-04f, 7.770073647e-05f, 4.342592663e-06f, -2.235502482e-06f,
                                      2.253341995e-07f,  2.081506082e-08f};
  const float t = 1.0f / (1.0f + 0.5f * std::min(a, 6.0f));  // in [0.25, 1]
  const float u = (t - 0.25f) * (8.0f / 3.0f) - 1.0f;            // mapped to [-1, 1]
  // Clenshaw's recurrence for Σ c_j T_j(u)
  float b1 = 0.0f, b2 = 0.0f;
#pragma GCC unroll 16  // a loop inside the callers' element loops would keep them scalar
  for (int j = terms - 1; j >= 1; j--) {
    const float b0 = 2.0f * u * b1 - b2 + chebyshev[j];
    b2 = b1;
    b1 = b0;
  }
  return u * b1 - b2 + chebyshev[0];
}

}  // namespace textclass::backend::cpu
