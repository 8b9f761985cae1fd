#pragma once
// BERT's pre-tokenizer (tokenizers' BertPreTokenizer): split normalized text into words at
// whitespace, which is dropped, and around each punctuation character, which becomes a word of
// its own: "don't stop-believing..." -> don ' t stop - believing . . .
#include <array>
#include <cstdint>
#include <string_view>

#include "textclass/text/unicode.hpp"

namespace textclass::text {

enum class CharClass : std::uint8_t { word, space, punctuation };

// The class of each ASCII byte, computed once.
const std::array<CharClass, 128>& ascii_char_classes();

inline CharClass char_class(char32_t cp) {
  if (cp < 128) return ascii_char_classes()[cp];
  if (is_whitespace(cp)) return CharClass::space;
  if (is_punctuation(cp)) return CharClass::punctuation;
  return CharClass::word;
}

// Calls on_word(std::string_view) for each word of `text` (valid UTF-8), left to right, while it
// returns true. The views point into `text`.
template <class OnWord>
void for_each_word(std::string_view text, OnWord&& on_word) {
  const std::array<CharClass, 128>& ascii = ascii_char_classes();
  std::size_t word_begin = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t char_begin = i;
    const auto byte = static_cast<unsigned char>(text[i]);
    const CharClass cls = byte < 0x80 ? ascii[byte] : char_class(next_code_point(text, i));
    if (byte < 0x80) ++i;
    if (cls == CharClass::word) continue;
    if (char_begin > word_begin && !on_word(text.substr(word_begin, char_begin - word_begin))) return;
    if (cls == CharClass::punctuation && !on_word(text.substr(char_begin, i - char_begin))) return;
    word_begin = i;
  }
  if (text.size() > word_begin) on_word(text.substr(word_begin));
}

}  // namespace textclass::text
