#pragma once
// Everything that defines a tokenizer, as read from its files by read_tokenizer_json() or
// read_vocab_txt(). Tokenizer is built from this, so tests can also build one in memory.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "textclass/text/added_tokens.hpp"
#include "textclass/text/normalizer.hpp"
#include "textclass/text/wordpiece.hpp"

namespace textclass::text {

// A token the post-processor adds around the text ([CLS] before, [SEP] after) and its segment id.
struct SpecialToken {
  std::string token;
  std::int32_t type_id = 0;
};

struct TokenizerSpec {
  std::string source;  // the file the vocabulary came from, named in errors
  std::vector<std::pair<std::string, std::int32_t>> vocab;  // WordPiece's tokens and their ids
  NormalizerOptions normalizer;
  WordPieceOptions wordpiece;
  std::vector<AddedToken> added_tokens;
  std::vector<SpecialToken> before_text{{"[CLS]", 0}};
  std::vector<SpecialToken> after_text{{"[SEP]", 0}};
  std::int32_t text_type_id = 0;
  std::string pad_token = "[PAD]";
  std::size_t model_max_length = 512;
};

// The HuggingFace fast-tokenizer file (what transformers 5 saves).
TokenizerSpec read_tokenizer_json(const std::filesystem::path& file);

// A BERT vocab.txt (one token per line, the id is the line number from 0) with the options of the
// tokenizer_config.json beside it, if there is one.
TokenizerSpec read_vocab_txt(const std::filesystem::path& file);

}  // namespace textclass::text
