#pragma once
// torch.optim.AdamW (the Trainer's "adamw_torch") over the model's parameter allocation. The first
// and second moments share one device allocation laid out like the parameters; each step runs
// backend::adamw_update once per parameter span.
#include <cstddef>
#include <string>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace textclass::train {

struct AdamWSettings {  // the Trainer's defaults (adam_beta1, adam_beta2, adam_epsilon)
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

class AdamW {
 public:
  // num_floats: the size of the parameter allocation the spans index into.
  AdamW(backend::Backend& backend, std::size_t num_floats, std::vector<ParameterSpan> spans, AdamWSettings settings = {});
  ~AdamW();
  AdamW(const AdamW&) = delete;
  AdamW& operator=(const AdamW&) = delete;

  // One update of every span with learning rate lr, gradients first multiplied by grad_scale
  // (the clipping factor). Parameters outside the spans are not touched.
  void step(float* params, const float* grads, double lr, float grad_scale);
  int steps_taken() const { return step_; }

  // The optimizer's state (both moments and the step count) as a safetensors file: tensors
  // "exp_avg" and "exp_avg_sq" (torch's names) of num_floats each, "step" in the metadata.
  // load() restores it exactly, so a resumed run continues bit for bit; it throws Error when the
  // file belongs to a model of another size.
  void save(const std::string& path) const;
  void load(const std::string& path);

 private:
  backend::Backend& backend_;
  std::size_t num_floats_;
  std::vector<ParameterSpan> spans_;
  AdamWSettings settings_;
  // m, then v from moments_ + moment_stride() (num_floats rounded up to 64: v starts 256-byte
  // aligned as m does, so the GPU's AdamW moves four floats at a time in both)
  float* moments_ = nullptr;
  std::size_t moment_stride() const { return (num_floats_ + 63) / 64 * 64; }
  int step_ = 0;
};

}  // namespace textclass::train
