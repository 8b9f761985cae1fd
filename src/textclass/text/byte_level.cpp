#include "textclass/text/byte_level.hpp"

namespace textclass::text {

const std::array<std::string, 256>& byte_level_alphabet() {
  static const std::array<std::string, 256> alphabet = [] {
    std::array<std::string, 256> table;
    // Printable Latin-1 bytes stand for themselves; the others take the code points from 256 on.
    char32_t extra = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      append_utf8(printable ? static_cast<char32_t>(b) : extra++, table[static_cast<std::size_t>(b)]);
    }
    return table;
  }();
  return alphabet;
}

void append_byte_level(std::string_view bytes, std::string& out) {
  const std::array<std::string, 256>& alphabet = byte_level_alphabet();
  for (const char c : bytes) out += alphabet[static_cast<unsigned char>(c)];
}

const std::array<Gpt2Class, 128>& ascii_gpt2_classes() {
  static const std::array<Gpt2Class, 128> classes = [] {
    std::array<Gpt2Class, 128> table{};
    for (char32_t c = 0; c < 128; ++c) {
      table[c] = is_letter(c)       ? Gpt2Class::letter
                 : is_number(c)     ? Gpt2Class::number
                 : is_whitespace(c) ? Gpt2Class::space
                                    : Gpt2Class::other;
    }
    return table;
  }();
  return classes;
}

}  // namespace textclass::text
