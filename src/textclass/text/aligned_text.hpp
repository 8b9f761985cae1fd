#pragma once
// Normalized text that remembers where each of its bytes came from, as tokenizers'
// NormalizedString does with its alignments: every byte of a normalized character carries the byte
// range of the original character it stands for (all bytes of one character carry the same range).
// A token of the normalized text then came from the first byte's start to the last byte's end, which
// is how tokenizers maps a token back to the text it was given.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "textclass/text/byte_range.hpp"

namespace textclass::text {

struct AlignedText {
  std::string text;
  std::vector<ByteRange> origin;  // one per byte of text, in bytes of the whole original text
  std::size_t base = 0;           // where the original piece starts in the whole text

  // `piece` (valid UTF-8) as it is, starting at byte `piece_begin` of the whole text.
  void assign(std::string_view piece, std::size_t piece_begin);

  // Where text[begin, end) came from (end > begin).
  ByteRange original(std::size_t begin, std::size_t end) const { return {origin[begin].begin, origin[end - 1].end}; }
};

}  // namespace textclass::text
