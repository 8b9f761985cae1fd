#include "textclass/linear/text_classifier.hpp"

namespace textclass::linear {

FitSummary TextClassifier::fit(const std::vector<std::string>& texts, const std::vector<int>& labels) {
  return classifier.fit(vectorizer.fit_transform(texts), labels, class_names.size());
}

std::vector<double> TextClassifier::predict_proba(const std::vector<std::string>& texts) const {
  return classifier.predict_proba(vectorizer.transform(texts));
}

}  // namespace textclass::linear
