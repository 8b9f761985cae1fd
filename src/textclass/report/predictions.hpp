#pragma once
// Writing predictions: JSON Lines by default, one object per input in input order,
//   {"label": "Sports", "label_id": 1, "score": 0.97, "probs": [0.01, 0.97, 0.01, 0.01]}
// or CSV with the header label,label_id,score,prob_<class>... With Scores::logits the scores are
// the model's raw logits (TEI's raw_scores), under "logits" and logit_<class>. Scores are printed
// as the shortest decimal that reads back to the same float.
#include <ostream>
#include <string>
#include <vector>

namespace textclass::report {

struct Prediction {
  int label_id;               // the predicted class
  std::vector<float> scores;  // every class's probability (or logit), in class order
};

enum class Scores { probabilities, logits };

void write_predictions(std::ostream& out, const std::vector<Prediction>& predictions,
                       const std::vector<std::string>& class_names, bool csv,
                       Scores scores = Scores::probabilities);

// Multi-label: each text's classes (those whose probability is above the threshold, chosen by the
// caller) and every class's score:
//   {"labels": ["economy", "sports"], "label_ids": [0, 2], "probs": [0.91, 0.12, 0.77]}
// CSV: labels (joined with ";"), label_ids (joined with ";"), prob_<class>... (logits as above).
struct LabelSetPrediction {
  std::vector<int> label_ids;  // ascending
  std::vector<float> scores;   // every class's probability (or logit), in class order
};
void write_label_set_predictions(std::ostream& out, const std::vector<LabelSetPrediction>& predictions,
                                 const std::vector<std::string>& class_names, bool csv,
                                 Scores scores = Scores::probabilities);

// Regression: each text's predicted value, {"value": 3.71}, or CSV with the header value.
void write_value_predictions(std::ostream& out, const std::vector<float>& values, bool csv);

}  // namespace textclass::report
