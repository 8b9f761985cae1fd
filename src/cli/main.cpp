// textclass: train and serve text classifiers. One subcommand per file in this folder.
#include <exception>
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "textclass/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"textclass: fine-tune BERT and a logistic-regression baseline on text classification data"};
  app.require_subcommand(1);
  textclass::cli::add_tokenize_command(app);
  textclass::cli::add_data_command(app);
  textclass::cli::add_compare_command(app);
  textclass::cli::add_run_command(app);
  textclass::cli::add_train_command(app);
  textclass::cli::add_evaluate_command(app);
  textclass::cli::add_predict_command(app);
  textclass::cli::add_baseline_command(app);
  textclass::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints its page; a wrong command line gets one line, not CLI11's two.
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "textclass: {} (see --help)\n", e.what());
    return e.get_exit_code();
  } catch (const textclass::Error& e) {
    fmt::print(stderr, "textclass: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "textclass: internal error: {}\n", e.what());
    return 2;
  }
  return 0;
}
