#pragma once
// A request's inputs as model rows: the tokenizer's ids, checked against the model's length limit
// or truncated to it (from the right or, for truncation_direction "left", from the left), with
// text-embeddings-inference's errors.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "textclass/serve/request.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::serve {

class InputEncoder {
 public:
  // max_input_length: the most tokens a row may have, special tokens included.
  InputEncoder(const text::Tokenizer& tokenizer, std::size_t max_input_length);

  // A sentence pair is a 422 tokenizer error (the tokenizer encodes single texts), as is text
  // the tokenizer refuses (invalid UTF-8); a row over max_input_length without `truncate` is a 413.
  std::vector<std::int32_t> encode(const Sequence& input, bool truncate, TruncationDirection direction) const;

  // Whether position i of a row of n ids is one of the template's ([CLS] ... [SEP]), not the text's.
  bool is_template_position(std::size_t i, std::size_t n) const {
    return i < template_before_ || i + template_after_ >= n;
  }

  std::size_t max_input_length() const { return max_input_length_; }
  const text::Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  std::vector<std::int32_t> encode_single(const std::string& text, bool truncate, TruncationDirection direction) const;

  const text::Tokenizer& tokenizer_;
  std::size_t max_input_length_;
  // The ids the template puts around every text ([CLS] ... [SEP]): how many go before it.
  std::size_t template_before_ = 0, template_after_ = 0;
};

}  // namespace textclass::serve
