#pragma once
// The losses' arithmetic per row, shared by the CPU and CUDA backends so both compute the same
// numbers (Backend::crossentropy_*, bce_with_logits_*, mse_*): torch's functional losses with mean
// reduction, in double and rounded once to float. One row b of logits x[V] and its label y or
// targets t[V]:
//   cross-entropy, class weights w (all 1 without), label smoothing ε, W = Σ_b w[y_b]:
//     nll_c = lse(x) - x_c,   l_b = (1-ε) w_y nll_y + (ε/V) Σ_c w_c nll_c,   loss = Σ_b l_b / W
//     dloss/dx_v = ((1-ε) w_y (p_v - [v = y]) + (ε/V) (S p_v - w_v)) / W,   S = Σ_c w_c
//   (torch's cross_entropy(weight=w, label_smoothing=ε); ε alone is HF's label_smoothing_factor)
//   BCE with logits:  ℓ_v = max(x_v, 0) - x_v t_v + log1p(exp(-|x_v|)),   loss = mean over B·V
//     dloss/dx_v = (sigmoid(x_v) - t_v) / (B V)
//   MSE:  ℓ_v = (x_v - t_v)²,   loss = mean over B·V,   dloss/dx_v = 2 (x_v - t_v) / (B V)
// Each op's losses[b] is row b's share times B, so that the batch's loss is the mean of losses[].
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "textclass/backend/backend.hpp"  // TEXTCLASS_HOST_DEVICE

namespace textclass::backend::loss {

// W = Σ_b w[labels[b]] (B without weights).
TEXTCLASS_HOST_DEVICE inline double label_weight_sum(const int32_t* labels, const float* weights, int B) {
  if (weights == nullptr) return static_cast<double>(B);
  double sum = 0.0;
  for (int b = 0; b < B; b++) sum += weights[labels[b]];
  return sum;
}

TEXTCLASS_HOST_DEVICE inline double class_weight(const float* weights, int c) {
  return weights == nullptr ? 1.0 : static_cast<double>(weights[c]);
}

// Row b of the cross-entropy's forward: its softmax into p[V] and B·l_b / W into *loss.
TEXTCLASS_HOST_DEVICE inline void crossentropy_row(float* loss, float* p, const float* x, int32_t label,
                                                   const float* weights, float smoothing, double weight_sum, int B,
                                                   int V) {
  double max = x[0];
  for (int v = 1; v < V; v++) max = fmax(max, static_cast<double>(x[v]));
  double sum = 0.0;
  for (int v = 0; v < V; v++) sum += exp(x[v] - max);
  const double lse = log(sum);
  double smoothed = 0.0;  // Σ_c w_c nll_c
  for (int v = 0; v < V; v++) {
    p[v] = static_cast<float>(exp(x[v] - max - lse));
    if (smoothing != 0.0f) smoothed += class_weight(weights, v) * (lse - (x[v] - max));
  }
  const double eps = smoothing;
  const double row = (1.0 - eps) * class_weight(weights, label) * (lse - (x[label] - max)) + eps / V * smoothed;
  *loss = static_cast<float>(row * B / weight_sum);
}

// Element v of row b of the cross-entropy's gradient (p: the row's softmax).
TEXTCLASS_HOST_DEVICE inline float crossentropy_gradient(const float* p, int v, int32_t label, const float* weights,
                                                         float smoothing, double weight_sum, int V) {
  const double eps = smoothing;
  const double target = v == label ? 1.0 : 0.0;
  double g = (1.0 - eps) * class_weight(weights, label) * (p[v] - target);
  if (smoothing != 0.0f) {
    double total = 0.0;  // S
    for (int c = 0; c < V; c++) total += class_weight(weights, c);
    g += eps / V * (total * p[v] - class_weight(weights, v));
  }
  return static_cast<float>(g / weight_sum);
}

// One element of BCE with logits: ℓ, and sigmoid(x) into *prob.
TEXTCLASS_HOST_DEVICE inline double bce_with_logits_element(float* prob, float x, float t) {
  const double xd = x, e = exp(-fabs(xd));
  *prob = static_cast<float>(xd >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
  return fmax(xd, 0.0) - xd * t + log1p(e);
}

}  // namespace textclass::backend::loss
