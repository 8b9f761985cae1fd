#pragma once
// tests/fixtures/tokenizers/ (the other families' tokenizer files and HF's ids and offsets for
// them, written by make_ids.js and make_offsets.js there) as the text tests read it.
#include <zlib.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "textclass/text/tokenizer.hpp"

namespace textclass::text::test_support {

inline const std::filesystem::path source_dir = TEXTCLASS_SOURCE_DIR;
inline const std::filesystem::path fixtures = source_dir / "tests/fixtures/tokenizers";

// The models with fixtures, as test parameters, and their names as test names.
inline auto fixture_models() {
  return ::testing::Values("roberta-base", "distilbert-base-uncased", "modernbert-base", "bert-base-cased");
}
inline std::string model_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// A model's tokenizer.json (bert-base-cased's is the one in data/).
inline std::filesystem::path tokenizer_file(const std::string& model) {
  if (model == "bert-base-cased") return source_dir / "data/bert-base-cased/tokenizer.json";
  return fixtures / model / "tokenizer.json";
}

// Each tokenizer loaded once per test program.
inline const Tokenizer& tokenizer_of(const std::filesystem::path& path) {
  static std::map<std::filesystem::path, Tokenizer> loaded;
  auto it = loaded.find(path);
  if (it == loaded.end()) it = loaded.emplace(path, Tokenizer::load(path)).first;
  return it->second;
}

// A file's lines, gunzipped where its name ends in .gz.
inline std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::string text;
  if (file.extension() == ".gz") {
    gzFile in = gzopen(file.c_str(), "rb");
    if (in == nullptr) throw std::runtime_error("cannot open " + file.string());
    char buffer[1 << 16];
    int count;
    while ((count = gzread(in, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(count));
    gzclose(in);
  } else {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// A JSON Lines file's records (gzipped or not).
inline std::vector<nlohmann::json> read_jsonl(const std::filesystem::path& file) {
  std::vector<nlohmann::json> records;
  for (const std::string& line : read_lines(file)) records.push_back(nlohmann::json::parse(line));
  return records;
}

}  // namespace textclass::text::test_support
