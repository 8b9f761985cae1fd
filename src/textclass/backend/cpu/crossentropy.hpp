#pragma once
// The classifiers' losses on the CPU: softmax cross-entropy (with class weights and label
// smoothing), BCE with logits and MSE, as backend.hpp and loss_math.hpp give them. Shapes: logits,
// probs, targets, dlogits [B,V]; labels int32 [B] in [0, V); class_weights [V] or null; losses [B].
#include <cstdint>

namespace textclass::backend::cpu {

void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                          const float* class_weights, float label_smoothing, int B, int V);
void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, const float* class_weights,
                           float label_smoothing, int B, int V);
void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets, int B, int V);
void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B, int V);
void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V);
void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V);

}  // namespace textclass::backend::cpu
