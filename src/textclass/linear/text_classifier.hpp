#pragma once
// The notebook's baseline as one model: TF-IDF features of the text, then multinomial logistic
// regression on them (sklearn's make_pipeline(TfidfVectorizer(...), LogisticRegression(...))).
#include <string>
#include <vector>

#include "textclass/linear/logistic_regression.hpp"
#include "textclass/linear/tfidf_vectorizer.hpp"

namespace textclass::linear {

struct TextClassifier {
  std::vector<std::string> class_names;  // label id -> name
  TfidfVectorizer vectorizer;
  LogisticRegression classifier;

  // Fits the vectorizer, then the classifier, on `texts` with labels in [0, class_names.size()).
  FitSummary fit(const std::vector<std::string>& texts, const std::vector<int>& labels);
  // texts x classes probabilities, row-major.
  std::vector<double> predict_proba(const std::vector<std::string>& texts) const;
};

}  // namespace textclass::linear
