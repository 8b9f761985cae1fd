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

}  // namespace textclass::report
