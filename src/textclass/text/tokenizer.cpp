#include "textclass/text/tokenizer.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/text/batch_error.hpp"
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
    const fs::path json = dir_or_file / "tokenizer.json", vocab = dir_or_file / "vocab.txt";
    if (fs::exists(json)) return Tokenizer(read_tokenizer_json(json));
    if (fs::exists(vocab)) return Tokenizer(read_vocab_txt(vocab));
    throw Error(dir_or_file.string() + ": no tokenizer.json or vocab.txt in this directory");
  }
  if (!fs::exists(dir_or_file)) throw Error(dir_or_file.string() + ": no such file or directory");
  if (dir_or_file.extension() == ".json") return Tokenizer(read_tokenizer_json(dir_or_file));
  return Tokenizer(read_vocab_txt(dir_or_file));
}

Tokenizer::Tokenizer(const TokenizerSpec& spec)
    : normalizer_(spec.normalizer),
      wordpiece_(views_of(spec.vocab), spec.wordpiece, spec.source),
      added_tokens_(spec.added_tokens),
      text_type_id_(spec.text_type_id),
      model_max_length_(spec.model_max_length) {
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
  id_to_token_.resize(static_cast<std::size_t>(largest_id + 1));
  for (const auto& [token, id] : spec.vocab) id_to_token_[static_cast<std::size_t>(id)] = token;
  for (const AddedToken& token : added_tokens_) id_to_token_[static_cast<std::size_t>(token.id)] = token.content;

  const auto template_tokens = [&](const std::vector<SpecialToken>& specials) {
    std::vector<TemplateToken> result;
    for (const SpecialToken& special : specials) {
      const std::int32_t id = find_token(special.token);
      if (id < 0) throw Error(spec.source + ": the vocabulary has no " + special.token + " token");
      result.push_back({id, special.type_id});
    }
    return result;
  };
  before_text_ = template_tokens(spec.before_text);
  after_text_ = template_tokens(spec.after_text);
  // Padding positions are masked out of attention, so a vocabulary without [PAD] can pad with 0.
  pad_id_ = std::max(0, find_token(spec.pad_token));
}

std::int32_t Tokenizer::find_token(std::string_view token) const {
  for (const AddedToken& added : added_tokens_) {
    if (added.content == token) return added.id;
  }
  return wordpiece_.find(token);
}

const std::string& Tokenizer::id_to_token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= id_to_token_.size()) {
    throw std::out_of_range(fmt::format("token id {} is outside the vocabulary of {}", id, id_to_token_.size()));
  }
  return id_to_token_[static_cast<std::size_t>(id)];
}

Encoding Tokenizer::encode(std::string_view text, std::size_t max_length) const {
  Scratch scratch;
  return encode(text, max_length, scratch);
}

void Tokenizer::check_max_length(std::size_t max_length) const {
  const std::size_t specials = before_text_.size() + after_text_.size();
  if (max_length < specials) {
    throw Error(fmt::format("max_length {} leaves no room for the {} special tokens", max_length, specials));
  }
}

Encoding Tokenizer::encode(std::string_view text, std::size_t max_length, Scratch& scratch) const {
  check_max_length(max_length);
  const std::size_t specials = before_text_.size() + after_text_.size();
  // Validating first lets every later step decode without checks.
  require_valid_utf8(text);
  Encoding encoding;
  std::vector<std::int32_t>& ids = encoding.ids;
  ids.reserve(std::min(max_length, specials + text.size() / 4 + 8));
  for (const TemplateToken& token : before_text_) {
    ids.push_back(token.id);
    encoding.token_type_ids.push_back(token.type_id);
  }
  append_text_ids(text, before_text_.size() + (max_length - specials), scratch, ids);
  encoding.token_type_ids.resize(ids.size(), text_type_id_);
  for (const TemplateToken& token : after_text_) {
    ids.push_back(token.id);
    encoding.token_type_ids.push_back(token.type_id);
  }
  encoding.attention_mask.assign(ids.size(), 1);
  return encoding;
}

void Tokenizer::append_text_ids(std::string_view text, std::size_t limit, Scratch& scratch,
                                std::vector<std::int32_t>& ids) const {
  // HF tokenizes the whole text and then truncates; stopping once `limit` ids are out gives the
  // same ids, since each id depends only on the text before it.
  const auto not_full = [&] { return ids.size() < limit; };
  raw_added_tokens_.split(text, scratch.pieces);
  for (const TextPiece& piece : scratch.pieces) {
    if (!not_full()) break;
    if (piece.id >= 0) {
      ids.push_back(piece.id);
      continue;
    }
    normalizer_.normalize(piece.text, scratch.normalized);
    normalized_added_tokens_.split(scratch.normalized, scratch.normalized_pieces);
    for (const TextPiece& normalized : scratch.normalized_pieces) {
      if (!not_full()) break;
      if (normalized.id >= 0) {
        ids.push_back(normalized.id);
        continue;
      }
      for_each_word(normalized.text, [&](std::string_view word) {
        wordpiece_.tokenize(word, ids);
        return not_full();
      });
    }
  }
  if (ids.size() > limit) ids.resize(limit);
}

std::vector<Encoding> Tokenizer::encode_batch(const std::vector<std::string>& texts, std::size_t max_length) const {
  check_max_length(max_length);  // before the loop: it is not the fault of any one text
  std::vector<Encoding> encodings(texts.size());
  const auto count = static_cast<std::ptrdiff_t>(texts.size());
  // Exceptions must not leave an OpenMP region: remember the first failing text, throw after.
  std::ptrdiff_t first_failure = count;
  std::exception_ptr failure;
#pragma omp parallel
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 64)
    for (std::ptrdiff_t i = 0; i < count; ++i) {
      try {
        encodings[static_cast<std::size_t>(i)] = encode(texts[static_cast<std::size_t>(i)], max_length, scratch);
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

std::vector<std::string> Tokenizer::tokens(std::string_view text, std::size_t max_length) const {
  const Encoding encoding = encode(text, max_length);
  std::vector<std::string> result;
  result.reserve(encoding.ids.size());
  for (const std::int32_t id : encoding.ids) result.push_back(id_to_token(id));
  return result;
}

}  // namespace textclass::text
