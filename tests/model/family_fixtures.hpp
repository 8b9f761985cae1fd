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
  int B = 0, T = 0;
  std::vector<int32_t> input_ids, token_type_ids, attention_mask, labels;

  explicit FamilyGolden(const std::string& name)
      : family(name),
        tensors(family_fixture(name, "golden.safetensors")),
        scalars(nlohmann::json::parse(std::ifstream(family_fixture(name, "golden.json")))) {
    B = static_cast<int>(tensors.info("input_ids").shape[0]);
    T = static_cast<int>(tensors.info("input_ids").shape[1]);
    input_ids = tensors.read_ints("input_ids");
    token_type_ids = tensors.read_ints("token_type_ids");
    attention_mask = tensors.read_ints("attention_mask");
    labels = tensors.read_ints("labels");
  }

  // Rows [begin, end) as model inputs (padding kept at the full batch's T).
  model::Inputs rows(int begin, int end, bool with_labels = true) const {
    const std::size_t from = static_cast<std::size_t>(begin) * T, count = static_cast<std::size_t>(end - begin) * T;
    model::Inputs in;
    in.B = end - begin;
    in.T = T;
    in.input_ids = std::span(input_ids).subspan(from, count);
    in.token_type_ids = std::span(token_type_ids).subspan(from, count);
    in.attention_mask = std::span(attention_mask).subspan(from, count);
    if (with_labels) in.labels = std::span(labels).subspan(begin, end - begin);
    return in;
  }
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
