#pragma once
// A HuggingFace tokenizer, giving the same ids as its fast tokenizer (the `tokenizers` library):
//   raw text -> added tokens split out -> normalizer -> pre-tokenizer (words) -> model ids
//            -> truncation -> post-processor template ([CLS] ids [SEP], <s> ids </s>, ...)
// The parts are whatever the files say: WordPiece or byte-level BPE, BERT's normalizer or NFC, ...
// (see TokenizerSpec). Loads a tokenizer.json, a vocab.json + merges.txt, or a vocab.txt
// (+ tokenizer_config.json). Encoding is const and thread-safe; encode_batch() spreads the texts
// over all cores with OpenMP.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "textclass/text/added_tokens.hpp"
#include "textclass/text/bpe.hpp"
#include "textclass/text/normalizer.hpp"
#include "textclass/text/tokenizer_spec.hpp"
#include "textclass/text/wordpiece.hpp"

namespace textclass::text {

struct Encoding {
  std::vector<std::int32_t> ids, attention_mask, token_type_ids;
};

// Where a token came from: characters (Unicode code points) [start, stop) of the text.
struct CharSpan {
  std::size_t start = 0, stop = 0;
  bool operator==(const CharSpan&) const = default;
};

// Ids and, for each, its characters in the text; none for the template's special tokens.
struct OffsetEncoding {
  std::vector<std::int32_t> ids;
  std::vector<std::optional<CharSpan>> spans;
};

// Which end of a text truncation cuts (HF's truncation_side).
enum class TruncationSide { right, left };

class Tokenizer {
 public:
  // A directory (its tokenizer.json if it has one, else its vocab.json and merges.txt, else its
  // vocab.txt), or one of those files.
  static Tokenizer load(const std::filesystem::path& dir_or_file);

  // Throws Error naming spec.source if the vocabulary lacks the unknown token or a token of the
  // templates.
  explicit Tokenizer(const TokenizerSpec& spec);

  // At most max_length ids, the special tokens included (HF's truncation=True, max_length=...).
  // Invalid UTF-8 is an Error ("invalid UTF-8 at byte 7"); callers add where the text came from.
  Encoding encode(std::string_view text, std::size_t max_length = 512) const;
  // A sentence pair in the template's pair form (BERT: [CLS] a [SEP] b [SEP], token types 0 and 1),
  // truncated as HF's "longest_first" does: the longer text loses tokens first, and when both
  // must be cut each keeps half of the room.
  // From the left, each text keeps its last tokens (the lengths compared are the whole texts').
  Encoding encode_pair(std::string_view a, std::string_view b, std::size_t max_length = 512,
                       TruncationSide side = TruncationSide::right) const;
  // Throws BatchError (an Error) for the first bad text.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, std::size_t max_length = 512) const;
  // encode_pair(texts[i], pairs[i]) for every i (the same number of each); BatchError as encode_batch.
  std::vector<Encoding> encode_pair_batch(const std::vector<std::string>& texts, const std::vector<std::string>& pairs,
                                          std::size_t max_length = 512) const;
  // encode(text, max_length).ids with each token's characters in `text`, as tokenizers'
  // encode_char_offsets gives them (what text-embeddings-inference's /tokenize shows): an added
  // token its match, a word piece its part of the word ("##" aside), an [UNK] its whole word, a
  // byte-level token the characters its bytes belong to; a character the normalizer changed counts
  // where tokenizers' alignments put it (İ lower-cased to two characters stays one; "e" + U+0301
  // composed to "é" is the "e"), and RoBERTa's post-processor trims spaces off the ends. Slower
  // than encode(): the normalizers run again, carrying alignments (token_offsets.cpp).
  // std::nullopt for a normalizer with a step whose alignment is not worked out here (Strip,
  // Prepend, Replace; see Normalizer::normalize_aligned): no offsets rather than wrong ones.
  // Invalid UTF-8 is an Error, as in encode().
  std::optional<OffsetEncoding> encode_with_offsets(std::string_view text, std::size_t max_length = 512) const;
  // The token texts of encode(text, max_length).ids, as HF's convert_ids_to_tokens.
  std::vector<std::string> tokens(std::string_view text, std::size_t max_length = 512) const;

  const std::string& id_to_token(std::int32_t id) const;
  std::int32_t pad_id() const { return pad_id_; }
  std::size_t vocab_size() const { return id_to_token_.size(); }
  std::size_t model_max_length() const { return model_max_length_; }
  // How many special tokens encode() (or encode_pair(), for `pair`) adds around the text.
  std::size_t special_token_count(bool pair = false) const;

 private:
  struct TemplateToken {
    std::int32_t id;        // -1 for the text of a sequence
    std::int32_t sequence;  // 0 (A) or 1 (B) for text
    std::int32_t type_id;
  };
  // Per-call buffers, so that encoding allocates little and stays const.
  struct Scratch {
    std::string normalized, prefixed, word;
    std::vector<TextPiece> pieces, normalized_pieces;
    std::vector<std::int32_t> a, b;
  };

  void check_max_length(std::size_t max_length, bool pair) const;  // room for the special tokens
  Encoding encode(std::string_view text, std::size_t max_length, Scratch& scratch) const;
  Encoding encode_pair(std::string_view a, std::string_view b, std::size_t max_length, TruncationSide side,
                       Scratch& scratch) const;
  // Runs encode_one(i, scratch) for i in [0, count) on every core; BatchError for the lowest i that throws.
  template <typename EncodeOne>
  std::vector<Encoding> encode_each(std::size_t count, EncodeOne encode_one) const;
  // Appends the text's ids to `ids`, word by word, until ids.size() reaches `limit` (it may pass
  // it by the last word's ids).
  void append_text_ids(std::string_view text, std::size_t limit, Scratch& scratch,
                       std::vector<std::int32_t>& ids) const;
  // Pre-tokenizes one stretch of normalized text and appends its words' ids; false once full.
  bool append_piece_ids(std::string_view piece, std::size_t limit, Scratch& scratch,
                        std::vector<std::int32_t>& ids) const;
  void append_word_ids(std::string_view word, std::vector<std::int32_t>& ids) const;
  Encoding apply_template(const std::vector<TemplateToken>& pieces, const std::vector<std::int32_t>& a,
                          const std::vector<std::int32_t>& b) const;
  std::int32_t find_token(std::string_view token) const;  // -1 if absent

  Normalizer normalizer_;
  PreTokenizerOptions pre_tokenizer_;
  ModelKind model_ = ModelKind::wordpiece;
  WordPiece wordpiece_;
  BytePairEncoding bpe_;
  std::vector<AddedToken> added_tokens_;
  AddedTokenMatcher raw_added_tokens_;         // matched in the text as given
  AddedTokenMatcher normalized_added_tokens_;  // matched in the normalized text
  std::vector<TemplateToken> single_, pair_;
  std::vector<std::string> id_to_token_;
  std::int32_t pad_id_ = 0;
  std::size_t model_max_length_ = 512;
  bool trim_offsets_ = false, trim_keeps_prefix_space_ = false;  // TokenizerSpec's
};

}  // namespace textclass::text
