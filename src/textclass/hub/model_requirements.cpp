// first_missing(): the files textclass reads from a model folder, in the order they are fetched:
// small files first, so a wrong name fails before a large download starts.
#include "textclass/hub/model_files.hpp"

namespace textclass::hub {

std::string first_missing(Need need, const std::function<bool(const std::string&)>& has) {
  if (need != Need::tokenizer_only && !has("config.json")) return "config.json";
  // The tokenizer reads tokenizer.json when there is one, so vocab.txt is needed only without it.
  if (!has("tokenizer.json") && !has("vocab.txt")) return "tokenizer.json or vocab.txt";
  has("tokenizer_config.json");
  has("special_tokens_map.json");
  if (need == Need::weights && !has("model.safetensors")) return "model.safetensors";
  return "";
}

}  // namespace textclass::hub
