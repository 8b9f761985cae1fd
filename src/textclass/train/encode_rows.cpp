#include "textclass/train/encode_rows.hpp"

#include "textclass/text/batch_error.hpp"

namespace textclass::train {

data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<int>& labels, std::size_t max_length, const std::string& source) {
  return encode_rows(tokenizer, texts, {}, labels, max_length, source);
}

data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<std::string>& pairs, const std::vector<int>& labels,
                            std::size_t max_length, const std::string& source) {
  std::vector<text::Encoding> encodings;
  try {
    encodings = pairs.empty() ? tokenizer.encode_batch(texts, max_length)
                              : tokenizer.encode_pair_batch(texts, pairs, max_length);
  } catch (const text::BatchError& e) {
    throw Error(source + ": row " + std::to_string(e.index() + 1) + ": " + e.problem());
  }
  data::TokenRows rows;
  rows.ids.reserve(encodings.size());
  for (text::Encoding& encoding : encodings) rows.ids.push_back(std::move(encoding.ids));
  if (!pairs.empty()) {
    rows.token_type_ids.reserve(encodings.size());
    for (text::Encoding& encoding : encodings) rows.token_type_ids.push_back(std::move(encoding.token_type_ids));
  }
  rows.labels = labels;
  return rows;
}

data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const data::Dataset& dataset, std::size_t max_length) {
  return encode_rows(tokenizer, dataset.texts, dataset.text_pairs, dataset.labels, max_length, dataset.source);
}

}  // namespace textclass::train
