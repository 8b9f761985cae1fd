// clip_grad_norm_'s arithmetic: the norm over the parameters that have gradients, and its factor.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../support/forwarding_backend.hpp"
#include "textclass/backend/backend.hpp"
#include "textclass/train/gradient_clipping.hpp"

namespace textclass::train {
namespace {

TEST(GradientClipping, NormCoversOnlyTheSpans) {
  auto backend = backend::make_cpu_backend();
  std::vector<float> host = {3.0f, 4.0f, 100.0f, 12.0f};  // 100 lies outside the spans
  float* grads = backend->alloc(host.size());
  backend->upload(grads, host.data(), host.size() * sizeof(float));
  double norm = global_grad_norm(*backend, grads, {{0, 2, 0.01}, {3, 1, 0.0}});
  backend->free(grads);
  EXPECT_DOUBLE_EQ(norm, 13.0);
}

// The CPU backend, counting the calls to sum_squares (each one waits for a GPU).
class CountingSums : public textclass::testing::ForwardingBackend {
 public:
  CountingSums() : ForwardingBackend(backend::make_cpu_backend()) {}
  double sum_squares(const float* x, std::size_t n) override {
    calls++;
    return ForwardingBackend::sum_squares(x, n);
  }
  int calls = 0;
};

TEST(GradientClipping, AdjacentSpansAreSummedInOneCall) {
  CountingSums backend;
  std::vector<float> host = {3.0f, 4.0f, 12.0f, 100.0f, 5.0f, 1.0f};  // 100 lies outside the spans
  float* grads = backend.alloc(host.size());
  backend.upload(grads, host.data(), host.size() * sizeof(float));
  // the weights and the biases of a layer, then a span after a gap
  const double norm = global_grad_norm(backend, grads, {{0, 2, 0.01}, {2, 1, 0.0}, {4, 2, 0.01}});
  backend.free(grads);
  EXPECT_DOUBLE_EQ(norm, std::sqrt(9.0 + 16.0 + 144.0 + 25.0 + 1.0));
  EXPECT_EQ(backend.calls, 2);
}

TEST(GradientClipping, FactorIsMaxNormOverNormCappedAtOne) {
  EXPECT_FLOAT_EQ(clip_factor(13.0, 1.0), static_cast<float>(1.0 / (13.0 + 1e-6)));
  EXPECT_EQ(clip_factor(0.5, 1.0), 1.0f);
  EXPECT_EQ(clip_factor(0.0, 1.0), 1.0f);
  EXPECT_EQ(clip_factor(50.0, 0.0), 1.0f);  // max_grad_norm 0 turns clipping off
}

}  // namespace
}  // namespace textclass::train
