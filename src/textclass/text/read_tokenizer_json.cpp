// read_tokenizer_json(): the HuggingFace `tokenizers` file of a BERT tokenizer. Only the parts a
// BERT WordPiece tokenizer uses are accepted; anything else is an Error rather than a tokenizer
// that silently differs from HuggingFace's.
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

std::string type_of(const json& component) { return component.at("type").get<std::string>(); }

void read_model(const json& model, TokenizerSpec& spec) {
  if (type_of(model) != "WordPiece") throw Error("unsupported model type " + type_of(model) + " (only WordPiece)");
  for (const auto& [token, id] : model.at("vocab").items()) {
    const auto value = id.get<std::int64_t>();
    if (value < 0 || value > std::numeric_limits<std::int32_t>::max()) throw Error("token id out of range: " + token);
    spec.vocab.emplace_back(token, static_cast<std::int32_t>(value));
  }
  read_optional(model, "unk_token", spec.wordpiece.unk_token);
  read_optional(model, "continuing_subword_prefix", spec.wordpiece.continuing_subword_prefix);
  read_optional(model, "max_input_chars_per_word", spec.wordpiece.max_input_chars_per_word);
}

void read_normalizer(const json& normalizer, TokenizerSpec& spec) {
  if (normalizer.is_null()) {
    spec.normalizer = {false, false, false, false};
    return;
  }
  if (type_of(normalizer) != "BertNormalizer") {
    throw Error("unsupported normalizer type " + type_of(normalizer) + " (only BertNormalizer)");
  }
  NormalizerOptions& options = spec.normalizer;
  options.lowercase = true;  // tokenizers' defaults, for keys the file leaves out
  read_optional(normalizer, "clean_text", options.clean_text);
  read_optional(normalizer, "handle_chinese_chars", options.handle_chinese_chars);
  read_optional(normalizer, "lowercase", options.lowercase);
  options.strip_accents = options.lowercase;  // null means "as lowercase"
  read_optional(normalizer, "strip_accents", options.strip_accents);
}

void read_added_tokens(const json& added_tokens, TokenizerSpec& spec) {
  for (const json& token : added_tokens) {
    const auto content = token.at("content").get<std::string>();
    for (const char* option : {"single_word", "lstrip", "rstrip"}) {
      if (token.value(option, false)) throw Error("added token " + content + ": " + option + " is not supported");
    }
    spec.added_tokens.push_back({content, token.at("id").get<std::int32_t>(), token.value("normalized", false)});
  }
}

// The single-sequence part of a TemplateProcessing ("[CLS] $A [SEP]") or a BertProcessing.
void read_post_processor(const json& processor, TokenizerSpec& spec) {
  if (processor.is_null()) throw Error("no post_processor: expected BERT's [CLS] text [SEP] template");
  spec.before_text.clear();
  spec.after_text.clear();
  if (type_of(processor) == "BertProcessing") {
    spec.before_text.push_back({processor.at("cls").at(0).get<std::string>(), 0});
    spec.after_text.push_back({processor.at("sep").at(0).get<std::string>(), 0});
    return;
  }
  if (type_of(processor) != "TemplateProcessing") {
    throw Error("unsupported post_processor type " + type_of(processor));
  }
  bool seen_text = false;
  for (const json& piece : processor.at("single")) {
    if (const auto sequence = piece.find("Sequence"); sequence != piece.end()) {
      seen_text = true;
      spec.text_type_id = sequence->at("type_id").get<std::int32_t>();
      continue;
    }
    const json& special = piece.at("SpecialToken");
    const auto type_id = special.at("type_id").get<std::int32_t>();
    const json& tokens = processor.at("special_tokens").at(special.at("id").get<std::string>()).at("tokens");
    for (const json& token : tokens) {
      (seen_text ? spec.after_text : spec.before_text).push_back({token.get<std::string>(), type_id});
    }
  }
}

}  // namespace

TokenizerSpec read_tokenizer_json(const std::filesystem::path& file) {
  const json tokenizer = read_json_file(file);
  TokenizerSpec spec;
  spec.source = file.string();
  const TokenizerConfig config = read_tokenizer_config(file.parent_path() / "tokenizer_config.json");
  try {
    read_model(tokenizer.at("model"), spec);
    read_normalizer(tokenizer.value("normalizer", json()), spec);
    const json pre_tokenizer = tokenizer.value("pre_tokenizer", json());
    if (pre_tokenizer.is_null() || type_of(pre_tokenizer) != "BertPreTokenizer") {
      throw Error("unsupported pre_tokenizer (only BertPreTokenizer)");
    }
    read_added_tokens(tokenizer.value("added_tokens", json::array()), spec);
    read_post_processor(tokenizer.value("post_processor", json()), spec);
    // transformers truncates to tokenizer_config's model_max_length; the truncation saved in
    // tokenizer.json is only the fallback.
    const json truncation = tokenizer.value("truncation", json());
    if (config.model_max_length) {
      spec.model_max_length = *config.model_max_length;
    } else if (truncation.is_object()) {
      spec.model_max_length = truncation.at("max_length").get<std::size_t>();
    }
    if (const json padding = tokenizer.value("padding", json()); padding.is_object()) {
      read_optional(padding, "pad_token", spec.pad_token);
    } else {
      spec.pad_token = config.pad_token;
    }
  } catch (const Error& e) {
    throw Error(spec.source + ": " + e.what());
  } catch (const json::exception& e) {
    throw Error(spec.source + ": " + e.what());
  }
  return spec;
}

}  // namespace textclass::text
