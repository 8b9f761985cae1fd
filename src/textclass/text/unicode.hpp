#pragma once
// The character classes BERT's tokenizer is defined by, as HuggingFace `tokenizers` (the fast
// tokenizer transformers 5 uses) implements them, plus the UTF-8 decoding they all need.
// Categories, case and decomposition come from utf8proc (Unicode 15 in utf8proc 2.8). tokenizers'
// category tables are older, so code points assigned since can be classed differently there.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace textclass::text {

// Throws textclass::Error("invalid UTF-8 at byte N") (N counts from 1) unless `text` is valid
// UTF-8: no stray continuation bytes, truncated sequences, overlong forms, surrogates or code
// points above U+10FFFF. Every other function here assumes valid UTF-8.
void require_valid_utf8(std::string_view text);

// Decodes the code point that starts at text[i] (valid UTF-8) and moves i past it.
inline char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    i += 1;
    return b0;
  }
  if (b0 < 0xE0) {
    const char32_t cp = (char32_t(b0 & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    i += 2;
    return cp;
  }
  if (b0 < 0xF0) {
    const char32_t cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    i += 3;
    return cp;
  }
  const char32_t cp = (char32_t(b0 & 0x07) << 18) | (char32_t(byte(i + 1) & 0x3F) << 12) |
                      (char32_t(byte(i + 2) & 0x3F) << 6) | (byte(i + 3) & 0x3F);
  i += 4;
  return cp;
}

void append_utf8(char32_t cp, std::string& out);

inline bool is_utf8_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Unicode White_Space (Rust's char::is_whitespace), which tokenizers uses for splitting.
bool is_whitespace(char32_t cp);

// What clean_text deletes: categories Cc, Cf and Co, except \t \n \r (whitespace to BERT).
// tokenizers' is_other() leaves out Cn (unassigned) and Cs, so unassigned code points survive.
bool is_control(char32_t cp);

// BERT's _is_punctuation: every non-alphanumeric printable ASCII character (so $ + < = > ^ ` | ~
// count although Unicode calls them symbols) and the Unicode categories Pc Pd Ps Pe Pi Pf Po.
bool is_punctuation(char32_t cp);

// The CJK Unified Ideographs blocks BERT surrounds with spaces (not kana, not hangul).
bool is_chinese_char(char32_t cp);

bool is_nonspacing_mark(char32_t cp);  // category Mn, what strip_accents deletes after NFD

// GPT-2's pre-tokenizer regex classes: \p{L} (any letter category) and \p{N} (any number).
bool is_letter(char32_t cp);
bool is_number(char32_t cp);

// The regex class \w as Rust's regex crate has it (letters, marks, Nd/Nl numbers, connector
// punctuation, ZWJ/ZWNJ), which decides where an added token with single_word may match.
bool is_word_char(char32_t cp);

// Full lower-case mapping as Rust's char::to_lowercase: utf8proc's simple mapping, except that
// U+0130 (İ) becomes two code points, "i" + U+0307, as SpecialCasing.txt says.
void append_lowercase(char32_t cp, std::string& out);

// Canonical decomposition (NFD) of valid UTF-8, with combining marks in canonical order.
std::u32string nfd(std::string_view text);

}  // namespace textclass::text
