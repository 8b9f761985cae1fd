#pragma once
// A range [begin, end) of bytes of a text: where a token, a word or a character lies in it.
#include <cstddef>

namespace textclass::text {

struct ByteRange {
  std::size_t begin = 0, end = 0;
  bool operator==(const ByteRange&) const = default;
};

}  // namespace textclass::text
