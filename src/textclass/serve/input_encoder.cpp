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

EncodedInput InputEncoder::encode(const Sequence& input, bool truncate, TruncationDirection direction) const {
  if (input.is_pair()) return encode_pair(input.texts[0], input.texts[1], truncate, direction);
  return {encode_single(input.texts.front(), truncate, direction), {}};
}

void InputEncoder::check_length(std::size_t ids) const {
  if (ids > max_input_length_) {
    throw validation_error(fmt::format("`inputs` must have less than {} tokens. Given: {}", max_input_length_, ids));
  }
}

EncodedInput InputEncoder::encode_pair(const std::string& a, const std::string& b, bool truncate,
                                       TruncationDirection direction) const {
  const text::TruncationSide side =
      direction == TruncationDirection::left ? text::TruncationSide::left : text::TruncationSide::right;
  text::Encoding encoding;
  try {
    encoding = tokenizer_.encode_pair(a, b, truncate ? max_input_length_ : kNoLimit, side);
  } catch (const Error& e) {
    throw tokenizer_error(e.what());
  }
  check_length(encoding.ids.size());
  return {std::move(encoding.ids), std::move(encoding.token_type_ids)};
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
  if (!truncate) check_length(ids.size());
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
