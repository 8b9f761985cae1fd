#include "textclass/train/adamw.hpp"

#include <map>

#include "textclass/error.hpp"
#include "textclass/model/safetensors_file.hpp"
#include "textclass/model/safetensors_writer.hpp"

namespace textclass::train {

AdamW::AdamW(backend::Backend& backend, std::size_t num_floats, std::vector<ParameterSpan> spans, AdamWSettings settings)
    : backend_(backend), num_floats_(num_floats), spans_(std::move(spans)), settings_(settings) {
  moments_ = backend_.alloc(2 * moment_stride());
  backend_.fill(moments_, 0.0f, 2 * moment_stride());
}

AdamW::~AdamW() { backend_.free(moments_); }

void AdamW::step(float* params, const float* grads, double lr, float grad_scale) {
  ++step_;
  backend_.adamw_update(params, grads, moments_, moments_ + moment_stride(), spans_, lr, settings_.beta1, settings_.beta2,
                        settings_.eps, grad_scale, step_);
}

void AdamW::save(const std::string& path) const {
  std::vector<float> host(2 * num_floats_);
  backend_.download(host.data(), moments_, num_floats_ * sizeof(float));
  backend_.download(host.data() + num_floats_, moments_ + moment_stride(), num_floats_ * sizeof(float));
  const auto n = static_cast<int64_t>(num_floats_);
  model::write_safetensors(path, {{"exp_avg", {n}, host.data()}, {"exp_avg_sq", {n}, host.data() + num_floats_}},
                           {{"step", std::to_string(step_)}});
}

void AdamW::load(const std::string& path) {
  model::SafetensorsFile file(path);
  const std::vector<float> m = file.read_floats("exp_avg");
  const std::vector<float> v = file.read_floats("exp_avg_sq");
  const auto step = file.metadata().find("step");
  if (m.size() != num_floats_ || v.size() != num_floats_ || step == file.metadata().end())
    throw Error(path + ": optimizer state of another model (expected " + std::to_string(num_floats_) + " floats per moment)");
  backend_.upload(moments_, m.data(), num_floats_ * sizeof(float));
  backend_.upload(moments_ + moment_stride(), v.data(), num_floats_ * sizeof(float));
  step_ = std::stoi(step->second);
}

}  // namespace textclass::train
