#include "textclass/text/bpe.hpp"

#include <algorithm>
#include <atomic>
#include <queue>

#include <fmt/core.h>

#include "textclass/error.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {
namespace {

std::size_t next_instance() {
  static std::atomic<std::size_t> counter{0};
  return ++counter;
}

// One thread's encoded words, for the model it was last used with.
struct WordCache {
  std::size_t instance = 0;
  std::unordered_map<std::string, std::vector<std::int32_t>> words;
};

constexpr std::size_t cache_capacity = 10'000;  // words, as tokenizers' BPE cache; a full cache takes no more
constexpr std::size_t cached_word_bytes = 256;  // longer words are not kept

WordCache& thread_cache() {
  thread_local WordCache cache;
  return cache;
}

struct Symbol {
  std::int32_t id;
  std::int32_t prev, next;  // -1 at the ends
  bool removed = false;
};

// A merge waiting in the queue: the lowest rank first, of equal ranks the leftmost.
struct Candidate {
  std::int32_t rank;
  std::int32_t pos;
  std::int32_t new_id;
  bool operator<(const Candidate& other) const {
    return rank != other.rank ? rank > other.rank : pos > other.pos;
  }
};

}  // namespace

BytePairEncoding::BytePairEncoding(const TokenEntries& vocab,
                                   const std::vector<std::pair<std::string, std::string>>& merges,
                                   BpeOptions options, const std::string& source)
    : vocab_(vocab), options_(std::move(options)), instance_(next_instance()) {
  const std::size_t prefix_length = options_.continuing_subword_prefix.size();
  merges_.reserve(merges.size());
  for (std::size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [left, right] = merges[rank];
    const std::int32_t left_id = vocab_.find(left), right_id = vocab_.find(right);
    const auto missing = [&, &left = left, &right = right](const std::string& token) {
      return Error(fmt::format("{}: merge {} ({} {}): {} is not in the vocabulary", source, rank + 1, left, right,
                               token));
    };
    if (left_id < 0) throw missing(left);
    if (right_id < 0) throw missing(right);
    // tokenizers drops the prefix's length from the right token, whatever it starts with.
    const std::string merged = left + right.substr(std::min(prefix_length, right.size()));
    const std::int32_t new_id = vocab_.find(merged);
    if (new_id < 0) throw missing(merged);
    // A pair listed twice keeps its last rank, as tokenizers' map does.
    merges_.insert_or_assign(pair_key(left_id, right_id), Merge{static_cast<std::int32_t>(rank), new_id});
  }
  if (options_.unk_token) {
    unk_id_ = vocab_.find(*options_.unk_token);
    if (unk_id_ < 0) throw Error(source + ": model: the vocabulary has no unk_token " + *options_.unk_token);
  }
}

const BytePairEncoding::Merge* BytePairEncoding::find_merge(std::int32_t left, std::int32_t right) const {
  const auto it = merges_.find(pair_key(left, right));
  return it == merges_.end() ? nullptr : &it->second;
}

void BytePairEncoding::tokenize(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (word.empty()) return;
  if (word.size() > cached_word_bytes) {
    merge_word(word, ids, nullptr);
    return;
  }
  WordCache& cache = thread_cache();
  if (cache.instance != instance_) {
    cache.words.clear();
    cache.instance = instance_;
  }
  // The key is built in a reused string, so a hit allocates nothing.
  thread_local std::string key;
  key.assign(word);
  if (const auto hit = cache.words.find(key); hit != cache.words.end()) {
    ids.insert(ids.end(), hit->second.begin(), hit->second.end());
    return;
  }
  const std::size_t first = ids.size();
  merge_word(word, ids, nullptr);
  if (cache.words.size() >= cache_capacity) return;
  cache.words.emplace(key, std::vector<std::int32_t>(ids.begin() + static_cast<std::ptrdiff_t>(first), ids.end()));
}

void BytePairEncoding::tokenize(std::string_view word, std::vector<std::int32_t>& ids,
                                std::vector<ByteRange>& ranges) const {
  if (!word.empty()) merge_word(word, ids, &ranges);
}

void BytePairEncoding::merge_word(std::string_view word, std::vector<std::int32_t>& ids,
                                  std::vector<ByteRange>* ranges) const {
  if (options_.ignore_merges) {
    if (const std::int32_t id = vocab_.find(word); id >= 0) {
      ids.push_back(id);
      if (ranges != nullptr) ranges->push_back({0, word.size()});
      return;
    }
  }
  std::vector<Symbol> symbols;
  symbols.reserve(word.size());
  std::vector<ByteRange> symbol_ranges;  // each initial symbol's bytes of `word`, when asked for
  const auto add = [&](std::int32_t id, ByteRange range) {
    const auto index = static_cast<std::int32_t>(symbols.size());
    if (!symbols.empty()) symbols.back().next = index;
    symbols.push_back({id, index - 1, -1});
    if (ranges != nullptr) symbol_ranges.push_back(range);
  };
  std::int32_t pending_unk = -1;  // an unk not yet added (fuse_unk may extend it)
  ByteRange pending_range;
  std::string piece;
  std::size_t i = 0;
  while (i < word.size()) {
    const std::size_t begin = i;
    next_code_point(word, i);
    piece.clear();
    if (begin > 0) piece += options_.continuing_subword_prefix;
    piece.append(word.substr(begin, i - begin));
    if (i == word.size()) piece += options_.end_of_word_suffix;
    if (const std::int32_t id = vocab_.find(piece); id >= 0) {
      if (pending_unk >= 0) add(pending_unk, pending_range);
      pending_unk = -1;
      add(id, {begin, i});
      continue;
    }
    if (options_.byte_fallback) {  // the bytes of the piece, prefix and suffix included, as tokenizers does
      std::vector<std::int32_t> bytes;
      for (const char byte : piece) {
        const std::int32_t id = vocab_.find(fmt::format("<0x{:02X}>", static_cast<unsigned char>(byte)));
        if (id < 0) break;
        bytes.push_back(id);
      }
      if (bytes.size() == piece.size()) {
        for (const std::int32_t id : bytes) add(id, {begin, i});
        continue;
      }
    }
    if (unk_id_ < 0) continue;  // no unk token: the character is dropped
    if (pending_unk >= 0 && !options_.fuse_unk) add(pending_unk, pending_range);
    if (pending_unk >= 0 && options_.fuse_unk) {
      pending_range.end = i;
    } else {
      pending_range = {begin, i};
    }
    pending_unk = unk_id_;
  }
  if (pending_unk >= 0) add(pending_unk, pending_range);

  std::priority_queue<Candidate> queue;
  for (std::size_t k = 0; k + 1 < symbols.size(); ++k) {
    if (const Merge* merge = find_merge(symbols[k].id, symbols[k + 1].id)) {
      queue.push({merge->rank, static_cast<std::int32_t>(k), merge->new_id});
    }
  }
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = symbols[static_cast<std::size_t>(top.pos)];
    if (left.removed || left.next < 0) continue;
    Symbol& right = symbols[static_cast<std::size_t>(left.next)];
    const Merge* merge = find_merge(left.id, right.id);
    if (merge == nullptr || merge->new_id != top.new_id) continue;  // an outdated entry
    left.id = top.new_id;
    right.removed = true;
    left.next = right.next;
    if (right.next >= 0) symbols[static_cast<std::size_t>(right.next)].prev = top.pos;
    if (left.prev >= 0) {
      if (const Merge* before = find_merge(symbols[static_cast<std::size_t>(left.prev)].id, left.id)) {
        queue.push({before->rank, left.prev, before->new_id});
      }
    }
    if (left.next >= 0) {
      if (const Merge* after = find_merge(left.id, symbols[static_cast<std::size_t>(left.next)].id)) {
        queue.push({after->rank, top.pos, after->new_id});
      }
    }
  }
  for (std::size_t k = 0; k < symbols.size(); ++k) {
    const Symbol& symbol = symbols[k];
    if (symbol.removed) continue;
    ids.push_back(symbol.id);
    // A symbol absorbed those up to the next one left: it covers their bytes too.
    if (ranges != nullptr) {
      const std::size_t last = symbol.next < 0 ? symbols.size() - 1 : static_cast<std::size_t>(symbol.next) - 1;
      ranges->push_back({symbol_ranges[k].begin, symbol_ranges[last].end});
    }
  }
}

}  // namespace textclass::text
