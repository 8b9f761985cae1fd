// The baseline's target on protocol mod5-0 of the bundled AG News test rows (bench/lr_anchor.py):
// row i evaluates when i % 5 == 0 and trains otherwise. sklearn 1.2.1's TfidfVectorizer(ngram_range=
// (1, 2), sublinear_tf=True) + LogisticRegression(C=10, max_iter=2000) builds 152,791 features,
// ends its fit at objective 0.2442906539 (mean log loss + ||W||^2 / (2 C n)) and scores 0.8730
// (1,327 of 1,520 rows) there.
#include <gtest/gtest.h>

#include <chrono>

#include "textclass/data/dataset.hpp"
#include "textclass/linear/text_classifier.hpp"

namespace textclass::linear {
namespace {

struct Protocol {
  std::vector<std::string> train_texts, eval_texts;
  std::vector<int> train_labels, eval_labels;
  std::vector<std::string> class_names;
};

Protocol mod5(int k) {
  data::DatasetSpec spec;
  spec.path_or_url = TEXTCLASS_SOURCE_DIR "/data/ag_news/test.csv";
  const data::Dataset dataset = data::read_dataset(spec);
  Protocol p;
  p.class_names = dataset.class_names;
  for (std::size_t i = 0; i < dataset.size(); ++i) {
    const bool evaluation = static_cast<int>(i % 5) == k;
    (evaluation ? p.eval_texts : p.train_texts).push_back(dataset.texts[i]);
    (evaluation ? p.eval_labels : p.train_labels).push_back(dataset.labels[i]);
  }
  return p;
}

TEST(AgNewsAccuracy, Mod5MatchesSklearnAnchor) {
  const Protocol p = mod5(0);
  ASSERT_EQ(p.train_texts.size(), 6080u);
  ASSERT_EQ(p.eval_texts.size(), 1520u);
  TextClassifier model{p.class_names, TfidfVectorizer(), LogisticRegression()};
  const auto start = std::chrono::steady_clock::now();
  const FitSummary fit = model.fit(p.train_texts, p.train_labels);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(fit.converged);
  EXPECT_EQ(model.vectorizer.features(), 152791u);
  EXPECT_LE(fit.loss, 0.2442906539);  // at least as close to the optimum as sklearn gets

  const std::vector<int> predicted = std::get<LogisticRegression>(model.estimator).predict(model.vectorizer.transform(p.eval_texts));
  std::size_t correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == p.eval_labels[i];
  const double accuracy = static_cast<double>(correct) / static_cast<double>(predicted.size());
  EXPECT_GE(accuracy, 0.873);
  std::printf("mod5-0: accuracy %.4f (%zu/%zu), fit %.3f s, %d L-BFGS iterations\n", accuracy, correct,
              predicted.size(), seconds, fit.iterations);
}

}  // namespace
}  // namespace textclass::linear
