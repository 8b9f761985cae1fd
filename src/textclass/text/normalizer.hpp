#pragma once
// BERT's normalizer (tokenizers' BertNormalizer), applied in its order:
//   1. clean_text            delete NUL, U+FFFD and control/format characters; whitespace -> ' '
//   2. handle_chinese_chars  put spaces around CJK ideographs, so each becomes a word
//   3. strip_accents         NFD, then delete nonspacing marks (é -> e)
//   4. lowercase             full lower-case mapping, one code point at a time
// bert-base-cased asks for 1 and 2 only: accents and case are kept.
// A tokenizer.json can also name other normalizers (NFC, Lowercase, ...) or a Sequence of them;
// NormalizerStep is one of those, Normalizer applies a list of them in order.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace textclass::text {

struct AlignedText;

struct NormalizerOptions {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = false;  // configs say null for "same as lowercase"; loaders resolve that
  bool lowercase = false;
};

// tokenizers' normalizers, by their "type" in tokenizer.json.
enum class NormalizerKind : std::uint8_t {
  bert,           // BertNormalizer, with `bert`'s options
  nfc,            // NFC, NFD, NFKC, NFKD: Unicode normalization forms
  nfd,
  nfkc,
  nfkd,
  lowercase,      // Lowercase: char::to_lowercase, one code point at a time
  strip_accents,  // StripAccents: deletes nonspacing marks (without decomposing first)
  strip,          // Strip: deletes whitespace at the left and/or right end
  prepend,        // Prepend: puts `text` before a non-empty string
  replace,        // Replace with a literal pattern: every `pattern` becomes `text`
};

struct NormalizerStep {
  NormalizerKind kind = NormalizerKind::bert;
  NormalizerOptions bert{};
  bool left = true, right = true;  // Strip
  std::string pattern, text;       // Replace, Prepend
};

// BertNormalizer with `options`, as a single step.
inline std::vector<NormalizerStep> bert_normalizer(NormalizerOptions options = {}) {
  NormalizerStep step;
  step.bert = options;
  return {step};
}

// BertNormalizer alone.
class BertNormalizer {
 public:
  explicit BertNormalizer(NormalizerOptions options = {});

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

// A list of steps, applied in order (an empty list leaves text as it is).
class Normalizer {
 public:
  explicit Normalizer(NormalizerOptions options = {}) : Normalizer(bert_normalizer(options)) {}
  explicit Normalizer(std::vector<NormalizerStep> steps);

  // Writes the normalized form of `text` (valid UTF-8) into `out`, replacing its contents.
  void normalize(std::string_view text, std::string& out) const;

  // normalize() on text.text, carrying each character's original range through every step as
  // tokenizers does (aligned_normalizer.cpp). False, leaving `text` unspecified, for a list with a
  // Strip, Prepend or Replace step (whose alignment is not worked out here) or if the result is
  // not normalize()'s: then there are no offsets, rather than wrong ones.
  bool normalize_aligned(AlignedText& text) const;

 private:
  void apply(std::size_t step, std::string_view text, std::string& out) const;

  std::vector<NormalizerStep> steps_;
  std::vector<BertNormalizer> bert_;  // one per step, used by the bert steps
};

}  // namespace textclass::text
