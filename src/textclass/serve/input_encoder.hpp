#pragma once
// A request's inputs as model rows: the tokenizer's ids (a sentence pair's in the tokenizer's pair
// template, with its token types), checked against the model's length limit or truncated to it
// (from the right or, for truncation_direction "left", from the left; a pair longest_first, as TEI
// asks its tokenizer), with text-embeddings-inference's errors.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "textclass/serve/request.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::serve {

struct EncodedInput {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> token_type_ids;  // a pair's; empty for a single text (all 0)
};

class InputEncoder {
 public:
  // max_input_length: the most tokens a row may have, special tokens included.
  InputEncoder(const text::Tokenizer& tokenizer, std::size_t max_input_length);

  // Text the tokenizer refuses (invalid UTF-8) is a 422 tokenizer error; a row over
  // max_input_length without `truncate` is a 413.
  EncodedInput encode(const Sequence& input, bool truncate, TruncationDirection direction) const;

  // Whether position i of a row of n ids is one of the template's ([CLS] ... [SEP]), not the text's.
  bool is_template_position(std::size_t i, std::size_t n) const {
    return i < template_before_ || i + template_after_ >= n;
  }

  std::size_t max_input_length() const { return max_input_length_; }
  const text::Tokenizer& tokenizer() const { return tokenizer_; }

 private:
  std::vector<std::int32_t> encode_single(const std::string& text, bool truncate, TruncationDirection direction) const;
  EncodedInput encode_pair(const std::string& a, const std::string& b, bool truncate,
                           TruncationDirection direction) const;
  void check_length(std::size_t ids) const;  // 413 over max_input_length

  const text::Tokenizer& tokenizer_;
  std::size_t max_input_length_;
  // The ids the template puts around every text ([CLS] ... [SEP]): how many go before it.
  std::size_t template_before_ = 0, template_after_ = 0;
};

}  // namespace textclass::serve
