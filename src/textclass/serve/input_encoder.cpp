#include "textclass/serve/input_encoder.hpp"

#include <fmt/core.h>
#include <limits>

namespace textclass::serve {
namespace {

constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

}  // namespace

InputEncoder::InputEncoder(const text::Tokenizer& tokenizer, std::size_t max_input_length)
    : tokenizer_(tokenizer), max_input_length_(max_input_length) {
  // The template's ids around a text: those of "" and, to tell the ones before from the ones
  // after, those of a one-word text ([CLS] word [SEP]: the word's ids start after the first run).
  const std::vector<std::int32_t> empty = tokenizer.encode("", kNoLimit).ids;
  const std::vector<std::int32_t> word = tokenizer.encode("a", kNoLimit).ids;
  std::size_t before = 0;
  while (before < empty.size() && before < word.size() && empty[before] == word[before]) ++before;
  template_before_ = before;
  template_after_ = empty.size() - before;
}

std::vector<std::int32_t> InputEncoder::encode(const Sequence& input, bool truncate,
                                               TruncationDirection direction) const {
  // The one place a pair would be encoded: where the tokenizer gains pair encoding, it goes here.
  if (input.is_pair()) {
    throw tokenizer_error("this model takes single texts, not sentence pairs: give \"inputs\" a string");
  }
  return encode_single(input.texts.front(), truncate, direction);
}

std::vector<std::int32_t> InputEncoder::encode_single(const std::string& text, bool truncate,
                                                      TruncationDirection direction) const {
  std::vector<std::int32_t> ids;
  try {
    ids = tokenizer_.encode(text, kNoLimit).ids;
  } catch (const Error& e) {
    throw tokenizer_error(e.what());
  }
  if (ids.size() <= max_input_length_) return ids;
  if (!truncate) {
    throw validation_error(
        fmt::format("`inputs` must have less than {} tokens. Given: {}", max_input_length_, ids.size()));
  }
  if (direction == TruncationDirection::right) return tokenizer_.encode(text, max_input_length_).ids;
  // From the left: the template's ids stay, the text keeps its last tokens (HF truncates the text
  // before the post-processor adds the template).
  const std::size_t keep = max_input_length_ - template_before_ - template_after_;
  std::vector<std::int32_t> out(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(template_before_));
  const auto text_end = ids.end() - static_cast<std::ptrdiff_t>(template_after_);
  out.insert(out.end(), text_end - static_cast<std::ptrdiff_t>(keep), ids.end());
  return out;
}

}  // namespace textclass::serve
