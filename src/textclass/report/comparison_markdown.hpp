#pragma once
// The comparison as Markdown (comparison.md, and what `compare` prints): a summary with one
// column per run (the task's metrics), per-class F1 side by side with each run's difference from
// the first (classification), then per run its classification table, confusion matrix
// (single-label) and, when it has a log, its evaluations.
#include <string>
#include <vector>

#include "textclass/report/comparison_run.hpp"

namespace textclass::report {

std::string comparison_markdown(const std::vector<ComparedRun>& runs);

}  // namespace textclass::report
