// textclass tokenize: the ids (or tokens) a model's tokenizer gives each text, one output line per
// text, for texts given as arguments or else read one per line from stdin. With --pair, each text
// is a sentence pair, its two sentences separated by a tab.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/model_dir.hpp"
#include "cli/stdin_lines.hpp"
#include "textclass/error.hpp"
#include "textclass/text/batch_error.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::cli {
namespace {

struct TokenizeOptions {
  std::string model = "bert-base-cased";
  std::size_t max_length = 0;  // 0: the model's model_max_length
  bool tokens = false;
  bool ids = false;
  bool pair = false;
  std::vector<std::string> texts;
};

void run_tokenize(const TokenizeOptions& options) {
  const text::Tokenizer tokenizer = text::Tokenizer::load(resolve_model_dir(options.model));
  const bool from_stdin = options.texts.empty();
  const std::vector<std::string> texts = from_stdin ? read_stdin_lines() : options.texts;
  const std::size_t max_length = options.max_length > 0 ? options.max_length : tokenizer.model_max_length();
  std::vector<text::Encoding> encodings;
  const auto fail = [&](std::size_t index, const std::string& problem) {
    if (from_stdin) throw error_at("<stdin>", index + 1, problem);
    throw Error(fmt::format("text argument {}: {}", index + 1, problem));
  };
  try {
    if (!options.pair) encodings = tokenizer.encode_batch(texts, max_length);
  } catch (const text::BatchError& e) {
    fail(e.index(), e.problem());
  }
  for (std::size_t i = 0; options.pair && i < texts.size(); ++i) {
    const std::size_t tab = texts[i].find('\t');
    if (tab == std::string::npos) fail(i, "--pair: no tab between the two sentences");
    try {
      encodings.push_back(tokenizer.encode_pair(std::string_view(texts[i]).substr(0, tab),
                                                std::string_view(texts[i]).substr(tab + 1), max_length));
    } catch (const Error& e) {
      fail(i, e.what());
    }
  }
  std::string out;
  for (const text::Encoding& encoding : encodings) {
    for (std::size_t i = 0; i < encoding.ids.size(); ++i) {
      if (i > 0) out += ' ';
      if (options.tokens) {
        out += tokenizer.id_to_token(encoding.ids[i]);
      } else {
        fmt::format_to(std::back_inserter(out), "{}", encoding.ids[i]);
      }
    }
    out += '\n';
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    throw Error("cannot write to stdout");
  }
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  CLI::App* command = app.add_subcommand(
      "tokenize", "Print the token ids (or tokens) of each text, one line per text, as HuggingFace's tokenizer does");
  command->add_option("--model", options->model, "Model directory or name under data/")->capture_default_str();
  command->add_option("--max-length", options->max_length,
                      "Truncate to this many tokens, special tokens included (default: the model's, 512 for BERT)")
      ->check(CLI::Range(std::size_t{2}, std::numeric_limits<std::size_t>::max()));
  CLI::Option* tokens = command->add_flag("--tokens", options->tokens, "Print tokens instead of ids");
  CLI::Option* ids = command->add_flag(
      "--ids", options->ids, "Read one text per line from stdin; print exactly one line of ids per input line");
  command->add_flag("--pair", options->pair,
                    "Each text is a sentence pair, separated by a tab: encoded in the tokenizer's pair template, "
                    "truncated longest first");
  CLI::Option* texts = command->add_option("text", options->texts, "Texts to tokenize (default: lines of stdin)");
  ids->excludes(tokens)->excludes(texts);
  command->callback([options] { run_tokenize(*options); });
}

}  // namespace textclass::cli
