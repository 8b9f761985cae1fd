// read_tokenizer_json(): a HuggingFace `tokenizers` file, part by part (normalizer, pre_tokenizer,
// model, post_processor, added_tokens), as tokenizers itself reads it. A component this reader
// does not implement is an Error naming it and listing those it does, rather than a tokenizer
// that silently differs from HuggingFace's.
#include <algorithm>
#include <functional>
#include <limits>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"
#include "textclass/text/tokenizer_config.hpp"
#include "textclass/text/tokenizer_spec.hpp"

namespace textclass::text {
namespace {

using nlohmann::json;

// Reads obj[key] if present and not null.
template <class T>
void read_optional(const json& obj, const char* key, T& value) {
  if (const auto it = obj.find(key); it != obj.end() && !it->is_null()) value = it->get<T>();
}

std::string type_of(const json& component) {
  if (!component.is_object()) throw Error("expected an object, found " + std::string(component.type_name()));
  const auto it = component.find("type");
  if (it == component.end()) throw Error("no \"type\"");
  return it->get<std::string>();
}

[[noreturn]] void unsupported(const std::string& type, const char* supported) {
  throw Error("unsupported type " + type + " (supported: " + std::string(supported) + ")");
}

// "[json.exception.type_error.302] type must be string" -> "type must be string"
std::string json_problem(const json::exception& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

// Runs `read` for the part `name` of the file; its errors become "FILE: NAME: problem".
void read_part(const std::string& source, const std::string& name, const std::function<void()>& read) {
  try {
    read();
  } catch (const json::exception& e) {
    throw Error(source + ": " + name + ": " + json_problem(e));
  } catch (const Error& e) {
    throw Error(source + ": " + name + ": " + e.what());
  }
}

constexpr const char* supported_normalizers =
    "BertNormalizer, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, Replace with a String "
    "pattern, Sequence of these";

void read_normalizer(const json& normalizer, std::vector<NormalizerStep>& steps) {
  if (normalizer.is_null()) return;
  const std::string type = type_of(normalizer);
  NormalizerStep step;
  if (type == "Sequence") {
    for (const json& inner : normalizer.at("normalizers")) read_normalizer(inner, steps);
    return;
  }
  if (type == "BertNormalizer") {
    NormalizerOptions& options = step.bert;
    options.lowercase = true;  // tokenizers' defaults, for keys the file leaves out
    read_optional(normalizer, "clean_text", options.clean_text);
    read_optional(normalizer, "handle_chinese_chars", options.handle_chinese_chars);
    read_optional(normalizer, "lowercase", options.lowercase);
    options.strip_accents = options.lowercase;  // null means "as lowercase"
    read_optional(normalizer, "strip_accents", options.strip_accents);
  } else if (type == "NFC") {
    step.kind = NormalizerKind::nfc;
  } else if (type == "NFD") {
    step.kind = NormalizerKind::nfd;
  } else if (type == "NFKC") {
    step.kind = NormalizerKind::nfkc;
  } else if (type == "NFKD") {
    step.kind = NormalizerKind::nfkd;
  } else if (type == "Lowercase") {
    step.kind = NormalizerKind::lowercase;
  } else if (type == "StripAccents") {
    step.kind = NormalizerKind::strip_accents;
  } else if (type == "Strip") {
    step.kind = NormalizerKind::strip;
    read_optional(normalizer, "strip_left", step.left);
    read_optional(normalizer, "strip_right", step.right);
  } else if (type == "Prepend") {
    step.kind = NormalizerKind::prepend;
    step.text = normalizer.at("prepend").get<std::string>();
  } else if (type == "Replace" && normalizer.at("pattern").contains("String")) {
    step.kind = NormalizerKind::replace;
    step.pattern = normalizer.at("pattern").at("String").get<std::string>();
    step.text = normalizer.at("content").get<std::string>();
  } else {
    unsupported(type == "Replace" ? "Replace with a Regex pattern" : type, supported_normalizers);
  }
  steps.push_back(std::move(step));
}

void read_pre_tokenizer(const json& pre_tokenizer, PreTokenizerOptions& options) {
  if (pre_tokenizer.is_null()) {
    options.kind = PreTokenizerKind::none;
    return;
  }
  const std::string type = type_of(pre_tokenizer);
  constexpr const char* supported = "BertPreTokenizer, ByteLevel, a Sequence of one of them";
  if (type == "Sequence") {
    const json& inner = pre_tokenizer.at("pretokenizers");
    if (inner.size() != 1) unsupported("Sequence of " + std::to_string(inner.size()), supported);
    read_pre_tokenizer(inner.at(0), options);
  } else if (type == "BertPreTokenizer") {
    options.kind = PreTokenizerKind::bert;
  } else if (type == "ByteLevel") {
    options.kind = PreTokenizerKind::byte_level;
    read_optional(pre_tokenizer, "add_prefix_space", options.add_prefix_space);
    read_optional(pre_tokenizer, "use_regex", options.use_regex);
  } else {
    unsupported(type, supported);
  }
}

void read_vocab(const json& vocab, TokenizerSpec& spec) {
  if (!vocab.is_object()) throw Error("vocab: expected an object of token: id");
  for (const auto& [token, id] : vocab.items()) {
    const auto value = id.get<std::int64_t>();
    if (value < 0 || value > std::numeric_limits<std::int32_t>::max()) throw Error("vocab: token id out of range: " + token);
    spec.vocab.emplace_back(token, static_cast<std::int32_t>(value));
  }
}

// Merges are "left right" strings (tokenizers before 0.20) or [left, right] arrays.
void read_merges(const json& merges, TokenizerSpec& spec) {
  if (!merges.is_array()) throw Error("merges: expected an array");
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const json& merge = merges[i];
    if (merge.is_string()) {
      const auto text = merge.get<std::string>();
      const auto space = text.find(' ');
      if (space == std::string::npos) throw Error("merge " + std::to_string(i + 1) + " (" + text + ") is not two tokens");
      spec.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
    } else if (merge.is_array() && merge.size() == 2) {
      spec.merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
    } else {
      throw Error("merge " + std::to_string(i + 1) + " is not two tokens");
    }
  }
}

void read_model(const json& model, TokenizerSpec& spec) {
  if (!model.is_object()) throw Error("expected an object");
  // Files written by old versions of tokenizers leave out "type": tokenizers then tries each model
  // in turn, and the one with merges is BPE.
  const std::string type = model.contains("type") ? type_of(model)
                           : model.contains("merges") ? "BPE"
                                                      : "WordPiece";
  if (type == "WordPiece") {
    spec.model = ModelKind::wordpiece;
    read_vocab(model.at("vocab"), spec);
    read_optional(model, "unk_token", spec.wordpiece.unk_token);
    read_optional(model, "continuing_subword_prefix", spec.wordpiece.continuing_subword_prefix);
    read_optional(model, "max_input_chars_per_word", spec.wordpiece.max_input_chars_per_word);
    return;
  }
  if (type != "BPE") unsupported(type, "WordPiece, BPE");
  spec.model = ModelKind::bpe;
  double dropout = 0;
  read_optional(model, "dropout", dropout);
  if (dropout != 0) throw Error("BPE dropout is not supported (its ids are random)");
  read_vocab(model.at("vocab"), spec);
  if (!model.contains("merges")) throw Error("BPE without merges");
  read_merges(model.at("merges"), spec);
  BpeOptions& options = spec.bpe;
  if (const auto it = model.find("unk_token"); it != model.end() && !it->is_null()) options.unk_token = it->get<std::string>();
  read_optional(model, "continuing_subword_prefix", options.continuing_subword_prefix);
  read_optional(model, "end_of_word_suffix", options.end_of_word_suffix);
  read_optional(model, "fuse_unk", options.fuse_unk);
  read_optional(model, "byte_fallback", options.byte_fallback);
  read_optional(model, "ignore_merges", options.ignore_merges);
}

void read_added_tokens(const json& added_tokens, TokenizerSpec& spec) {
  for (const json& token : added_tokens) {
    AddedToken added;
    added.content = token.at("content").get<std::string>();
    added.id = token.at("id").get<std::int32_t>();
    if (added.id < 0) throw Error("added token " + added.content + " has a negative id");
    added.normalized = token.value("normalized", !token.value("special", false));
    added.single_word = token.value("single_word", false);
    added.lstrip = token.value("lstrip", false);
    added.rstrip = token.value("rstrip", false);
    spec.added_tokens.push_back(std::move(added));
  }
}

// BertProcessing's and RobertaProcessing's ["[CLS]", 101].
TemplatePiece special_of(const json& token_and_id, std::int32_t type_id = 0) {
  return special(token_and_id.at(0).get<std::string>(), token_and_id.at(1).get<std::int32_t>(), type_id);
}

std::vector<TemplatePiece> read_template(const json& pieces, const json& special_tokens) {
  std::vector<TemplatePiece> result;
  for (const json& piece : pieces) {
    if (const auto it = piece.find("Sequence"); it != piece.end()) {
      const auto id = it->at("id").get<std::string>();
      if (id != "A" && id != "B") throw Error("template sequence " + id + " is not A or B");
      result.push_back(sequence(id == "A" ? 0 : 1, it->at("type_id").get<std::int32_t>()));
      continue;
    }
    const json& token = piece.at("SpecialToken");
    const auto type_id = token.at("type_id").get<std::int32_t>();
    const auto name = token.at("id").get<std::string>();
    if (!special_tokens.contains(name)) throw Error("template token " + name + " is not in special_tokens");
    const json& entry = special_tokens.at(name);
    const json& tokens = entry.at("tokens");
    const json& ids = entry.at("ids");
    if (tokens.size() != ids.size()) throw Error("special token " + name + " has " + std::to_string(tokens.size()) +
                                                 " tokens but " + std::to_string(ids.size()) + " ids");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      result.push_back(special(tokens[i].get<std::string>(), ids[i].get<std::int32_t>(), type_id));
    }
  }
  return result;
}

// Returns false for a post-processor that adds no tokens (ByteLevel only trims offsets).
bool read_post_processor(const json& processor, TokenizerSpec& spec) {
  const std::string type = type_of(processor);
  if (type == "ByteLevel" || type == "RobertaProcessing") {  // both trim offsets, by default
    spec.trim_offsets = processor.value("trim_offsets", true);
    spec.trim_keeps_prefix_space = processor.value("add_prefix_space", true);
  }
  if (type == "ByteLevel") return false;
  if (type == "Sequence") {
    bool found = false;
    for (const json& inner : processor.at("processors")) {
      if (read_post_processor(inner, spec)) {
        if (found) throw Error("a Sequence of more than one processor that adds tokens is not supported");
        found = true;
      }
    }
    return found;
  }
  if (type == "BertProcessing") {
    const TemplatePiece cls = special_of(processor.at("cls")), sep = special_of(processor.at("sep"));
    spec.single = {cls, sequence(0), sep};
    spec.pair = {cls, sequence(0), sep, sequence(1, 1), special_of(processor.at("sep"), 1)};
  } else if (type == "RobertaProcessing") {
    const TemplatePiece cls = special_of(processor.at("cls")), sep = special_of(processor.at("sep"));
    spec.single = {cls, sequence(0), sep};
    spec.pair = {cls, sequence(0), sep, sep, sequence(1), sep};
  } else if (type == "TemplateProcessing") {
    const json& special_tokens = processor.value("special_tokens", json::object());
    spec.single = read_template(processor.at("single"), special_tokens);
    spec.pair = read_template(processor.at("pair"), special_tokens);
  } else {
    unsupported(type, "BertProcessing, RobertaProcessing, TemplateProcessing, ByteLevel, Sequence of these");
  }
  return true;
}

}  // namespace

TokenizerSpec read_tokenizer_json(const std::filesystem::path& file) {
  const json tokenizer = read_json_file(file);
  TokenizerSpec spec;
  spec.source = file.string();
  if (!tokenizer.is_object()) throw Error(spec.source + ": expected a JSON object");
  const TokenizerConfig config = read_tokenizer_config(file.parent_path() / "tokenizer_config.json");
  const auto part = [&](const char* key) { return tokenizer.contains(key) ? tokenizer.at(key) : json(); };
  read_part(spec.source, "model", [&] {
    if (!tokenizer.contains("model")) throw Error("missing");
    read_model(tokenizer.at("model"), spec);
  });
  read_part(spec.source, "normalizer", [&] {
    spec.normalizers.clear();
    read_normalizer(part("normalizer"), spec.normalizers);
  });
  read_part(spec.source, "pre_tokenizer", [&] { read_pre_tokenizer(part("pre_tokenizer"), spec.pre_tokenizer); });
  read_part(spec.source, "added_tokens", [&] {
    const json added = part("added_tokens");
    if (!added.is_null() && !added.is_array()) throw Error("expected an array");
    if (added.is_array()) read_added_tokens(added, spec);
  });
  read_part(spec.source, "post_processor", [&] {
    const json processor = part("post_processor");
    if (processor.is_null() || !read_post_processor(processor, spec)) {
      spec.single = {sequence(0)};
      spec.pair = {sequence(0), sequence(1, 1)};
    }
  });
  read_part(spec.source, "truncation", [&] {
    // transformers truncates to tokenizer_config's model_max_length; the truncation saved in
    // tokenizer.json is only the fallback.
    const json truncation = part("truncation");
    if (config.model_max_length) {
      spec.model_max_length = *config.model_max_length;
    } else if (truncation.is_object()) {
      spec.model_max_length = truncation.at("max_length").get<std::size_t>();
    }
  });
  read_part(spec.source, "padding", [&] {
    if (const json padding = part("padding"); padding.is_object()) {
      read_optional(padding, "pad_token", spec.pad_token);
    } else {
      spec.pad_token = config.pad_token;
    }
  });
  // tokenizer_config.json often leaves the pad token out (roberta-base's names only
  // model_max_length); then it is the family's usual one, whichever the vocabulary has.
  const auto has_token = [&](const std::string& token) {
    return std::any_of(spec.added_tokens.begin(), spec.added_tokens.end(),
                       [&](const AddedToken& added) { return added.content == token; }) ||
           std::any_of(spec.vocab.begin(), spec.vocab.end(), [&](const auto& entry) { return entry.first == token; });
  };
  if (!has_token(spec.pad_token)) {
    for (const char* candidate : {"[PAD]", "<pad>", "<|padding|>"}) {
      if (has_token(candidate)) {
        spec.pad_token = candidate;
        break;
      }
    }
  }
  return spec;
}

}  // namespace textclass::text
