#pragma once
// The comparison as Markdown (comparison.md, and what `compare` prints): a summary with one
// column per run, per-class F1 side by side with each run's difference from the first, then per
// run its classification table, confusion matrix and, when it has a log, its evaluations.
#include <string>
#include <vector>

#include "textclass/report/comparison_run.hpp"

namespace textclass::report {

std::string comparison_markdown(const std::vector<ComparedRun>& runs);

}  // namespace textclass::report
