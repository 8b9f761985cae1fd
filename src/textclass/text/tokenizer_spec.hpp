#pragma once
// Everything that defines a tokenizer, as read from its files by read_tokenizer_json(),
// read_vocab_txt() or read_vocab_json(). Tokenizer is built from this, so tests can also build one
// in memory. The parts follow tokenizers' pipeline:
//   added tokens -> normalizer -> pre-tokenizer -> model (WordPiece or BPE) -> post-processor
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "textclass/text/added_tokens.hpp"
#include "textclass/text/bpe.hpp"
#include "textclass/text/normalizer.hpp"
#include "textclass/text/wordpiece.hpp"

namespace textclass::text {

enum class PreTokenizerKind : std::uint8_t {
  none,        // no pre-tokenizer: each stretch of text between added tokens is one word
  bert,        // BertPreTokenizer: whitespace and punctuation
  byte_level,  // ByteLevel: GPT-2's regex (if use_regex), then the byte alphabet
};

struct PreTokenizerOptions {
  PreTokenizerKind kind = PreTokenizerKind::bert;
  bool add_prefix_space = false;  // ByteLevel: a space before text that does not start with one
  bool use_regex = true;          // ByteLevel: split with GPT-2's regex (else the text is one word)
};

enum class ModelKind : std::uint8_t { wordpiece, bpe };

// One element of a post-processor's template: a special token (`token` and its `id`) or the
// text of sequence A (sequence 0) or B (sequence 1), with the token type id it gets.
struct TemplatePiece {
  std::string token;
  std::int32_t id = -1;
  std::int32_t sequence = -1;  // -1: a special token
  std::int32_t type_id = 0;
};

// A template of one special token: "[CLS]" or "<s>" with its id.
inline TemplatePiece special(std::string token, std::int32_t id, std::int32_t type_id = 0) {
  return {std::move(token), id, -1, type_id};
}
inline TemplatePiece sequence(std::int32_t which, std::int32_t type_id = 0) { return {"", -1, which, type_id}; }

struct TokenizerSpec {
  std::string source;  // the file the vocabulary came from, named in errors
  std::vector<std::pair<std::string, std::int32_t>> vocab;  // the model's tokens and their ids
  std::vector<NormalizerStep> normalizers = bert_normalizer();
  PreTokenizerOptions pre_tokenizer;
  ModelKind model = ModelKind::wordpiece;
  WordPieceOptions wordpiece;
  BpeOptions bpe;
  std::vector<std::pair<std::string, std::string>> merges;  // BPE's, in rank order
  std::vector<AddedToken> added_tokens;
  // The post-processor's templates; ids of -1 are looked up by token. The defaults are BERT's.
  std::vector<TemplatePiece> single{special("[CLS]", -1), sequence(0), special("[SEP]", -1)};
  std::vector<TemplatePiece> pair{special("[CLS]", -1), sequence(0),  special("[SEP]", -1),
                                  sequence(1, 1),       special("[SEP]", -1, 1)};
  // RobertaProcessing's and the ByteLevel post-processor's trim_offsets: a token's offsets leave
  // out the spaces (Ġ or whitespace) at its ends, except, with their add_prefix_space, one space
  // at the start of the text's first token. Offsets only: the ids are the same.
  bool trim_offsets = false;
  bool trim_keeps_prefix_space = false;
  std::string pad_token = "[PAD]";
  std::size_t model_max_length = 512;
};

// The HuggingFace `tokenizers` file (what transformers saves as tokenizer.json).
TokenizerSpec read_tokenizer_json(const std::filesystem::path& file);

// A BERT vocab.txt (one token per line, the id is the line number from 0) with the options of the
// tokenizer_config.json beside it, if there is one.
TokenizerSpec read_vocab_txt(const std::filesystem::path& file);

// A GPT-2/RoBERTa vocab.json with the merges.txt beside it (and tokenizer_config.json,
// special_tokens_map.json if there are), as transformers builds a fast tokenizer from them.
TokenizerSpec read_vocab_json(const std::filesystem::path& file);

}  // namespace textclass::text
