#pragma once
// Where a --model argument points: a path, or the name of a model shipped under data/.
#include <filesystem>
#include <string>

namespace textclass::cli {

// An existing path is used as is. A name such as "bert-base-cased" is looked for as ./data/NAME,
// then next to the executable as ../data/NAME and ../../data/NAME (a build directory inside the
// repository). Anything else is an Error listing the places it looked.
std::filesystem::path resolve_model_dir(const std::string& dir_or_name);

}  // namespace textclass::cli
