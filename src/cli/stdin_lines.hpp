#pragma once
// Texts given on stdin, one per line, for tokenize, predict and baseline predict.
#include <string>
#include <vector>

namespace textclass::cli {

// Every line of stdin without its "\n" (or "\r\n"); an empty line is an (empty) text too.
std::vector<std::string> read_stdin_lines();

}  // namespace textclass::cli
