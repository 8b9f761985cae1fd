#include "textclass/train/device.hpp"

#include "textclass/error.hpp"
#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::train {

std::string available_devices() {
#ifdef TEXTCLASS_HAS_CUDA
  return "cpu, cuda";
#else
  return "cpu";
#endif
}

std::string resolve_device(const std::string& device) {
  if (device != "auto") return device;
#ifdef TEXTCLASS_HAS_CUDA
  if (backend::cuda_unavailable_reason().empty()) return "cuda";
#endif
  return "cpu";
}

std::unique_ptr<backend::Backend> make_backend(const std::string& asked, int threads, const std::string& precision) {
  if (precision != "auto" && precision != "fp32" && precision != "tf32" && precision != "bf16")
    throw Error("--precision " + precision + ": choose auto, fp32, tf32 or bf16");
  const std::string device = resolve_device(asked);
  if (device == "cpu") {
    if (precision == "tf32" || precision == "bf16")
      throw Error("--precision " + precision + " needs --device cuda (the CPU backend computes in fp32" +
                  (asked == "auto" ? std::string("; --device auto found no usable GPU)") : std::string(")")));
    return backend::make_cpu_backend(threads);
  }
#ifdef TEXTCLASS_HAS_CUDA
  if (device == "cuda")
    return backend::make_cuda_backend(precision == "fp32"   ? backend::Precision::fp32
                                      : precision == "tf32" ? backend::Precision::tf32
                                                            : backend::Precision::bf16);
#endif
  if (device == "cuda") throw Error("--device cuda: this build has no CUDA backend (CMake found no CUDA toolkit); it runs on: cpu");
  throw Error("--device " + device + ": this build runs on: " + available_devices() + " (or auto)");
}

}  // namespace textclass::train
