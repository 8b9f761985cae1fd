#include "textclass/text/tokenizer.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/text/batch_error.hpp"
#include "textclass/text/byte_level.hpp"
#include "textclass/text/pre_tokenizer.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {
namespace {

TokenEntries views_of(const std::vector<std::pair<std::string, std::int32_t>>& vocab) {
  return {vocab.begin(), vocab.end()};
}

}  // namespace

Tokenizer Tokenizer::load(const std::filesystem::path& dir_or_file) {
  namespace fs = std::filesystem;
  if (fs::is_directory(dir_or_file)) {
    const fs::path json = dir_or_file / "tokenizer.json", vocab_json = dir_or_file / "vocab.json",
                   vocab = dir_or_file / "vocab.txt";
    if (fs::exists(json)) return Tokenizer(read_tokenizer_json(json));
    if (fs::exists(vocab_json)) return Tokenizer(read_vocab_json(vocab_json));
    if (fs::exists(vocab)) return Tokenizer(read_vocab_txt(vocab));
    throw Error(dir_or_file.string() + ": no tokenizer.json, vocab.json or vocab.txt in this directory");
  }
  if (!fs::exists(dir_or_file)) throw Error(dir_or_file.string() + ": no such file or directory");
  if (dir_or_file.filename() == "vocab.json") return Tokenizer(read_vocab_json(dir_or_file));
  if (dir_or_file.extension() == ".json") return Tokenizer(read_tokenizer_json(dir_or_file));
  return Tokenizer(read_vocab_txt(dir_or_file));
}

Tokenizer::Tokenizer(const TokenizerSpec& spec)
    : normalizer_(spec.normalizers),
      pre_tokenizer_(spec.pre_tokenizer),
      model_(spec.model),
      added_tokens_(spec.added_tokens),
      model_max_length_(spec.model_max_length),
      trim_offsets_(spec.trim_offsets),
      trim_keeps_prefix_space_(spec.trim_keeps_prefix_space) {
  if (model_ == ModelKind::wordpiece) {
    wordpiece_ = WordPiece(views_of(spec.vocab), spec.wordpiece, spec.source);
  } else {
    bpe_ = BytePairEncoding(views_of(spec.vocab), spec.merges, spec.bpe, spec.source);
  }
  std::vector<AddedToken> raw, normalized;
  for (const AddedToken& token : added_tokens_) {
    if (token.id < 0) throw Error(spec.source + ": added token " + token.content + " has a negative id");
    if (!token.normalized) {
      raw.push_back(token);
      continue;
    }
    // A normalized added token is looked for in normalized text, so in its normalized form.
    AddedToken as_normalized = token;
    normalizer_.normalize(token.content, as_normalized.content);
    normalized.push_back(std::move(as_normalized));
  }
  raw_added_tokens_ = AddedTokenMatcher(std::move(raw));
  normalized_added_tokens_ = AddedTokenMatcher(std::move(normalized));

  std::int32_t largest_id = -1;
  for (const auto& [token, id] : spec.vocab) largest_id = std::max(largest_id, id);
  for (const AddedToken& token : added_tokens_) largest_id = std::max(largest_id, token.id);
  // Ids index a table, so one absurd id must not make it gigabytes long.
  const std::size_t entries = spec.vocab.size() + added_tokens_.size();
  if (static_cast<std::size_t>(largest_id) >= 4 * entries + 1024) {
    throw Error(fmt::format("{}: token id {} is far beyond the {} tokens of the vocabulary", spec.source, largest_id,
                            entries));
  }
  id_to_token_.resize(static_cast<std::size_t>(largest_id + 1));
  for (const auto& [token, id] : spec.vocab) id_to_token_[static_cast<std::size_t>(id)] = token;
  for (const AddedToken& token : added_tokens_) id_to_token_[static_cast<std::size_t>(token.id)] = token.content;

  const auto template_tokens = [&](const std::vector<TemplatePiece>& pieces) {
    std::vector<TemplateToken> result;
    for (const TemplatePiece& piece : pieces) {
      if (piece.sequence >= 0) {
        result.push_back({-1, piece.sequence, piece.type_id});
        continue;
      }
      // The template's own id is the one used (as tokenizers does), but its token must exist.
      const std::int32_t found = find_token(piece.token);
      if (found < 0) throw Error(spec.source + ": the vocabulary has no " + piece.token + " token");
      const std::int32_t id = piece.id >= 0 ? piece.id : found;
      if (static_cast<std::size_t>(id) >= id_to_token_.size()) {
        throw Error(fmt::format("{}: special token {} has id {}, outside the vocabulary", spec.source, piece.token, id));
      }
      result.push_back({id, -1, piece.type_id});
    }
    return result;
  };
  single_ = template_tokens(spec.single);
  pair_ = template_tokens(spec.pair);
  // Padding positions are masked out of attention, so a vocabulary without its pad token can pad with 0.
  pad_id_ = std::max(0, find_token(spec.pad_token));
}

std::int32_t Tokenizer::find_token(std::string_view token) const {
  for (const AddedToken& added : added_tokens_) {
    if (added.content == token) return added.id;
  }
  return model_ == ModelKind::wordpiece ? wordpiece_.find(token) : bpe_.find(token);
}

const std::string& Tokenizer::id_to_token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= id_to_token_.size()) {
    throw std::out_of_range(fmt::format("token id {} is outside the vocabulary of {}", id, id_to_token_.size()));
  }
  return id_to_token_[static_cast<std::size_t>(id)];
}

std::size_t Tokenizer::special_token_count(bool pair) const {
  const auto& pieces = pair ? pair_ : single_;
  return static_cast<std::size_t>(
      std::count_if(pieces.begin(), pieces.end(), [](const TemplateToken& token) { return token.id >= 0; }));
}

void Tokenizer::check_max_length(std::size_t max_length, bool pair) const {
  const std::size_t specials = special_token_count(pair);
  if (max_length < specials) {
    throw Error(fmt::format("max_length {} leaves no room for the {} special tokens", max_length, specials));
  }
}

Encoding Tokenizer::encode(std::string_view text, std::size_t max_length) const {
  Scratch scratch;
  return encode(text, max_length, scratch);
}

Encoding Tokenizer::encode(std::string_view text, std::size_t max_length, Scratch& scratch) const {
  check_max_length(max_length, false);
  // Validating first lets every later step decode without checks.
  require_valid_utf8(text);
  scratch.a.clear();
  const std::size_t room = max_length - special_token_count(false);
  append_text_ids(text, room, scratch, scratch.a);
  if (scratch.a.size() > room) scratch.a.resize(room);
  scratch.b.clear();
  return apply_template(single_, scratch.a, scratch.b);
}

Encoding Tokenizer::encode_pair(std::string_view a, std::string_view b, std::size_t max_length,
                                TruncationSide side) const {
  Scratch scratch;
  return encode_pair(a, b, max_length, side, scratch);
}

Encoding Tokenizer::encode_pair(std::string_view a, std::string_view b, std::size_t max_length, TruncationSide side,
                                Scratch& scratch) const {
  check_max_length(max_length, true);
  require_valid_utf8(a);
  require_valid_utf8(b);
  scratch.a.clear();
  scratch.b.clear();
  // tokenizers stops encoding a text of a pair after the word that brings it to max_length ids,
  // and its truncation then compares those lengths (so a text cut short this way can count as
  // longer than a whole one): stopping at the same place gives the same ids. Cutting from the left
  // needs each text's end, so there the whole texts are encoded.
  const std::size_t limit = side == TruncationSide::right ? max_length : std::numeric_limits<std::size_t>::max();
  append_text_ids(a, limit, scratch, scratch.a);
  append_text_ids(b, limit, scratch, scratch.b);
  // tokenizers' TruncationStrategy::LongestFirst, step by step.
  const std::size_t room = max_length - special_token_count(true);
  if (scratch.a.size() + scratch.b.size() > room) {
    std::size_t n1 = scratch.a.size(), n2 = scratch.b.size();
    const bool swap = n1 > n2;
    if (swap) std::swap(n1, n2);
    n2 = n1 > room ? n1 : std::max(n1, room - n1);
    if (n1 + n2 > room) {
      n1 = room / 2;
      n2 = n1 + room % 2;
    }
    if (swap) std::swap(n1, n2);
    const auto keep = [side](std::vector<std::int32_t>& ids, std::size_t n) {
      if (ids.size() <= n) return;
      if (side == TruncationSide::left) ids.erase(ids.begin(), ids.end() - static_cast<std::ptrdiff_t>(n));
      else ids.resize(n);
    };
    keep(scratch.a, n1);
    keep(scratch.b, n2);
  }
  return apply_template(pair_, scratch.a, scratch.b);
}

Encoding Tokenizer::apply_template(const std::vector<TemplateToken>& pieces, const std::vector<std::int32_t>& a,
                                   const std::vector<std::int32_t>& b) const {
  Encoding encoding;
  const std::size_t total = a.size() + b.size() + pieces.size();
  encoding.ids.reserve(total);
  encoding.token_type_ids.reserve(total);
  for (const TemplateToken& piece : pieces) {
    if (piece.id >= 0) {
      encoding.ids.push_back(piece.id);
      encoding.token_type_ids.push_back(piece.type_id);
      continue;
    }
    const std::vector<std::int32_t>& text = piece.sequence == 0 ? a : b;
    encoding.ids.insert(encoding.ids.end(), text.begin(), text.end());
    encoding.token_type_ids.resize(encoding.ids.size(), piece.type_id);
  }
  encoding.attention_mask.assign(encoding.ids.size(), 1);
  return encoding;
}

void Tokenizer::append_text_ids(std::string_view text, std::size_t limit, Scratch& scratch,
                                std::vector<std::int32_t>& ids) const {
  // HF tokenizes the whole text and then truncates; stopping once `limit` ids are out gives the
  // same ids, since each id depends only on the text before it.
  raw_added_tokens_.split(text, scratch.pieces);
  for (const TextPiece& piece : scratch.pieces) {
    if (ids.size() >= limit) break;
    if (piece.id >= 0) {
      ids.push_back(piece.id);
      continue;
    }
    normalizer_.normalize(piece.text, scratch.normalized);
    normalized_added_tokens_.split(scratch.normalized, scratch.normalized_pieces);
    for (const TextPiece& normalized : scratch.normalized_pieces) {
      if (ids.size() >= limit) break;
      if (normalized.id >= 0) {
        ids.push_back(normalized.id);
        continue;
      }
      if (!append_piece_ids(normalized.text, limit, scratch, ids)) break;
    }
  }
}

bool Tokenizer::append_piece_ids(std::string_view piece, std::size_t limit, Scratch& scratch,
                                 std::vector<std::int32_t>& ids) const {
  const auto on_word = [&](std::string_view word) {
    append_word_ids(word, ids);
    return ids.size() < limit;
  };
  switch (pre_tokenizer_.kind) {
    case PreTokenizerKind::none:
      on_word(piece);
      break;
    case PreTokenizerKind::bert:
      for_each_word(piece, on_word);
      break;
    case PreTokenizerKind::byte_level: {
      if (pre_tokenizer_.add_prefix_space && !piece.starts_with(' ')) {
        scratch.prefixed.assign(1, ' ');
        scratch.prefixed.append(piece);
        piece = scratch.prefixed;
      }
      const auto on_bytes = [&](std::string_view word) {
        scratch.word.clear();
        append_byte_level(word, scratch.word);
        return on_word(scratch.word);
      };
      if (pre_tokenizer_.use_regex) {
        for_each_gpt2_word(piece, on_bytes);
      } else {
        on_bytes(piece);
      }
      break;
    }
  }
  return ids.size() < limit;
}

void Tokenizer::append_word_ids(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (model_ == ModelKind::wordpiece) {
    wordpiece_.tokenize(word, ids);
  } else {
    bpe_.tokenize(word, ids);
  }
}

template <typename EncodeOne>
std::vector<Encoding> Tokenizer::encode_each(std::size_t count, EncodeOne encode_one) const {
  std::vector<Encoding> encodings(count);
  const auto n = static_cast<std::ptrdiff_t>(count);
  // Exceptions must not leave an OpenMP region: remember the first failing text, throw after.
  std::ptrdiff_t first_failure = n;
  std::exception_ptr failure;
#pragma omp parallel
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 64)
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      try {
        encodings[static_cast<std::size_t>(i)] = encode_one(static_cast<std::size_t>(i), scratch);
      } catch (...) {
#pragma omp critical(textclass_text_encode_batch)
        if (i < first_failure) {
          first_failure = i;
          failure = std::current_exception();
        }
      }
    }
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const Error& e) {
      throw BatchError(static_cast<std::size_t>(first_failure), e.what());
    }
  }
  return encodings;
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts, std::size_t max_length) const {
  check_max_length(max_length, false);  // before the loop: it is not the fault of any one text
  return encode_each(texts.size(),
                     [&](std::size_t i, Scratch& scratch) { return encode(texts[i], max_length, scratch); });
}

std::vector<Encoding> Tokenizer::encode_pair_batch(const std::vector<std::string>& texts,
                                                   const std::vector<std::string>& pairs, std::size_t max_length) const {
  if (texts.size() != pairs.size()) {
    throw std::invalid_argument(fmt::format("encode_pair_batch: {} texts but {} second texts", texts.size(), pairs.size()));
  }
  check_max_length(max_length, true);
  return encode_each(texts.size(), [&](std::size_t i, Scratch& scratch) {
    return encode_pair(texts[i], pairs[i], max_length, TruncationSide::right, scratch);
  });
}

std::vector<std::string> Tokenizer::tokens(std::string_view text, std::size_t max_length) const {
  const Encoding encoding = encode(text, max_length);
  std::vector<std::string> result;
  result.reserve(encoding.ids.size());
  for (const std::int32_t id : encoding.ids) result.push_back(id_to_token(id));
  return result;
}

}  // namespace textclass::text
