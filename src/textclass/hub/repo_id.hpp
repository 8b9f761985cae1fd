#pragma once
// Hub model names ("bert-base-cased", "google-bert/bert-base-cased") and their cache folders.
#include <string>
#include <string_view>

namespace textclass::hub {

// Whether `name` can be a hub repository id, by huggingface_hub's rules: NAME or ORG/NAME, each
// part of letters, digits, '-', '_' and '.', not starting or ending with '-' or '.', without "--"
// or "..", at most 96 characters. Anything else ("./x", "/abs", "a/b/c") can only be a path.
bool is_repo_id(std::string_view name);

// The repository's folder in the hub cache: "models--ORG--NAME" ("models--NAME" without an ORG).
std::string repo_folder_name(std::string_view repo_id);

}  // namespace textclass::hub
