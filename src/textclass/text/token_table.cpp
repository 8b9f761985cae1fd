#include "textclass/text/token_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace textclass::text {
namespace {

// A multiply-xorshift hash over 8-byte words: tokens are short, so the tail load dominates.
std::uint64_t hash_bytes(std::string_view s) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (s.size() * 0xC2B2AE3D27D4EB4Full);
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ word) * 0x94D049BB133111EBull;
  }
  h ^= h >> 32;
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 29);
}

}  // namespace

TokenTable::TokenTable(const TokenEntries& entries) {
  // At most half full, so probe runs stay short.
  const std::size_t capacity = std::bit_ceil(std::max<std::size_t>(16, entries.size() * 2));
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (const auto& [token, id] : entries) {
    const std::uint64_t hash = hash_bytes(token);
    std::size_t index = hash & mask_;
    while (true) {
      Slot& slot = slots_[index];
      if (slot.id < 0) {
        slot = Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(keys_.size()),
                    static_cast<std::uint32_t>(token.size()), id};
        keys_.append(token);
        ++size_;
        longest_ = std::max(longest_, token.size());
        break;
      }
      if (slot.hash == static_cast<std::uint32_t>(hash >> 32) && slot.length == token.size() &&
          std::memcmp(keys_.data() + slot.offset, token.data(), token.size()) == 0) {
        slot.id = id;
        break;
      }
      index = (index + 1) & mask_;
    }
  }
}

std::int32_t TokenTable::find(std::string_view token) const noexcept {
  if (slots_.empty()) return -1;
  const std::uint64_t hash = hash_bytes(token);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t index = hash & mask_;; index = (index + 1) & mask_) {
    const Slot& slot = slots_[index];
    if (slot.id < 0) return -1;
    if (slot.hash == tag && slot.length == token.size() &&
        std::memcmp(keys_.data() + slot.offset, token.data(), token.size()) == 0) {
      return slot.id;
    }
  }
}

}  // namespace textclass::text
