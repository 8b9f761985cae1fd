#include "textclass/backend/device.hpp"

#include "textclass/error.hpp"
#ifdef TEXTCLASS_HAS_CUDA
#include "textclass/backend/cuda/cuda_backend.hpp"
#endif

namespace textclass::backend {

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
  if (cuda_unavailable_reason().empty()) return "cuda";
#endif
  return "cpu";
}

std::unique_ptr<Backend> make_backend(const DeviceOptions& options) {
  const std::string& precision = options.precision;
  if (precision != "auto" && precision != "fp32" && precision != "tf32" && precision != "bf16" && precision != "int8")
    throw Error("--precision " + precision + ": choose auto, fp32, tf32, bf16 or int8");
  const std::string device = resolve_device(options.device);
  if (precision == "int8" && device != "cpu")
    throw Error("--precision int8 runs on the CPU: add --device cpu");
  if (device == "cpu") {
    if (precision == "int8" && !cpu_int8_unavailable_reason().empty())
      throw Error("--precision int8: " + cpu_int8_unavailable_reason());
    if (precision == "bf16" && !cpu_bf16_unavailable_reason().empty())
      throw Error("--precision bf16 on the CPU: " + cpu_bf16_unavailable_reason());
    if (precision == "tf32")
      throw Error("--precision " + precision + " needs --device cuda (the CPU's are fp32, bf16 and int8" +
                  (options.device == "auto" ? std::string("; --device auto found no usable GPU)") : std::string(")")));
    CpuOptions cpu;
    cpu.int8 = precision == "int8";
    cpu.bf16 = precision == "bf16";
    cpu.threads = options.threads;
    cpu.profile = options.profile;
    cpu.inference = options.inference;
    return make_cpu_backend(cpu);
  }
#ifdef TEXTCLASS_HAS_CUDA
  if (device == "cuda") {
    CudaOptions cuda;
    cuda.precision = precision == "fp32" ? Precision::fp32 : precision == "tf32" ? Precision::tf32 : Precision::bf16;
    cuda.profile = options.profile;
    return make_cuda_backend(cuda);
  }
#endif
  if (device == "cuda")
    throw Error("--device cuda: this build has no CUDA backend (CMake found no CUDA toolkit); it runs on: cpu");
  throw Error("--device " + device + ": this build runs on: " + available_devices() + " (or auto)");
}

}  // namespace textclass::backend
