#pragma once
// Each subcommand lives in its own file and registers itself on the application here.
#include <CLI/CLI.hpp>

namespace textclass::cli {

void add_tokenize_command(CLI::App& app);  // tokenize.cpp
void add_data_command(CLI::App& app);      // data.cpp

}  // namespace textclass::cli
