#pragma once
// Seeded normal(0, std) values for layers a checkpoint does not have (a new classifier), as HF's
// _init_weights draws them. mt19937_64 and Box-Muller are fully specified, so a seed gives the
// same weights on every platform (std::normal_distribution is implementation-defined).
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace textclass::model {

class NormalInit {
 public:
  explicit NormalInit(uint64_t seed) : engine_(seed) {}
  std::vector<float> draw(std::size_t n, double std);

 private:
  std::mt19937_64 engine_;
};

}  // namespace textclass::model
