#pragma once
// Models by name or path: a local folder, or a HuggingFace hub repository ("bert-base-cased",
// "ORG/NAME") found in, or downloaded into, huggingface_hub's cache.
#include <filesystem>
#include <functional>
#include <string>

#include "textclass/hub/hub_settings.hpp"

namespace textclass::hub {

enum class Need {
  tokenizer_only,  // tokenizer.json or vocab.txt (+ tokenizer_config.json, special_tokens_map.json)
  config,          // the tokenizer and config.json (a model initialised at random: train --init random)
  weights,         // the tokenizer, config.json and model.safetensors
};

struct ModelFiles {
  std::filesystem::path dir;  // holds the files `need` asked for, in HF's names
  std::string origin;         // where they came from, for messages: "hub cache, commit 1234abc", ...
};

// The files a model folder has to offer, asked for in order through `has` (which finds, or
// fetches, one file and says whether it exists), stopping at the first missing requirement;
// returns that requirement ("config.json", "tokenizer.json or vocab.txt", "model.safetensors"),
// or "" when none is missing. Optional files are asked for too, so that a fetch gets them.
std::string first_missing(Need need, const std::function<bool(const std::string&)>& has);

// An existing path is a local folder and must hold what `need` asks for; a hub repository id is
// looked up in settings.cache_dir (refs/main's snapshot, used without network when complete) and
// otherwise downloaded, unless settings.offline. Throws textclass::Error saying what is missing
// where, with the HTTP status and URL for a failed request; weights must be model.safetensors
// (pytorch_model.bin is not read).
ModelFiles resolve_model(const std::string& name_or_path, Need need,
                         const HubSettings& settings = HubSettings::from_environment());

}  // namespace textclass::hub
