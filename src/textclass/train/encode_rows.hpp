#pragma once
// Texts to token-id rows for the model, on every core (Tokenizer::encode_batch).
#include <cstddef>
#include <string>
#include <vector>

#include "textclass/data/batcher.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::train {

// The ids of each text, truncated to max_length; labels are copied as given. A text the
// tokenizer refuses throws Error "SOURCE: row N: problem" (N from 1).
data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<int>& labels, std::size_t max_length, const std::string& source);

}  // namespace textclass::train
