#pragma once
// BERT's normalizer (tokenizers' BertNormalizer), applied in its order:
//   1. clean_text            delete NUL, U+FFFD and control/format characters; whitespace -> ' '
//   2. handle_chinese_chars  put spaces around CJK ideographs, so each becomes a word
//   3. strip_accents         NFD, then delete nonspacing marks (é -> e)
//   4. lowercase             full lower-case mapping, one code point at a time
// bert-base-cased asks for 1 and 2 only: accents and case are kept.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace textclass::text {

struct NormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = false;  // configs say null for "same as lowercase"; loaders resolve that
  bool lowercase = false;
};

class Normalizer {
 public:
  explicit Normalizer(NormalizerOptions options = {});

  // Writes the normalized form of `text` (valid UTF-8) into `out`, replacing its contents.
  void normalize(std::string_view text, std::string& out) const;

  const NormalizerOptions& options() const { return options_; }

 private:
  void append_non_ascii(char32_t cp, std::string& out) const;
  void strip_accents_and_lowercase(std::string& text) const;

  NormalizerOptions options_;
  // What steps 1, 2 and 4 make of each ASCII byte: the byte to write, or -1 to delete it.
  std::array<std::int16_t, 128> ascii_;
};

}  // namespace textclass::text
