// `textclass compare RUN_A RUN_B [...]`: puts the evaluations of two or more run folders side by
// side. Writes comparison.md and a self-contained comparison.html to --output and prints the
// Markdown.
#include <filesystem>
#include <fmt/core.h>
#include <memory>

#include "cli/commands.hpp"
#include "textclass/error.hpp"
#include "textclass/report/comparison_markdown.hpp"
#include "textclass/report/comparison_run.hpp"
#include "textclass/report/files.hpp"
#include "textclass/report/html_comparison.hpp"

namespace textclass::cli {
namespace {

struct CompareArgs {
  std::vector<std::filesystem::path> runs;
  std::filesystem::path output = "comparison";
};

void run_compare_command(const CompareArgs& args) {
  const std::vector<report::ComparedRun> runs = report::load_compared_runs(args.runs);
  const std::string markdown = report::comparison_markdown(runs);
  std::error_code error;
  std::filesystem::create_directories(args.output, error);
  if (error) throw Error(fmt::format("{}: cannot create the folder: {}", args.output.string(), error.message()));
  report::write_file_atomically(args.output / "comparison.md", markdown);
  report::write_file_atomically(args.output / "comparison.html", report::comparison_html(runs));
  fmt::print("{}", markdown);
  fmt::print(stderr, "wrote {} and {}\n", (args.output / "comparison.md").string(),
             (args.output / "comparison.html").string());
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* command = app.add_subcommand(
      "compare", "Compare run folders (their metrics.json and log.jsonl): Markdown and a self-contained HTML page");
  command->add_option("runs", args->runs, "two or more run folders, each holding a metrics.json")
      ->required()
      ->expected(2, -1);
  command->add_option("-o,--output", args->output, "folder for comparison.md and comparison.html")->capture_default_str();
  command->callback([args] { run_compare_command(*args); });
}

}  // namespace textclass::cli
