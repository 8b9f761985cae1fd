#pragma once
// The notebook's baseline as one model: TF-IDF features of the text, then a linear model on them
// chosen by the task (sklearn's make_pipeline(TfidfVectorizer(...), estimator)):
//   single_label_classification: multinomial LogisticRegression (softmax over the classes)
//   multi_label_classification:  OneVsRestClassifier(LogisticRegression) (a sigmoid per class)
//   regression:                  Ridge (one value)
#include <string>
#include <variant>
#include <vector>

#include "textclass/linear/logistic_regression.hpp"
#include "textclass/linear/one_vs_rest.hpp"
#include "textclass/linear/ridge_regression.hpp"
#include "textclass/linear/tfidf_vectorizer.hpp"
#include "textclass/model/problem_type.hpp"

namespace textclass::linear {

// In the order of model::ProblemType, so that the index is the task.
using Estimator = std::variant<LogisticRegression, OneVsRestLogisticRegression, RidgeRegression>;

struct TextClassifier {
  std::vector<std::string> class_names;  // label id -> name; none for regression
  TfidfVectorizer vectorizer;
  Estimator estimator;

  model::ProblemType problem_type() const { return static_cast<model::ProblemType>(estimator.index()); }
  // What predict_scores gives per text: the classes, or 1 (the value) for regression.
  std::size_t outputs() const;

  // Fit the vectorizer, then the estimator, on `texts`; each takes the labels of its task (an
  // Error for another): class ids in [0, class_names.size()), rows of class ids, or values.
  FitSummary fit(const std::vector<std::string>& texts, const std::vector<int>& labels);
  FitSummary fit(const std::vector<std::string>& texts, const std::vector<std::vector<int>>& label_sets);
  FitSummary fit(const std::vector<std::string>& texts, const std::vector<double>& values);

  // texts x outputs(), row-major: the task's scores, as train::Predictions::probs holds them (softmax
  // probabilities, each class's sigmoid probability, the predicted value).
  std::vector<double> predict_scores(const std::vector<std::string>& texts) const;
};

}  // namespace textclass::linear
