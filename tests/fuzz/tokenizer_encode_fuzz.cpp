// Texts come from users' data: any bytes, alone or as a pair, must give ids of the vocabulary (at
// most max_length of them; for a single text, the same ids again with offsets from
// encode_with_offsets) or a textclass::Error (invalid UTF-8), with each family's tokenizer:
// byte-level BPE (roberta-base, ModernBERT-base) and WordPiece (distilbert-base-uncased,
// bert-base-cased). Input: byte 0 picks the tokenizer and single or pair, byte 1 max_length; the
// rest is the text, or two texts split at the first 0 byte.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "textclass/error.hpp"
#include "textclass/text/tokenizer.hpp"

namespace {

using textclass::text::Tokenizer;

const std::array<Tokenizer, 4>& tokenizers() {
  static const std::string root = TEXTCLASS_SOURCE_DIR;
  static const std::array<Tokenizer, 4> loaded{
      Tokenizer::load(root + "/tests/fixtures/tokenizers/roberta-base/tokenizer.json"),
      Tokenizer::load(root + "/tests/fixtures/tokenizers/modernbert-base/tokenizer.json"),
      Tokenizer::load(root + "/tests/fixtures/tokenizers/distilbert-base-uncased/tokenizer.json"),
      Tokenizer::load(root + "/data/bert-base-cased/tokenizer.json")};
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Tokenizer& tokenizer = tokenizers()[data[0] % 4];
  const bool pair = (data[0] & 4) != 0;
  const std::size_t max_length = 6 + data[1] * 4u;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  try {
    textclass::text::Encoding encoding;
    if (pair) {
      const std::size_t split = std::min(input.find('\0'), input.size());
      encoding = tokenizer.encode_pair(input.substr(0, split), input.substr(std::min(split + 1, input.size())), max_length);
    } else {
      encoding = tokenizer.encode(input, max_length);
    }
    if (encoding.ids.size() > max_length || encoding.token_type_ids.size() != encoding.ids.size() ||
        encoding.attention_mask.size() != encoding.ids.size()) {
      std::abort();
    }
    for (const std::int32_t id : encoding.ids) {
      if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocab_size()) std::abort();
    }
    // A single text's offsets: encode()'s ids, a span for each but the template's tokens, none reversed.
    if (!pair) {
      const auto offsets = tokenizer.encode_with_offsets(input, max_length);
      if (!offsets || offsets->ids != encoding.ids || offsets->spans.size() != offsets->ids.size()) std::abort();
      std::size_t without = 0;
      for (const auto& span : offsets->spans) {
        if (!span) ++without;
        else if (span->start > span->stop) std::abort();
      }
      if (without != tokenizer.special_token_count()) std::abort();
    }
  } catch (const textclass::Error&) {
  }
  return 0;
}
