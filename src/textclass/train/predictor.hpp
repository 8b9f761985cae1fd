#pragma once
// Inference over many rows, shared by the Trainer's evaluation and the evaluate and predict
// commands: rows are sorted by length and batched, so each batch pads little, and the results
// come back in input order. Dropout is off.
#include <cstddef>
#include <memory>
#include <vector>

#include "textclass/data/batcher.hpp"
#include "textclass/model/activations.hpp"
#include "textclass/model/bert.hpp"

namespace textclass::train {

struct Predictions {
  std::vector<std::vector<float>> logits;  // [rows][classes]
  // the task's scores: softmax of the logits (single-label), their sigmoids (multi-label), the
  // logits themselves (regression: the predicted values)
  std::vector<std::vector<float>> probs;
  std::vector<int> label_ids;              // argmax, the first on ties (as torch.argmax)

  std::size_t size() const { return label_ids.size(); }
};

// The model's view of a padded batch (spans into `batch`, which must outlive them).
model::Inputs model_inputs(const data::Batch& batch);

// What to pad this model's batches to a multiple of (data::make_batch): its backend's
// token_multiple(), where the model's position limit is a multiple of that, so that padding never
// passes the limit; else 1.
int padding_multiple(const model::Bert& bert);

class Predictor {
 public:
  // pad_id: the tokenizer's padding id. scratch: activations to run in instead of its own (the
  // Trainer lends its training step's, larger than an evaluation batch of its size needs, so that
  // evaluating adds no device memory to training's).
  Predictor(const model::Bert& bert, std::size_t batch_size, std::int32_t pad_id,
            model::Activations* scratch = nullptr);

  // Labels in `rows` are ignored.
  Predictions predict(const data::TokenRows& rows);

 private:
  const model::Bert& bert_;
  std::unique_ptr<model::Activations> own_acts_;  // without a lender
  model::Activations& acts_;
  std::size_t batch_size_;
  std::int32_t pad_id_;
  int pad_to_multiple_of_;
};

// The mean cross-entropy of the predictions against labels (HF's eval_loss: every row counts
// once, whatever its batch).
double mean_cross_entropy(const Predictions& predictions, const std::vector<int>& labels);

// The model's mean loss on labelled rows, the task's (HF's eval_loss): mean_cross_entropy for
// single-label, the mean BCE with logits over rows and classes for multi-label, the mean squared
// error for regression.
double mean_loss(const Predictions& predictions, const data::TokenRows& rows, model::ProblemType task);

// The share of rows whose predicted label is the true one.
double accuracy(const Predictions& predictions, const std::vector<int>& labels);

}  // namespace textclass::train
