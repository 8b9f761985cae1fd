#pragma once
// A read-only hash map from token text to id, built once from a vocabulary. Open addressing with
// linear probing over one array of slots, keys packed in one string: a lookup of a string_view
// allocates nothing, which is what WordPiece's many prefix lookups need.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace textclass::text {

// Token texts and their ids, as a vocabulary lists them.
using TokenEntries = std::vector<std::pair<std::string_view, std::int32_t>>;

class TokenTable {
 public:
  TokenTable() = default;
  // Later entries win over earlier ones with the same text, as in a Python dict.
  explicit TokenTable(const TokenEntries& entries);

  // The id of `token`, or -1 if it is not in the table.
  std::int32_t find(std::string_view token) const noexcept;

  std::size_t size() const { return size_; }
  std::size_t longest_token_bytes() const { return longest_; }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t offset = 0;  // into keys_
    std::uint32_t length = 0;
    std::int32_t id = -1;  // -1: empty
  };

  std::string keys_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::size_t longest_ = 0;
};

}  // namespace textclass::text
