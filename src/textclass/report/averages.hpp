#pragma once
// The macro and support-weighted averages of the per-class scores, as numpy's np.average gives
// them in scikit-learn; shared by compute_metrics and metrics_from_json so both agree exactly.
#include "textclass/report/metrics.hpp"

namespace textclass::report {

// Sets total, macro_* and weighted_* from metrics.per_class.
void compute_averages(Metrics& metrics);

}  // namespace textclass::report
