// read_vocab_json(): the files of a GPT-2-style byte-level BPE tokenizer that ships no
// tokenizer.json (vocab.json, merges.txt, and tokenizer_config.json / special_tokens_map.json if
// present), read as transformers' converter builds the fast tokenizer from them: BPE with no
// unk token, the ByteLevel pre-tokenizer, and RoBERTa's <s> ... </s> template unless the config
// names GPT2Tokenizer (which adds no tokens).
#include <limits>
#include <map>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"
#include "textclass/text/tokenizer_config.hpp"
#include "textclass/text/tokenizer_spec.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {
namespace {

using nlohmann::json;

struct SpecialTokenEntry {
  std::string content;
  bool lstrip = false, rstrip = false, single_word = false, normalized = true;
};

// RobertaTokenizer's special tokens and their defaults.
std::map<std::string, SpecialTokenEntry> default_special_tokens() {
  return {{"bos_token", {"<s>"}},  {"eos_token", {"</s>"}}, {"sep_token", {"</s>"}},
          {"cls_token", {"<s>"}},  {"unk_token", {"<unk>"}}, {"pad_token", {"<pad>"}},
          {"mask_token", {"<mask>", true}}};
}

// Overrides `tokens` with the special tokens a config file names (a string or an AddedToken object).
void read_special_tokens(const json& config, std::map<std::string, SpecialTokenEntry>& tokens) {
  for (auto& [key, entry] : tokens) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null()) continue;
    if (it->is_string()) {
      entry.content = it->get<std::string>();
      continue;
    }
    entry.content = it->at("content").get<std::string>();
    entry.lstrip = it->value("lstrip", entry.lstrip);
    entry.rstrip = it->value("rstrip", entry.rstrip);
    entry.single_word = it->value("single_word", entry.single_word);
    entry.normalized = it->value("normalized", entry.normalized);
  }
}

json read_optional_json(const std::filesystem::path& file) {
  return std::filesystem::exists(file) ? read_json_file(file) : json::object();
}

}  // namespace

TokenizerSpec read_vocab_json(const std::filesystem::path& file) {
  TokenizerSpec spec;
  spec.source = file.string();
  const std::filesystem::path dir = file.parent_path();
  const json vocab = read_json_file(file);
  try {
    if (!vocab.is_object()) throw Error("expected an object of token: id");
    for (const auto& [token, id] : vocab.items()) {
      const auto value = id.get<std::int64_t>();
      if (value < 0 || value > std::numeric_limits<std::int32_t>::max()) throw Error("token id out of range: " + token);
      spec.vocab.emplace_back(token, static_cast<std::int32_t>(value));
    }
  } catch (const json::exception& e) {
    throw Error(spec.source + ": " + e.what());
  } catch (const Error& e) {
    throw Error(spec.source + ": " + e.what());
  }

  // merges.txt: an optional "#version" line, then "left right" per line.
  const std::filesystem::path merges_file = dir / "merges.txt";
  if (!std::filesystem::exists(merges_file)) throw Error(merges_file.string() + ": missing (vocab.json needs it)");
  const std::string merges = read_file(merges_file);
  std::size_t line_begin = 0, line_number = 0;
  while (line_begin < merges.size()) {
    std::size_t line_end = merges.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = merges.size();
    std::string_view line(merges.data() + line_begin, line_end - line_begin);
    line_begin = line_end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if ((line_number == 1 && line.starts_with("#version")) || line.empty()) continue;
    try {
      require_valid_utf8(line);
    } catch (const Error& e) {
      throw error_at(merges_file.string(), line_number, e.what());
    }
    const auto space = line.find(' ');
    if (space == std::string_view::npos || line.find(' ', space + 1) != std::string_view::npos) {
      throw error_at(merges_file.string(), line_number, "expected two tokens separated by one space");
    }
    spec.merges.emplace_back(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
  }

  const json config = read_optional_json(dir / "tokenizer_config.json");
  const json special_map = read_optional_json(dir / "special_tokens_map.json");
  std::map<std::string, SpecialTokenEntry> specials = default_special_tokens();
  std::string tokenizer_class;
  bool add_prefix_space = false;
  try {
    read_special_tokens(special_map, specials);
    read_special_tokens(config, specials);
    if (const auto it = config.find("tokenizer_class"); it != config.end() && it->is_string()) tokenizer_class = *it;
    if (const auto it = config.find("add_prefix_space"); it != config.end() && it->is_boolean()) add_prefix_space = *it;
  } catch (const json::exception& e) {
    throw Error((dir / "tokenizer_config.json").string() + ": " + e.what());
  }
  spec.model_max_length = read_tokenizer_config(dir / "tokenizer_config.json").model_max_length.value_or(512);

  spec.normalizers.clear();
  spec.pre_tokenizer = {PreTokenizerKind::byte_level, add_prefix_space, true};
  spec.model = ModelKind::bpe;
  const auto id_of = [&](const std::string& token) -> std::int32_t {
    for (const auto& [text, id] : spec.vocab) {
      if (text == token) return id;
    }
    return -1;
  };
  // Special tokens present in the vocabulary are matched whole in the text, as added tokens.
  for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"}) {
    const SpecialTokenEntry& entry = specials.at(key);
    const std::int32_t id = id_of(entry.content);
    if (id < 0) continue;
    spec.added_tokens.push_back({entry.content, id, entry.normalized, entry.single_word, entry.lstrip, entry.rstrip});
  }
  spec.pad_token = specials.at("pad_token").content;
  if (tokenizer_class.starts_with("GPT2")) {
    spec.single = {sequence(0)};
    spec.pair = {sequence(0), sequence(1, 1)};
  } else {
    const std::string& cls = specials.at("cls_token").content;
    const std::string& sep = specials.at("sep_token").content;
    spec.single = {special(cls, -1), sequence(0), special(sep, -1)};
    spec.pair = {special(cls, -1), sequence(0), special(sep, -1), special(sep, -1), sequence(1), special(sep, -1)};
    // transformers' RoBERTa converter: RobertaProcessing(add_prefix_space=..., trim_offsets=True);
    // GPT-2's ByteLevel post-processor keeps the offsets as they are.
    spec.trim_offsets = true;
    spec.trim_keeps_prefix_space = add_prefix_space;
  }
  return spec;
}

}  // namespace textclass::text
