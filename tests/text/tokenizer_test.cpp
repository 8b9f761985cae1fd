// Tokenizer's options, limits and errors. Expected ids come from bert-base-cased itself applied to
// text transformed by hand (e.g. an uncased tokenizer on "HELLO" must give the cased ids of
// "hello"), never from a run of the code under test on the same input.
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agnews_rows.hpp"
#include "../support/scratch_dir.hpp"
#include "textclass/error.hpp"
#include "textclass/text/batch_error.hpp"
#include "textclass/text/files.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::text {
namespace {

using textclass::testing::ScratchDir;
using Ids = std::vector<std::int32_t>;

const std::filesystem::path source_dir = TEXTCLASS_SOURCE_DIR;
const std::filesystem::path bert_dir = source_dir / "data/bert-base-cased";

const Tokenizer& cased() {
  static const Tokenizer tokenizer = Tokenizer::load(bert_dir);
  return tokenizer;
}

std::vector<std::string> vocab_lines() {
  std::ifstream in(bert_dir / "vocab.txt");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// A directory with bert-base-cased's vocab.txt and the given tokenizer_config.json.
std::filesystem::path vocab_dir(const ScratchDir& dir, const std::string& config) {
  std::filesystem::copy_file(bert_dir / "vocab.txt", dir.path() / "vocab.txt");
  if (!config.empty()) dir.write("tokenizer_config.json", config);
  return dir.path();
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Tokenizer, DirectoryPrefersTokenizerJsonOverVocabTxt) {
  ScratchDir dir;
  vocab_dir(dir, R"({"do_lower_case": true})");
  std::filesystem::copy_file(bert_dir / "tokenizer.json", dir.path() / "tokenizer.json");
  EXPECT_EQ(Tokenizer::load(dir.path()).encode("Hello World").ids, cased().encode("Hello World").ids);
  std::filesystem::remove(dir.path() / "tokenizer.json");
  EXPECT_EQ(Tokenizer::load(dir.path()).encode("Hello World").ids, cased().encode("hello world").ids);
}

TEST(Tokenizer, VocabTxtLowercasesAndStripsAccentsWhenConfigured) {
  ScratchDir dir;
  const Tokenizer uncased = Tokenizer::load(vocab_dir(dir, R"({"do_lower_case": true, "strip_accents": null})"));
  EXPECT_EQ(uncased.encode("Café RÉSUMÉ Ångström").ids, cased().encode("cafe resume angstrom").ids);
}

TEST(Tokenizer, VocabTxtCanLowercaseButKeepAccents) {
  ScratchDir dir;
  const Tokenizer tokenizer = Tokenizer::load(vocab_dir(dir, R"({"do_lower_case": true, "strip_accents": false})"));
  EXPECT_EQ(tokenizer.encode("CAFÉ RÉSUMÉ").ids, cased().encode("café résumé").ids);
}

TEST(Tokenizer, VocabTxtWithoutConfigLowercasesAsBertTokenizerDoes) {
  ScratchDir dir;
  const Tokenizer tokenizer = Tokenizer::load(vocab_dir(dir, ""));
  EXPECT_EQ(tokenizer.encode("HELLO Café").ids, cased().encode("hello cafe").ids);
  EXPECT_EQ(tokenizer.model_max_length(), 512u);
}

TEST(Tokenizer, TokenizerJsonNormalizerOptionsAreHonoured) {
  ScratchDir dir;
  nlohmann::json spec = read_json_file(bert_dir / "tokenizer.json");
  spec["normalizer"]["lowercase"] = true;  // strip_accents stays null: follows lowercase
  const Tokenizer tokenizer = Tokenizer::load(dir.write("tokenizer.json", spec.dump()));
  EXPECT_EQ(tokenizer.encode("HELLO Wörld").ids, cased().encode("hello world").ids);
}

TEST(Tokenizer, ModelMaxLengthComesFromConfigElseTokenizerJson) {
  EXPECT_EQ(cased().model_max_length(), 512u);
  ScratchDir dir;
  nlohmann::json spec = read_json_file(bert_dir / "tokenizer.json");
  spec["truncation"]["max_length"] = 300;
  dir.write("tokenizer.json", spec.dump());
  EXPECT_EQ(Tokenizer::load(dir.path()).model_max_length(), 300u);
  dir.write("tokenizer_config.json", R"({"model_max_length": 128})");
  EXPECT_EQ(Tokenizer::load(dir.path()).model_max_length(), 128u);
  dir.write("tokenizer_config.json", R"({"model_max_length": 1000000000000000019884624838656})");
  EXPECT_EQ(Tokenizer::load(dir.path()).model_max_length(), std::numeric_limits<std::size_t>::max());
}

TEST(Tokenizer, TruncatesToMaxLengthIncludingSpecialTokens) {
  const auto texts = test_support::read_agnews_texts(source_dir / "data/ag_news/test.csv");
  std::string text;
  for (std::size_t row = 0; row < 20; ++row) text += texts[row] + " ";
  const Ids full = cased().encode(text, std::numeric_limits<std::size_t>::max()).ids;
  ASSERT_GT(full.size(), 600u);
  const std::int32_t cls = full.front(), sep = full.back();
  for (const std::size_t max_length : {2ul, 3ul, 10ul, 128ul, 512ul}) {
    const Encoding encoding = cased().encode(text, max_length);
    ASSERT_EQ(encoding.ids.size(), max_length);
    EXPECT_EQ(encoding.ids.front(), cls);
    EXPECT_EQ(encoding.ids.back(), sep);
    EXPECT_TRUE(std::equal(encoding.ids.begin() + 1, encoding.ids.end() - 1, full.begin() + 1)) << max_length;
    EXPECT_EQ(encoding.attention_mask, Ids(max_length, 1));
    EXPECT_EQ(encoding.token_type_ids, Ids(max_length, 0));
  }
  EXPECT_EQ(cased().encode("Hello", 512).ids.size(), 3u);  // short texts are not padded
  EXPECT_NE(error_of([] { cased().encode("Hello", 1); }).find("max_length 1"), std::string::npos);
  // In a batch too, and not blamed on a text.
  EXPECT_NE(error_of([] { cased().encode_batch({"Hello"}, 1); }).find("max_length 1"), std::string::npos);
  EXPECT_EQ(error_of([] { cased().encode_batch({"Hello"}, 1); }).find("text 1"), std::string::npos);
}

TEST(Tokenizer, BatchEqualsOneByOne) {
  auto texts = test_support::read_agnews_texts(source_dir / "data/ag_news/test.csv");
  texts.resize(300);
  texts.insert(texts.end(), {"", "   ", "東京 Café [CLS] x", std::string(150, 'z')});
  const std::vector<Encoding> batch = cased().encode_batch(texts, 40);
  ASSERT_EQ(batch.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Encoding single = cased().encode(texts[i], 40);
    EXPECT_EQ(batch[i].ids, single.ids) << texts[i];
    EXPECT_EQ(batch[i].attention_mask, single.attention_mask);
    EXPECT_EQ(batch[i].token_type_ids, single.token_type_ids);
  }
  EXPECT_TRUE(cased().encode_batch({}).empty());
}

TEST(Tokenizer, AddedTokensSplitWordsInRawText) {
  std::vector<std::string> expected{"[CLS]"};
  for (const char* part : {"a", "[MASK]", "b", "[SEP]"}) {
    const auto tokens = cased().tokens(part);
    expected.insert(expected.end(), tokens.begin() + 1, tokens.end() - 1);
  }
  expected.push_back("[SEP]");
  EXPECT_EQ(cased().tokens("a[MASK]b[SEP]"), expected);
}

TEST(Tokenizer, NormalizedAddedTokensMatchNormalizedText) {
  TokenizerSpec spec;
  spec.source = "in-memory";
  spec.vocab = {{"[UNK]", 0}, {"[CLS]", 1}, {"[SEP]", 2}, {"a", 3}, {"b", 4}};
  spec.normalizers = bert_normalizer({true, true, true, true});
  spec.added_tokens = {{"<X>", 5, true}};
  const Tokenizer tokenizer(spec);
  EXPECT_EQ(tokenizer.encode("A<X>B<x>").ids, (Ids{1, 3, 5, 4, 5, 2}));
  EXPECT_EQ(tokenizer.id_to_token(5), "<X>");
  EXPECT_EQ(tokenizer.vocab_size(), 6u);
}

TEST(Tokenizer, VocabularyFacts) {
  const std::vector<std::string> lines = vocab_lines();
  EXPECT_EQ(cased().vocab_size(), lines.size());
  const auto pad_line = std::find(lines.begin(), lines.end(), "[PAD]") - lines.begin();
  EXPECT_EQ(cased().pad_id(), pad_line);
  for (const std::size_t id : {0ul, 100ul, 101ul, 5000ul, lines.size() - 1}) {
    EXPECT_EQ(cased().id_to_token(static_cast<std::int32_t>(id)), lines[id]);
  }
  EXPECT_THROW(cased().id_to_token(static_cast<std::int32_t>(lines.size())), std::out_of_range);
  EXPECT_THROW(cased().id_to_token(-1), std::out_of_range);
}

TEST(Tokenizer, VocabTxtWithoutASpecialTokenIsAnErrorNamingFileAndToken) {
  for (const std::string missing : {"[UNK]", "[CLS]", "[SEP]"}) {
    std::vector<std::string> lines = vocab_lines();
    std::erase(lines, missing);
    ScratchDir dir;
    const auto file = dir.write("vocab.txt", join_lines(lines));
    dir.write("tokenizer_config.json", R"({"do_lower_case": false})");
    const std::string message = error_of([&] { Tokenizer::load(file); });
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find(missing), std::string::npos) << message;
  }
}

TEST(Tokenizer, TokenizerJsonWithoutASpecialTokenIsAnErrorNamingFileAndToken) {
  for (const std::string missing : {"[UNK]", "[CLS]", "[SEP]"}) {
    nlohmann::json spec = read_json_file(bert_dir / "tokenizer.json");
    spec["model"]["vocab"].erase(missing);
    auto& added = spec["added_tokens"];
    added.erase(std::remove_if(added.begin(), added.end(), [&](const auto& t) { return t["content"] == missing; }),
                added.end());
    ScratchDir dir;
    const auto file = dir.write("tokenizer.json", spec.dump());
    const std::string message = error_of([&] { Tokenizer::load(file); });
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find(missing), std::string::npos) << message;
  }
}

TEST(Tokenizer, UnsupportedTokenizerJsonIsAnErrorNamingFile) {
  nlohmann::json spec = read_json_file(bert_dir / "tokenizer.json");
  spec["model"]["type"] = "BPE";
  ScratchDir dir;
  const auto file = dir.write("tokenizer.json", spec.dump());
  const std::string message = error_of([&] { Tokenizer::load(file); });
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("BPE"), std::string::npos) << message;
  EXPECT_NE(error_of([&] { Tokenizer::load(dir.path() / "nothing-here"); }).find("nothing-here"), std::string::npos);
}

// Each part of a bad tokenizer.json is a one-line error naming the file and the part; a component
// we do not implement names itself and what is supported.
TEST(Tokenizer, BadTokenizerJsonPartsAreOneLineErrorsNamingFileAndPart) {
  const nlohmann::json bert = read_json_file(bert_dir / "tokenizer.json");
  struct Case {
    std::function<void(nlohmann::json&)> change;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {[](auto& t) { t["normalizer"] = {{"type", "Precompiled"}}; },
       {": normalizer: unsupported type Precompiled (supported: BertNormalizer, NFC"}},
      {[](auto& t) { t["normalizer"] = {{"lowercase", true}}; }, {": normalizer: no \"type\""}},
      {[](auto& t) { t["pre_tokenizer"] = {{"type", "Metaspace"}}; },
       {": pre_tokenizer: unsupported type Metaspace (supported: BertPreTokenizer, ByteLevel"}},
      {[](auto& t) { t["model"]["type"] = "Unigram"; }, {": model: unsupported type Unigram (supported: WordPiece, BPE)"}},
      {[](auto& t) { t["model"]["vocab"]["hello"] = "seven"; }, {": model: ", "string"}},
      {[](auto& t) { t.erase("model"); }, {": model: missing"}},
      {[](auto& t) { t["post_processor"] = {{"type", "Something"}}; },
       {": post_processor: unsupported type Something (supported: BertProcessing, RobertaProcessing"}},
      {[](auto& t) { t["post_processor"]["single"][0]["SpecialToken"]["id"] = "[BOS]"; },
       {": post_processor: template token [BOS] is not in special_tokens"}},
      {[](auto& t) { t["added_tokens"][0].erase("content"); }, {": added_tokens: ", "content"}},
      {[](auto& t) {
         t["model"] = {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", {"a c"}}};
         t["post_processor"] = nullptr;
       },
       {": merge 1 (a c): c is not in the vocabulary"}},
      {[](auto& t) { t["model"] = {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", {"ab"}}}; },
       {": model: merge 1 (ab) is not two tokens"}},
      {[](auto& t) { t["model"] = {{"type", "BPE"}, {"vocab", {{"a", 0}}}, {"merges", nlohmann::json::array()}, {"dropout", 0.1}}; },
       {": model: BPE dropout is not supported"}},
  };
  for (const Case& c : cases) {
    nlohmann::json spec = bert;
    c.change(spec);
    ScratchDir dir;
    const auto file = dir.write("tokenizer.json", spec.dump());
    const std::string message = error_of([&] { Tokenizer::load(file); });
    EXPECT_TRUE(message.starts_with(file.string() + ":")) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
    for (const std::string& part : c.expected) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

// Old files leave out the model's "type" (roberta-base's and distilbert-base-uncased's do): the
// model with merges is BPE, else WordPiece, as tokenizers reads them.
TEST(Tokenizer, ModelWithoutTypeIsReadByItsKeys) {
  nlohmann::json spec = read_json_file(bert_dir / "tokenizer.json");
  spec["model"].erase("type");
  ScratchDir dir;
  const Tokenizer tokenizer = Tokenizer::load(dir.write("tokenizer.json", spec.dump()));
  EXPECT_EQ(tokenizer.encode("Hello, unaffable world").ids, cased().encode("Hello, unaffable world").ids);
}

TEST(Tokenizer, InvalidUtf8IsAnErrorNamingTheByte) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ab\xff", "byte 3"},                 // never valid in UTF-8
      {"abc\xe2\x82", "byte 4"},            // truncated sequence
      {"\xc0\xaf", "byte 1"},               // overlong '/'
      {"x\xed\xa0\x80", "byte 2"},          // UTF-16 surrogate
      {"\xf4\x90\x80\x80", "byte 1"},       // above U+10FFFF
      {"ok \x80 continuation", "byte 4"},   // stray continuation byte
  };
  for (const auto& [text, where] : cases) {
    const std::string message = error_of([&] { cased().encode(text); });
    EXPECT_NE(message.find("invalid UTF-8"), std::string::npos) << message;
    EXPECT_NE(message.find(where), std::string::npos) << message;
  }
  // Even past the truncation point.
  EXPECT_NE(error_of([] { cased().encode("many words here [SEP] and \xff", 4); }).find("byte 27"), std::string::npos);
}

TEST(Tokenizer, InvalidUtf8InABatchNamesTheText) {
  try {
    cased().encode_batch({"fine", "bad \xff", "fine", "\xfe"});
    FAIL() << "expected a BatchError";
  } catch (const BatchError& e) {
    EXPECT_EQ(e.index(), 1u);
    EXPECT_NE(e.problem().find("byte 5"), std::string::npos) << e.problem();
    EXPECT_NE(std::string(e.what()).find("text 2"), std::string::npos) << e.what();
  }
}

TEST(Tokenizer, InvalidUtf8InVocabTxtNamesFileAndLine) {
  ScratchDir dir;
  const auto file = dir.write("vocab.txt", "[PAD]\n[UNK]\nbad\xff\n");
  const std::string message = error_of([&] { Tokenizer::load(file); });
  EXPECT_NE(message.find(file.string() + ":3: invalid UTF-8"), std::string::npos) << message;
}

}  // namespace
}  // namespace textclass::text
