#pragma once
// IEEE half (F16) and bfloat16 (BF16) to fp32, for checkpoints stored in 16 bits. Both convert
// exactly: every 16-bit value is representable in fp32.
#include <bit>
#include <cstdint>

namespace textclass::model {

// bfloat16 is the top half of an fp32: the same sign, exponent and leading 7 mantissa bits.
inline float bf16_to_float(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

// F16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits. Subnormals are renormalised,
// since fp32's wider exponent holds them as normal numbers; inf and NaN keep their payload.
inline float f16_to_float(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7F800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    exponent = 127 - 15 + 1;
    while ((mantissa & 0x400u) == 0) {  // shift the leading 1 up to the implicit-bit position
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3FFu;
    return std::bit_cast<float>(sign | (exponent << 23) | (mantissa << 13));
  }
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

}  // namespace textclass::model
