#pragma once
// Writing a small text file of a model folder (config.json, the notebook head's Python code) the way
// its weights are written: beside the target, then renamed over it, so a crash never leaves half a file.
#include <string>

namespace textclass::model {

// Throws Error naming path when the write or the rename fails; the old file, if any, stays then.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace textclass::model
