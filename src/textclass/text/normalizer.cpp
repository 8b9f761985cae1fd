#include "textclass/text/normalizer.hpp"

#include "textclass/text/unicode.hpp"

namespace textclass::text {

Normalizer::Normalizer(NormalizerOptions options) : options_(options) {
  for (int c = 0; c < 128; ++c) {
    std::int16_t mapped = static_cast<std::int16_t>(c);
    if (options_.clean_text) {
      if (c == 0 || is_control(static_cast<char32_t>(c))) mapped = -1;
      if (c == '\t' || c == '\n' || c == '\r') mapped = ' ';
    }
    if (options_.lowercase && c >= 'A' && c <= 'Z') mapped = static_cast<std::int16_t>(c - 'A' + 'a');
    ascii_[static_cast<std::size_t>(c)] = mapped;
  }
}

void Normalizer::normalize(std::string_view text, std::string& out) const {
  out.clear();
  out.reserve(text.size() + 16);
  bool ascii_only = true;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      const std::int16_t mapped = ascii_[byte];
      if (mapped >= 0) out += static_cast<char>(mapped);
      ++i;
      continue;
    }
    ascii_only = false;
    append_non_ascii(next_code_point(text, i), out);
  }
  // NFD reorders combining marks across characters, so it needs the whole string; ASCII has no
  // decompositions and no marks, so it can skip this pass.
  if (options_.strip_accents && !ascii_only) strip_accents_and_lowercase(out);
}

void Normalizer::append_non_ascii(char32_t cp, std::string& out) const {
  if (options_.clean_text) {
    if (cp == 0xFFFD || is_control(cp)) return;
    if (is_whitespace(cp)) {
      out += ' ';
      return;
    }
  }
  if (options_.handle_chinese_chars && is_chinese_char(cp)) {
    out += ' ';
    append_utf8(cp, out);
    out += ' ';
    return;
  }
  // With strip_accents on, lower-casing waits for the second pass: it must follow the NFD.
  if (options_.lowercase && !options_.strip_accents) {
    append_lowercase(cp, out);
  } else {
    append_utf8(cp, out);
  }
}

void Normalizer::strip_accents_and_lowercase(std::string& text) const {
  const std::u32string decomposed = nfd(text);
  text.clear();
  for (const char32_t cp : decomposed) {
    if (is_nonspacing_mark(cp)) continue;
    if (options_.lowercase) {
      append_lowercase(cp, text);
    } else {
      append_utf8(cp, text);
    }
  }
}

}  // namespace textclass::text
