#include "textclass/train/encode_rows.hpp"

#include "textclass/text/batch_error.hpp"

namespace textclass::train {

data::TokenRows encode_rows(const text::Tokenizer& tokenizer, const std::vector<std::string>& texts,
                            const std::vector<int>& labels, std::size_t max_length, const std::string& source) {
  std::vector<text::Encoding> encodings;
  try {
    encodings = tokenizer.encode_batch(texts, max_length);
  } catch (const text::BatchError& e) {
    throw Error(source + ": row " + std::to_string(e.index() + 1) + ": " + e.problem());
  }
  data::TokenRows rows;
  rows.ids.reserve(encodings.size());
  for (text::Encoding& encoding : encodings) rows.ids.push_back(std::move(encoding.ids));
  rows.labels = labels;
  return rows;
}

}  // namespace textclass::train
