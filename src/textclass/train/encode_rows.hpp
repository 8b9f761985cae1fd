#pragma once
// Texts to token-id rows for the model, on every core (Tokenizer::encode_batch, encode_pair_batch).
#include <cstddef>
#include <string>
#include <vector>

#include "textclass/data/batcher.hpp"
#include "textclass/data/dataset.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::train {

// The ids of each text, truncated to max_length; labels are copied as given. A text the
// tokenizer refuses throws Error "SOURCE: row N: problem" (N from 1).
data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<int>& labels, std::size_t max_length, const std::string& source);

// The same for sentence pairs where `pairs` holds each row's second text (one per text): the
// tokenizer's pair template and longest_first truncation, with its token type ids. Empty `pairs`:
// single texts, as above.
data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<std::string>& pairs, const std::vector<int>& labels,
                            std::size_t max_length, const std::string& source);

// A dataset's rows (its pairs where it has them) with its class labels.
data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const data::Dataset& dataset, std::size_t max_length);

}  // namespace textclass::train
