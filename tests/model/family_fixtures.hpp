#pragma once
// Access to tests/fixtures/families/<family> (written by its make_fixtures.py, a PyTorch reference
// written from transformers' modeling code): the tiny random RobertaForSequenceClassification and
// DistilBertForSequenceClassification, golden.safetensors (inputs, logits, hidden states, every
// gradient, the parameters after 3 AdamW steps) and golden.json (the scalars). Shared by the model
// and train tests.
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "hf_fixtures.hpp"
#include "test_backends.hpp"
#include "textclass/model/bert.hpp"
#include "textclass/model/safetensors_file.hpp"

namespace textclass::testing {

inline std::string family_fixture(const std::string& family, const std::string& relative) {
  return std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/families/" + family + "/" + relative;
}

struct FamilyGolden {
  std::string family;
  model::SafetensorsFile tensors;
  nlohmann::json scalars;
  GoldenBatch batch;  // the rows the fixtures ran

  explicit FamilyGolden(const std::string& name)
      : family(name),
        tensors(family_fixture(name, "golden.safetensors")),
        scalars(nlohmann::json::parse(std::ifstream(family_fixture(name, "golden.json")))),
        batch(tensors) {}
};

// The families with fixtures, as test parameters.
inline std::vector<std::string> fixture_families() { return {"roberta", "distilbert"}; }

// The backends whose products are exact fp32 (cpu, cuda): the fixtures' tolerances hold there;
// tensor-core precisions are compared with looser bounds of their own.
inline std::vector<std::string> fp32_backend_names() {
  std::vector<std::string> names;
  for (const std::string& name : backend_names())
    if (name == "cpu" || name == "cuda") names.push_back(name);
  return names;
}

// A test parametrised by (family, backend name): SetUp makes the backend, or skips the test saying
// why it cannot run here.
class FamilyBackendTest : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  void SetUp() override {
    const std::string& name = std::get<1>(GetParam());
    const std::string why_not = backend_unavailable_reason(name);
    if (!why_not.empty()) GTEST_SKIP() << name << ": " << why_not;
    backend_ = make_test_backend(name);
  }
  const std::string& family() const { return std::get<0>(GetParam()); }
  backend::Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<backend::Backend> backend_;
};

}  // namespace textclass::testing
