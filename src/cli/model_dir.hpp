#pragma once
// Where a --model argument points: a folder, a model bundled under data/, or a HuggingFace hub
// model (from huggingface_hub's cache, else downloaded into it).
#include <filesystem>
#include <optional>
#include <string>

#include "textclass/hub/model_files.hpp"

namespace textclass::cli {

// An existing path is used as is (a folder must hold what `need` asks for). A name such as
// "bert-base-cased" is looked for as ./data/NAME, then next to the executable as ../data/NAME and
// ../../data/NAME (a build directory inside the repository) -- bundled folders hold tokenizers
// only, so they serve Need::weights only if they also hold weights -- and then on the hub
// (hub::resolve_model: the cache, then a download unless HF_HUB_OFFLINE). Anything else is an
// Error saying where it looked.
hub::ModelFiles resolve_model_files(const std::string& dir_or_name, hub::Need need);

// A file or folder shipped under data/ (e.g. "ag_news/classes.txt"), looked for where
// resolve_model_files looks for bundled models; nothing when it is in none of those places.
std::optional<std::filesystem::path> find_bundled(const std::string& relative);

// resolve_model_files(dir_or_name, need).dir
std::filesystem::path resolve_model_dir(const std::string& dir_or_name, hub::Need need = hub::Need::tokenizer_only);

}  // namespace textclass::cli
