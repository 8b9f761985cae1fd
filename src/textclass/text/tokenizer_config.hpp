#pragma once
// tokenizer_config.json, the transformers-side options saved next to a vocabulary: the casing and
// accent options a bare vocab.txt needs, the special tokens' names and model_max_length.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace textclass::text {

struct TokenizerConfig {
  std::optional<bool> do_lower_case;
  std::optional<bool> strip_accents;  // null in the file: follow do_lower_case
  std::optional<bool> tokenize_chinese_chars;
  std::optional<std::size_t> model_max_length;  // huge values ("no limit") read as SIZE_MAX
  std::string unk_token = "[UNK]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string cls_token = "[CLS]";
  std::string mask_token = "[MASK]";
};

// Reads `file`; a file that does not exist gives the defaults above.
TokenizerConfig read_tokenizer_config(const std::filesystem::path& file);

}  // namespace textclass::text
