// read_vocab_txt(): a BERT vocab.txt plus tokenizer_config.json, read as transformers' BertTokenizer
// reads them.
#include <algorithm>

#include "textclass/error.hpp"
#include "textclass/text/files.hpp"
#include "textclass/text/tokenizer_config.hpp"
#include "textclass/text/tokenizer_spec.hpp"
#include "textclass/text/unicode.hpp"

namespace textclass::text {

TokenizerSpec read_vocab_txt(const std::filesystem::path& file) {
  TokenizerSpec spec;
  spec.source = file.string();
  const std::string text = read_file(file);
  std::size_t line_begin = 0;
  while (line_begin < text.size()) {
    std::size_t line_end = text.find('\n', line_begin);
    if (line_end == std::string::npos) line_end = text.size();
    std::string_view token(text.data() + line_begin, line_end - line_begin);
    // Python reads the file with universal newlines, so "\r\n" ends a line too.
    if (token.ends_with('\r')) token.remove_suffix(1);
    const auto id = static_cast<std::int32_t>(spec.vocab.size());
    try {
      require_valid_utf8(token);
    } catch (const Error& e) {
      throw error_at(spec.source, spec.vocab.size() + 1, e.what());
    }
    spec.vocab.emplace_back(token, id);
    line_begin = line_end + 1;
  }

  const TokenizerConfig config = read_tokenizer_config(file.parent_path() / "tokenizer_config.json");
  // BertTokenizer's defaults: without a config it lower-cases (right for bert-base-uncased only).
  NormalizerOptions options;
  options.clean_text = true;
  options.handle_chinese_chars = config.tokenize_chinese_chars.value_or(true);
  options.lowercase = config.do_lower_case.value_or(true);
  options.strip_accents = config.strip_accents.value_or(options.lowercase);
  spec.normalizers = bert_normalizer(options);
  spec.wordpiece.unk_token = config.unk_token;
  spec.single = {special(config.cls_token, -1), sequence(0), special(config.sep_token, -1)};
  spec.pair = {special(config.cls_token, -1), sequence(0), special(config.sep_token, -1), sequence(1, 1),
               special(config.sep_token, -1, 1)};
  spec.pad_token = config.pad_token;
  spec.model_max_length = config.model_max_length.value_or(512);
  // The named special tokens are matched whole in the text, like the added tokens of a
  // tokenizer.json; a vocabulary may lack [MASK] or [PAD], which then stay ordinary text.
  for (const std::string* name : {&config.pad_token, &config.unk_token, &config.cls_token, &config.sep_token,
                                  &config.mask_token}) {
    const auto entry = std::find_if(spec.vocab.rbegin(), spec.vocab.rend(),
                                    [&](const auto& token_id) { return token_id.first == *name; });
    if (entry != spec.vocab.rend()) spec.added_tokens.push_back({*name, entry->second});
  }
  return spec;
}

}  // namespace textclass::text
