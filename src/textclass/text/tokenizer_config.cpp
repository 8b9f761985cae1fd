#include "textclass/text/tokenizer_config.hpp"

#include <limits>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"

namespace textclass::text {
namespace {

std::optional<bool> optional_bool(const nlohmann::json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  return it->get<bool>();
}

// Special tokens are saved either as a string or as an AddedToken object {"content": ...}.
void read_token_name(const nlohmann::json& config, const char* key, std::string& name) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return;
  name = it->is_object() ? it->at("content").get<std::string>() : it->get<std::string>();
}

}  // namespace

TokenizerConfig read_tokenizer_config(const std::filesystem::path& file) {
  TokenizerConfig result;
  if (!std::filesystem::exists(file)) return result;
  const nlohmann::json config = read_json_file(file);
  try {
    result.do_lower_case = optional_bool(config, "do_lower_case");
    result.strip_accents = optional_bool(config, "strip_accents");
    result.tokenize_chinese_chars = optional_bool(config, "tokenize_chinese_chars");
    if (const auto it = config.find("model_max_length"); it != config.end() && !it->is_null()) {
      // transformers writes 1e30 (as a float) for "no limit".
      const double length = it->get<double>();
      if (length < 1) throw Error(file.string() + ": model_max_length must be positive");
      result.model_max_length = length >= 1e15 ? std::numeric_limits<std::size_t>::max()
                                                : static_cast<std::size_t>(length);
    }
    read_token_name(config, "unk_token", result.unk_token);
    read_token_name(config, "sep_token", result.sep_token);
    read_token_name(config, "pad_token", result.pad_token);
    read_token_name(config, "cls_token", result.cls_token);
    read_token_name(config, "mask_token", result.mask_token);
  } catch (const nlohmann::json::exception& e) {
    throw Error(file.string() + ": " + e.what());
  }
  return result;
}

}  // namespace textclass::text
