#pragma once
// Each subcommand lives in its own file and registers itself on the application here.
#include <CLI/CLI.hpp>

namespace textclass::cli {

void add_tokenize_command(CLI::App& app);  // tokenize.cpp
void add_data_command(CLI::App& app);      // data.cpp
void add_compare_command(CLI::App& app);   // compare.cpp
void add_run_command(CLI::App& app);       // run.cpp
void add_train_command(CLI::App& app);     // train.cpp
void add_evaluate_command(CLI::App& app);  // evaluate.cpp
void add_predict_command(CLI::App& app);   // predict.cpp
void add_baseline_command(CLI::App& app);  // baseline.cpp
void add_serve_command(CLI::App& app);     // serve.cpp

}  // namespace textclass::cli
