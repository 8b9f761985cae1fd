#pragma once
// Softmax cross-entropy of a classifier. Shapes: logits, probs, dlogits [B,V]; labels int32 [B] in
// [0, V); losses [B]. Per row b, with max = max_v logits[b,v] and lse = log Σ_v exp(logits[b,v] - max):
//   probs[b,v] = exp(logits[b,v] - max - lse),   losses[b] = lse - (logits[b,labels[b]] - max)
// Backward, the gradient of the MEAN loss over the batch (overwritten):
//   dlogits[b,v] = (probs[b,v] - [v == labels[b]]) / B
#include <cstdint>

namespace textclass::backend::cpu {

void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels, int B, int V);
void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, int B, int V);

}  // namespace textclass::backend::cpu
