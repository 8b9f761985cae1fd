#include "cli/device_options.hpp"

#include <string>
#include <vector>

namespace textclass::cli {

void add_device_options(CLI::App& command, DeviceOptions& options, ModelUse use) {
  options.inference = use == ModelUse::inference;
  command.add_option("--device", options.device,
                     "where BERT runs: auto (cuda where there is a usable GPU, else cpu), or " +
                         backend::available_devices())
      ->capture_default_str();
  std::string precision_help =
      "matmul arithmetic: auto (bf16 on cuda, fp32 on cpu), fp32, bf16 (products of bf16-rounded inputs, fp32 "
      "weights and sums: tensor cores on cuda, AVX512-BF16 on cpu), or on cuda tf32";
  std::vector<std::string> precisions = {"auto", "fp32", "tf32", "bf16"};
  if (use == ModelUse::inference) {
    precision_help += ", or on cpu int8 (the linear layers' products in int8: weights per channel, inputs per "
                      "row, as ONNX Runtime's dynamic quantization; needs AVX512-VNNI)";
    precisions.push_back("int8");
  }
  command.add_option("--precision", options.precision, precision_help)
      ->check(CLI::IsMember(precisions))
      ->capture_default_str();
  command.add_option("--threads", options.threads, "CPU threads (default: all cores)")->check(CLI::NonNegativeNumber);
  command.add_flag("--profile", options.profile,
                   "time every op (on the GPU with CUDA events, on the CPU from call to return) and print a table to stderr at the end");
}

std::size_t prediction_batch_size(std::size_t asked, const backend::Backend& backend) {
  return asked > 0 ? asked : backend.prediction_batch_size();
}

}  // namespace textclass::cli
