#pragma once
// Byte-pair encoding (tokenizers' models::BPE): a word starts as one symbol per character (each
// looked up in the vocabulary), then the adjacent pair with the lowest merge rank is merged, again
// and again, until no pair of the word has a merge:
//   "Ġlower" -> Ġ l o w e r -> Ġl o w e r -> Ġlo w e r -> Ġlow e r -> Ġlow er -> Ġlower
// Each thread keeps a cache of the words it has encoded, as tokenizers does.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "textclass/text/byte_range.hpp"
#include "textclass/text/token_table.hpp"

namespace textclass::text {

struct BpeOptions {
  std::optional<std::string> unk_token;  // none: characters missing from the vocabulary are dropped
  std::string continuing_subword_prefix;  // put before every symbol but a word's first
  std::string end_of_word_suffix;         // put after a word's last symbol
  bool fuse_unk = false;                  // consecutive unknown characters give one unk
  bool byte_fallback = false;             // unknown characters as <0xXX> byte tokens
  bool ignore_merges = false;             // a word that is a token is that token, merges or not
};

class BytePairEncoding {
 public:
  BytePairEncoding() = default;
  // `merges` are pairs of tokens in rank order; `source` names the file for errors (a merge of
  // tokens the vocabulary lacks, or an unk_token it lacks, is an Error).
  BytePairEncoding(const TokenEntries& vocab, const std::vector<std::pair<std::string, std::string>>& merges,
                   BpeOptions options, const std::string& source);

  // Appends the ids of `word` (valid UTF-8, in the model's alphabet) to `ids`.
  void tokenize(std::string_view word, std::vector<std::int32_t>& ids) const;
  // The same ids, and each one's bytes of `word` appended to `ranges`: a token covers the characters
  // it merged, a byte-fallback token its character, a fused unk its run of unknown characters.
  // Bypasses the cache, which keeps ids only.
  void tokenize(std::string_view word, std::vector<std::int32_t>& ids, std::vector<ByteRange>& ranges) const;

  std::int32_t find(std::string_view token) const { return vocab_.find(token); }  // -1 if absent

 private:
  struct Merge {
    std::int32_t rank;
    std::int32_t new_id;
  };
  static std::uint64_t pair_key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  const Merge* find_merge(std::int32_t left, std::int32_t right) const;
  void merge_word(std::string_view word, std::vector<std::int32_t>& ids, std::vector<ByteRange>* ranges) const;

  TokenTable vocab_;
  std::unordered_map<std::uint64_t, Merge> merges_;
  BpeOptions options_;
  std::int32_t unk_id_ = -1;
  std::size_t instance_ = 0;  // tells the thread-local caches of different models apart
};

}  // namespace textclass::text
