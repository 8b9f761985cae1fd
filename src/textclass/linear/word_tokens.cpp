#include "textclass/linear/word_tokens.hpp"

#include <utf8proc.h>

#include "textclass/text/unicode.hpp"

namespace textclass::linear {
namespace {

bool is_word_char(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string lowercase(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += (byte >= 'A' && byte <= 'Z') ? static_cast<char>(byte + ('a' - 'A')) : static_cast<char>(byte);
      ++i;
    } else {
      text::append_lowercase(text::next_code_point(text, i), out);
    }
  }
  return out;
}

void append_word_tokens(std::string_view text, std::vector<std::string_view>& tokens) {
  std::size_t run_start = 0, run_chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t at = i;
    if (is_word_char(text::next_code_point(text, i))) {
      if (run_chars++ == 0) run_start = at;
      continue;
    }
    if (run_chars >= 2) tokens.push_back(text.substr(run_start, at - run_start));
    run_chars = 0;
  }
  if (run_chars >= 2) tokens.push_back(text.substr(run_start));
}

}  // namespace textclass::linear
