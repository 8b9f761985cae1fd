#pragma once
// Reading the tokenizer's files whole, with errors that name the file.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace textclass::text {

std::string read_file(const std::filesystem::path& file);

// Parse errors become textclass::Error("FILE: ...").
nlohmann::json read_json_file(const std::filesystem::path& file);

}  // namespace textclass::text
