#pragma once
// The ByteLevel pre-tokenizer (GPT-2, RoBERTa, ModernBERT): split text into words with GPT-2's
// regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (matched here by hand, alternative by alternative, as the regex engine tries them), then write
// each byte of a word as one printable character of GPT-2's byte alphabet: "Ġhello" for " hello".
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "textclass/text/unicode.hpp"

namespace textclass::text {

// The character (UTF-8) GPT-2's bytes_to_unicode() gives each byte.
const std::array<std::string, 256>& byte_level_alphabet();

// Appends the byte-level form of `bytes` to `out`.
void append_byte_level(std::string_view bytes, std::string& out);

enum class Gpt2Class : std::uint8_t { letter, number, space, other };

const std::array<Gpt2Class, 128>& ascii_gpt2_classes();

inline Gpt2Class gpt2_class(std::string_view text, std::size_t i, std::size_t& next) {
  const auto byte = static_cast<unsigned char>(text[i]);
  next = i;
  if (byte < 0x80) {
    ++next;
    return ascii_gpt2_classes()[byte];
  }
  const char32_t cp = next_code_point(text, next);
  if (is_letter(cp)) return Gpt2Class::letter;
  if (is_number(cp)) return Gpt2Class::number;
  if (is_whitespace(cp)) return Gpt2Class::space;
  return Gpt2Class::other;
}

// Calls on_word(std::string_view) for each match of GPT-2's regex in `text` (valid UTF-8), left
// to right, while it returns true. The regex matches everywhere, so the words cover the text.
template <class OnWord>
void for_each_gpt2_word(std::string_view text, OnWord&& on_word) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  // The end of the run of characters of class `cls` that starts at `from`.
  const auto run_end = [&](std::size_t from, Gpt2Class cls) {
    std::size_t end = from;
    while (end < n) {
      std::size_t next;
      if (gpt2_class(text, end, next) != cls) break;
      end = next;
    }
    return end;
  };
  while (i < n) {
    std::size_t end = 0;
    if (text[i] == '\'') {
      const std::string_view rest = text.substr(i + 1);
      for (const std::string_view suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
        if (rest.starts_with(suffix)) {
          end = i + 1 + suffix.size();
          break;
        }
      }
    }
    if (end == 0) {
      std::size_t next;
      Gpt2Class cls = gpt2_class(text, i, next);
      std::size_t start = i;
      if (text[i] == ' ' && next < n) {  // " ?" before a letter, number or other run
        std::size_t after;
        const Gpt2Class following = gpt2_class(text, next, after);
        if (following != Gpt2Class::space) {
          cls = following;
          start = next;
        }
      }
      if (cls != Gpt2Class::space) {
        end = run_end(start, cls);
      } else {
        // \s+(?!\S): the whole run at the end of the text, else all of it but its last character
        // (which then starts the next word); a single space character before \S is \s+ alone.
        end = run_end(i, Gpt2Class::space);
        if (end < n) {
          std::size_t last = end - 1;
          while (is_utf8_continuation_byte(text[last])) --last;
          if (last > i) end = last;
        }
      }
    }
    if (!on_word(text.substr(i, end - i))) return;
    i = end;
  }
}

}  // namespace textclass::text
