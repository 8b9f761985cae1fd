#include "textclass/train/adamw.hpp"

namespace textclass::train {

AdamW::AdamW(backend::Backend& backend, std::size_t num_floats, std::vector<ParameterSpan> spans, AdamWSettings settings)
    : backend_(backend), num_floats_(num_floats), spans_(std::move(spans)), settings_(settings) {
  moments_ = backend_.alloc(2 * num_floats_);
  backend_.fill(moments_, 0.0f, 2 * num_floats_);
}

AdamW::~AdamW() { backend_.free(moments_); }

void AdamW::step(float* params, const float* grads, double lr, float grad_scale) {
  ++step_;
  float* m = moments_;
  float* v = moments_ + num_floats_;
  for (const ParameterSpan& s : spans_)
    backend_.adamw_update(params + s.offset, grads + s.offset, m + s.offset, v + s.offset, s.count,
                          lr, settings_.beta1, settings_.beta2, settings_.eps, s.weight_decay, grad_scale, step_);
}

}  // namespace textclass::train
