#pragma once
// --device, --precision and --threads, which every command that runs BERT takes.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "textclass/backend/backend.hpp"

namespace textclass::cli {

struct DeviceOptions {
  std::string device = "auto";  // the GPU where there is one
  std::string precision = "auto";
  int threads = 0;  // CPU threads, 0: all cores
};

void add_device_options(CLI::App& command, DeviceOptions& options);

std::unique_ptr<backend::Backend> make_backend(const DeviceOptions& options);

// The --batch-size of evaluate and predict: as given, or for 0 the device's prediction_batch_size().
std::size_t prediction_batch_size(std::size_t asked, const backend::Backend& backend);

}  // namespace textclass::cli
