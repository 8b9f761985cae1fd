#pragma once
// bert-base-cased's tokenizer, giving the same ids as HuggingFace's fast BertTokenizer:
//   raw text -> added tokens split out -> normalizer -> pre-tokenizer (words) -> WordPiece ids
//            -> truncation -> [CLS] ids [SEP]
// Loads a tokenizer.json or a vocab.txt (+ tokenizer_config.json). Encoding is const and
// thread-safe; encode_batch() spreads the texts over all cores with OpenMP.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "textclass/text/added_tokens.hpp"
#include "textclass/text/normalizer.hpp"
#include "textclass/text/tokenizer_spec.hpp"
#include "textclass/text/wordpiece.hpp"

namespace textclass::text {

struct Encoding {
  std::vector<std::int32_t> ids, attention_mask, token_type_ids;
};

class Tokenizer {
 public:
  // A directory (its tokenizer.json if it has one, else its vocab.txt), or one of those files.
  static Tokenizer load(const std::filesystem::path& dir_or_file);

  // Throws Error naming spec.source if the vocabulary lacks [UNK] or a token of the template.
  explicit Tokenizer(const TokenizerSpec& spec);

  // At most max_length ids, the special tokens included (HF's truncation=True, max_length=...).
  // Invalid UTF-8 is an Error ("invalid UTF-8 at byte 7"); callers add where the text came from.
  Encoding encode(std::string_view text, std::size_t max_length = 512) const;
  // Throws BatchError (an Error) for the first bad text.
  std::vector<Encoding> encode_batch(const std::vector<std::string>& texts, std::size_t max_length = 512) const;
  // The token texts of encode(text, max_length).ids, as HF's convert_ids_to_tokens.
  std::vector<std::string> tokens(std::string_view text, std::size_t max_length = 512) const;

  const std::string& id_to_token(std::int32_t id) const;
  std::int32_t pad_id() const { return pad_id_; }
  std::size_t vocab_size() const { return id_to_token_.size(); }
  std::size_t model_max_length() const { return model_max_length_; }

 private:
  struct TemplateToken {
    std::int32_t id;
    std::int32_t type_id;
  };
  // Per-call buffers, so that encoding allocates little and stays const.
  struct Scratch {
    std::string normalized;
    std::vector<TextPiece> pieces, normalized_pieces;
  };

  void check_max_length(std::size_t max_length) const;  // room for the special tokens
  Encoding encode(std::string_view text, std::size_t max_length, Scratch& scratch) const;
  // Appends the text's WordPiece ids to `ids` until ids.size() reaches `limit`.
  void append_text_ids(std::string_view text, std::size_t limit, Scratch& scratch,
                       std::vector<std::int32_t>& ids) const;
  std::int32_t find_token(std::string_view token) const;  // -1 if absent

  Normalizer normalizer_;
  WordPiece wordpiece_;
  std::vector<AddedToken> added_tokens_;
  AddedTokenMatcher raw_added_tokens_;         // matched in the text as given
  AddedTokenMatcher normalized_added_tokens_;  // matched in the normalized text
  std::vector<TemplateToken> before_text_, after_text_;
  std::int32_t text_type_id_ = 0;
  std::vector<std::string> id_to_token_;
  std::int32_t pad_id_ = 0;
  std::size_t model_max_length_ = 512;
};

}  // namespace textclass::text
