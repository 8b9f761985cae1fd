#include "textclass/linear/text_classifier.hpp"

#include "textclass/error.hpp"

namespace textclass::linear {
namespace {

template <typename Model>
Model& estimator_for(Estimator& estimator, const char* labels) {
  Model* model = std::get_if<Model>(&estimator);
  if (!model) {
    throw Error(std::string("a ") + model::problem_type_name(static_cast<model::ProblemType>(estimator.index())) +
                " baseline cannot fit " + labels);
  }
  return *model;
}

}  // namespace

std::size_t TextClassifier::outputs() const {
  return problem_type() == model::ProblemType::regression ? 1 : class_names.size();
}

FitSummary TextClassifier::fit(const std::vector<std::string>& texts, const std::vector<int>& labels) {
  LogisticRegression& model = estimator_for<LogisticRegression>(estimator, "one class per row");
  return model.fit(vectorizer.fit_transform(texts), labels, class_names.size());
}

FitSummary TextClassifier::fit(const std::vector<std::string>& texts, const std::vector<std::vector<int>>& label_sets) {
  OneVsRestLogisticRegression& model = estimator_for<OneVsRestLogisticRegression>(estimator, "sets of classes");
  return model.fit(vectorizer.fit_transform(texts), label_sets, class_names.size());
}

FitSummary TextClassifier::fit(const std::vector<std::string>& texts, const std::vector<double>& values) {
  RidgeRegression& model = estimator_for<RidgeRegression>(estimator, "values");
  return model.fit(vectorizer.fit_transform(texts), values);
}

std::vector<double> TextClassifier::predict_scores(const std::vector<std::string>& texts) const {
  const SparseMatrix rows = vectorizer.transform(texts);
  return std::visit(
      [&](const auto& model) {
        using Model = std::decay_t<decltype(model)>;
        if constexpr (std::is_same_v<Model, RidgeRegression>) {
          return model.predict(rows);
        } else {
          return model.predict_proba(rows);
        }
      },
      estimator);
}

}  // namespace textclass::linear
