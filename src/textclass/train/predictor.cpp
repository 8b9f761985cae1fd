#include "textclass/train/predictor.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

namespace textclass::train {

model::Inputs model_inputs(const data::Batch& batch) {
  model::Inputs inputs;
  inputs.B = batch.B;
  inputs.T = batch.T;
  inputs.input_ids = batch.input_ids;
  inputs.token_type_ids = batch.token_type_ids;
  inputs.attention_mask = batch.attention_mask;
  inputs.labels = batch.labels;
  inputs.targets = batch.targets;
  return inputs;
}

int padding_multiple(const model::Bert& bert) {
  const int multiple = bert.backend().token_multiple();
  // (max_tokens: RoBERTa's 514 positions hold rows of 512 tokens, which padding must not pass)
  return multiple > 1 && bert.config().max_tokens() % multiple == 0 ? multiple : 1;
}

Predictor::Predictor(const model::Bert& bert, std::size_t batch_size, std::int32_t pad_id,
                     model::Activations* scratch)
    : bert_(bert),
      own_acts_(scratch != nullptr ? nullptr : std::make_unique<model::Activations>(bert.backend())),
      acts_(scratch != nullptr ? *scratch : *own_acts_),
      batch_size_(std::max<std::size_t>(batch_size, 1)),
      pad_id_(pad_id),
      pad_to_multiple_of_(padding_multiple(bert)) {}

Predictions Predictor::predict(const data::TokenRows& rows) {
  const std::size_t n = rows.size();
  const auto V = static_cast<std::size_t>(bert_.config().num_labels());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return rows.ids[a].size() < rows.ids[b].size(); });
  Predictions out;
  out.logits.resize(n);
  out.probs.resize(n);
  out.label_ids.resize(n);
  for (std::size_t begin = 0; begin < n; begin += batch_size_) {
    const std::size_t count = std::min(batch_size_, n - begin);
    const data::Batch batch =
        data::make_batch(rows, std::span(order).subspan(begin, count), pad_id_, pad_to_multiple_of_);
    model::Inputs inputs = model_inputs(batch);
    inputs.labels = {};  // no loss here: callers score against labels of their own
    inputs.targets = {};
    const model::ProblemType task = bert_.config().task();
    const model::Output output = bert_.forward(acts_, inputs);
    for (std::size_t b = 0; b < count; ++b) {
      const std::size_t row = batch.rows[b];
      const float* logits = output.logits.data() + b * V;
      out.logits[row].assign(logits, logits + V);
      out.probs[row].resize(V);
      if (task == model::ProblemType::single_label_classification) {
        const float top = *std::max_element(logits, logits + V);
        double sum = 0.0;
        for (std::size_t v = 0; v < V; ++v) sum += std::exp(static_cast<double>(logits[v]) - top);
        for (std::size_t v = 0; v < V; ++v) out.probs[row][v] = static_cast<float>(std::exp(logits[v] - top) / sum);
      } else if (task == model::ProblemType::multi_label_classification) {
        for (std::size_t v = 0; v < V; ++v)
          out.probs[row][v] = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(logits[v]))));
      } else {
        out.probs[row].assign(logits, logits + V);
      }
      out.label_ids[row] = static_cast<int>(std::max_element(logits, logits + V) - logits);
    }
  }
  return out;
}

double mean_cross_entropy(const Predictions& predictions, const std::vector<int>& labels) {
  double total = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::vector<float>& logits = predictions.logits[i];
    const double top = *std::max_element(logits.begin(), logits.end());
    double sum = 0.0;
    for (float z : logits) sum += std::exp(z - top);
    total += top + std::log(sum) - logits[static_cast<std::size_t>(labels[i])];  // -log softmax[label]
  }
  return labels.empty() ? 0.0 : total / static_cast<double>(labels.size());
}

double mean_loss(const Predictions& predictions, const data::TokenRows& rows, model::ProblemType task) {
  if (task == model::ProblemType::single_label_classification) return mean_cross_entropy(predictions, rows.labels);
  double total = 0.0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < rows.size() && !rows.targets.empty(); ++i) {
    for (std::size_t v = 0; v < rows.target_width; ++v, ++count) {
      const double x = predictions.logits[i][v], t = rows.targets[i * rows.target_width + v];
      total += task == model::ProblemType::regression
                   ? (x - t) * (x - t)
                   : std::max(x, 0.0) - x * t + std::log1p(std::exp(-std::abs(x)));  // as loss_math.hpp
    }
  }
  return count == 0 ? 0.0 : total / static_cast<double>(count);
}

double accuracy(const Predictions& predictions, const std::vector<int>& labels) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) right += predictions.label_ids[i] == labels[i];
  return labels.empty() ? 0.0 : static_cast<double>(right) / static_cast<double>(labels.size());
}

}  // namespace textclass::train
