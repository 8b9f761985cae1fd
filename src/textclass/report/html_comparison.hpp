#pragma once
// The comparison as one self-contained HTML page (comparison.html): inline CSS and inline SVG
// charts, no script and nothing fetched, so it opens anywhere and can be mailed as one file.
#include <string>
#include <vector>

#include "textclass/report/comparison_run.hpp"

namespace textclass::report {

std::string comparison_html(const std::vector<ComparedRun>& runs);

}  // namespace textclass::report
