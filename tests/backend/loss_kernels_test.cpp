// The CUDA backend's loss kernels (backend/cuda/loss_kernels.cuh) run on host threads
// (kernels_on_host.hpp) against the CPU backend's ops: grids smaller than the rows and elements,
// so the backward threads stride. The op tests check the kernels themselves where there is a GPU.
// Builds without CUDA (no cuda_bf16.h) have nothing to test here.
#ifdef TEXTCLASS_HAS_CUDA
#include "kernels_on_host.hpp"  // first: the kernels below see its stand-ins
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wattributes"
#include "textclass/backend/cuda/loss_kernels.cuh"
#pragma GCC diagnostic pop

#include <vector>

#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

namespace host = textclass::testing::kernels_on_host;
namespace losses = cuda::losses;

TEST(LossKernelsOnHost, MatchTheCpu) {
  const int B = 70, V = 3;
  const std::size_t n = static_cast<std::size_t>(B) * V;
  Random random(8);
  const std::vector<float> logits = random.floats(n, 5.0f), values = random.floats(n, 2.0f);
  std::vector<float> weights = {0.5f, 2.0f, 1.25f}, indicators(n);
  for (std::size_t i = 0; i < n; i++) indicators[i] = values[i] > 0.0f ? 1.0f : 0.0f;
  const Ints labels = random.ints(B, V);
  auto cpu = make_cpu_backend({.threads = 1});
  Buffer<float> logits_d(*cpu, logits), weights_d(*cpu, weights), indicators_d(*cpu, indicators),
      values_d(*cpu, values), losses_d(*cpu, B), probs_d(*cpu, n), grad_d(*cpu, n);
  Buffer<int32_t> labels_d(*cpu, labels);
  std::vector<float> out_losses(B), probs(n), grad(n);
  // a thread per row (3 blocks of 32 for 70 rows), or 64 threads striding over the 210 elements
  auto launch_rows = [&](auto kernel) { host::launch(dim3(3), 32, 0, kernel); };
  auto launch_elements = [&](auto kernel) { host::launch(dim3(2), 32, 0, kernel); };
  for (const float* w : {static_cast<const float*>(nullptr), static_cast<const float*>(weights.data())}) {
    SCOPED_TRACE(w ? "weighted, smoothed" : "plain");
    const float eps = w ? 0.1f : 0.0f;
    launch_rows([&] {
      losses::crossentropy_forward_kernel(out_losses.data(), probs.data(), logits.data(), labels.data(), w, eps, B, V);
    });
    launch_elements([&] {
      losses::crossentropy_backward_kernel(grad.data(), probs.data(), labels.data(), w, eps, B, V);
    });
    float* wd = w ? weights_d.get() : nullptr;
    cpu->crossentropy_forward(losses_d.get(), probs_d.get(), logits_d.get(), labels_d.get(), wd, eps, B, V);
    cpu->crossentropy_backward(grad_d.get(), probs_d.get(), labels_d.get(), wd, eps, B, V);
    expect_close(out_losses, to_doubles(losses_d.read()), {1e-6, 1e-7}, "losses");
    expect_close(grad, to_doubles(grad_d.read()), {1e-6, 1e-9}, "dlogits");
  }
  launch_rows([&] {
    losses::bce_with_logits_forward_kernel(out_losses.data(), probs.data(), logits.data(), indicators.data(), B, V);
  });
  launch_elements([&] {
    losses::scaled_difference_kernel(grad.data(), probs.data(), indicators.data(), 1.0 / double(n), n);
  });
  cpu->bce_with_logits_forward(losses_d.get(), probs_d.get(), logits_d.get(), indicators_d.get(), B, V);
  cpu->bce_with_logits_backward(grad_d.get(), probs_d.get(), indicators_d.get(), B, V);
  expect_close(out_losses, to_doubles(losses_d.read()), {1e-6, 1e-7}, "bce losses");
  expect_close(grad, to_doubles(grad_d.read()), {1e-6, 1e-9}, "bce dlogits");
  launch_rows([&] { losses::mse_forward_kernel(out_losses.data(), logits.data(), values.data(), B, V); });
  launch_elements([&] { losses::scaled_difference_kernel(grad.data(), logits.data(), values.data(), 2.0 / double(n), n); });
  cpu->mse_forward(losses_d.get(), logits_d.get(), values_d.get(), B, V);
  cpu->mse_backward(grad_d.get(), logits_d.get(), values_d.get(), B, V);
  expect_close(out_losses, to_doubles(losses_d.read()), {1e-6, 1e-7}, "mse losses");
  expect_close(grad, to_doubles(grad_d.read()), {1e-6, 1e-9}, "mse dlogits");
}

}  // namespace
}  // namespace textclass::backend::op_test
#endif
