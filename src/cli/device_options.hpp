#pragma once
// --device, --precision, --threads and --profile, which every command that runs BERT takes.
#include <memory>

#include <CLI/CLI.hpp>

#include "textclass/backend/device.hpp"

namespace textclass::cli {

using backend::DeviceOptions;

// What the command does with the model: inference also offers --precision int8, and the CPU then
// prepares each weight for its products once (DeviceOptions::inference).
enum class ModelUse { training, inference };

void add_device_options(CLI::App& command, DeviceOptions& options, ModelUse use);

// The --batch-size of evaluate and predict: as given, or for 0 the device's prediction_batch_size().
std::size_t prediction_batch_size(std::size_t asked, const backend::Backend& backend);

}  // namespace textclass::cli
