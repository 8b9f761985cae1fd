// The confusion-matrix table: rows are true classes, columns predictions, all right-aligned.
#include <gtest/gtest.h>

#include "textclass/report/metrics.hpp"

namespace textclass::report {
namespace {

TEST(ConfusionMatrixText, AlignsCountsUnderClassNames) {
  std::vector<int> y_true, y_pred;
  for (int i = 0; i < 1234; ++i) y_true.push_back(0), y_pred.push_back(0);  // a count wider than its name
  y_true.insert(y_true.end(), {1, 1, 2});
  y_pred.insert(y_pred.end(), {0, 1, 1});
  const std::string text = confusion_matrix_text(compute_metrics(y_true, y_pred, {"a", "Sports", "Größe"}));
  EXPECT_EQ(text,
            "true \\ predicted     a  Sports  Größe\n"
            "               a  1234       0      0\n"
            "          Sports     1       1      0\n"
            "           Größe     0       1      0\n");
}

}  // namespace
}  // namespace textclass::report
