#include "textclass/text/pre_tokenizer.hpp"

namespace textclass::text {

const std::array<CharClass, 128>& ascii_char_classes() {
  static const std::array<CharClass, 128> classes = [] {
    std::array<CharClass, 128> table{};
    for (char32_t c = 0; c < 128; ++c) {
      table[c] = is_whitespace(c) ? CharClass::space : is_punctuation(c) ? CharClass::punctuation : CharClass::word;
    }
    return table;
  }();
  return classes;
}

}  // namespace textclass::text
