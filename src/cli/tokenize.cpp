// textclass tokenize: the ids (or tokens) bert-base-cased's tokenizer gives each text, one output
// line per text, for texts given as arguments or else read one per line from stdin.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>

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
  std::vector<std::string> texts;
};

void run_tokenize(const TokenizeOptions& options) {
  const text::Tokenizer tokenizer = text::Tokenizer::load(resolve_model_dir(options.model));
  const bool from_stdin = options.texts.empty();
  const std::vector<std::string> texts = from_stdin ? read_stdin_lines() : options.texts;
  const std::size_t max_length = options.max_length > 0 ? options.max_length : tokenizer.model_max_length();
  std::vector<text::Encoding> encodings;
  try {
    encodings = tokenizer.encode_batch(texts, max_length);
  } catch (const text::BatchError& e) {
    if (from_stdin) throw error_at("<stdin>", e.index() + 1, e.problem());
    throw Error(fmt::format("text argument {}: {}", e.index() + 1, e.problem()));
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
                      "Truncate to this many tokens, [CLS] and [SEP] included (default: the model's, 512 for BERT)")
      ->check(CLI::Range(std::size_t{2}, std::numeric_limits<std::size_t>::max()));
  CLI::Option* tokens = command->add_flag("--tokens", options->tokens, "Print tokens instead of ids");
  CLI::Option* ids = command->add_flag(
      "--ids", options->ids, "Read one text per line from stdin; print exactly one line of ids per input line");
  CLI::Option* texts = command->add_option("text", options->texts, "Texts to tokenize (default: lines of stdin)");
  ids->excludes(tokens)->excludes(texts);
  command->callback([options] { run_tokenize(*options); });
}

}  // namespace textclass::cli
