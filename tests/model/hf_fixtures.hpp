#pragma once
// Access to tests/fixtures/hf (written by its make_fixtures.py with transformers and torch):
// the tiny models, golden.safetensors (inputs, outputs, gradients, a 3-step AdamW trajectory)
// and golden.json (scalars). Shared by the model and train tests.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "textclass/backend/backend.hpp"
#include "textclass/model/bert.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/model/safetensors_file.hpp"

namespace textclass::testing {

inline std::string hf_fixture(const std::string& relative) {
  return std::string(TEXTCLASS_SOURCE_DIR) + "/tests/fixtures/hf/" + relative;
}

// A fixture folder's weights under either head, whatever head load_bert would choose for it: the
// golden notebook-head outputs (seed_head.*) come from the weights of the tiny
// BertForSequenceClassification, which load_bert runs with transformers' head only.
inline std::unique_ptr<model::Bert> load_with_head(backend::Backend& backend, const std::string& dir, model::Head head) {
  auto bert = std::make_unique<model::Bert>(backend, model::load_config(hf_fixture(dir + "/config.json")), head,
                                            /*with_pooler=*/true);
  model::load_weights(*bert, model::SafetensorsFile(hf_fixture(dir + "/model.safetensors")), /*init_seed=*/0);
  return bert;
}

inline const model::SafetensorsFile& golden_tensors() {
  static model::SafetensorsFile file(hf_fixture("golden.safetensors"));
  return file;
}

inline const nlohmann::json& golden_json() {
  static nlohmann::json j = nlohmann::json::parse(std::ifstream(hf_fixture("golden.json")));
  return j;
}

// The golden batch: 8 AG News rows padded to the longest, with their labels (golden.safetensors'
// input_ids, token_type_ids, attention_mask and labels; the families' fixtures have the same).
struct GoldenBatch {
  int B = 0, T = 0;
  std::vector<int32_t> input_ids, token_type_ids, attention_mask, labels;

  GoldenBatch() : GoldenBatch(golden_tensors()) {}
  explicit GoldenBatch(const model::SafetensorsFile& tensors)
      : B(static_cast<int>(tensors.info("input_ids").shape[0])),
        T(static_cast<int>(tensors.info("input_ids").shape[1])),
        input_ids(tensors.read_ints("input_ids")),
        token_type_ids(tensors.read_ints("token_type_ids")),
        attention_mask(tensors.read_ints("attention_mask")),
        labels(tensors.read_ints("labels")) {}

  // Rows [begin, end) as model inputs (padding kept at the full batch's T, as HF sliced it).
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

inline std::vector<float> download(backend::Backend& backend, const float* device, std::size_t n) {
  std::vector<float> host(n);
  backend.download(host.data(), device, n * sizeof(float));
  return host;
}

// The rows of a [B, T, C] tensor the model computed ([M, C], row i of padded row padded_rows[i]),
// laid out as HF's padded one: the padding rows, which packed tokens leave out, taken from HF's.
inline std::vector<float> as_padded(const std::vector<float>& rows, const std::vector<int32_t>& padded_rows,
                                    std::vector<float> hf, std::size_t C) {
  for (std::size_t i = 0; i < padded_rows.size(); i++)
    if (padded_rows[i] >= 0) std::copy_n(rows.begin() + i * C, C, hf.begin() + padded_rows[i] * C);
  return hf;
}

// The [CLS] rows (t = 0) of a [B, T, C] tensor: what Activations::cls_hidden_state holds of HF's
// last_hidden_state.
inline std::vector<float> cls_rows(const std::vector<float>& padded, int B, int T, std::size_t C) {
  std::vector<float> rows(B * C);
  for (int b = 0; b < B; ++b) std::copy_n(padded.begin() + static_cast<std::size_t>(b) * T * C, C, rows.begin() + b * C);
  return rows;
}

// One parameter (or gradient) of a model, by HF name, downloaded.
inline std::vector<float> tensor_of(const model::Bert& bert, const float* base, const std::string& name) {
  const model::ParameterView& view = bert.table().at(name);
  return download(bert.backend(), base + view.offset, view.numel);
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double diff = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (std::isnan(diff)) return INFINITY;  // (std::max would pass over it)
    worst = std::max(worst, diff);
  }
  return worst;
}

// The largest violation of |a - b| <= abs_tol or <= rel_tol |b|, as a multiple of the
// looser bound (<= 1 passes), for gradients whose magnitudes span several decades.
inline double tolerance_ratio(const std::vector<float>& a, const std::vector<float>& b, double abs_tol, double rel_tol) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double diff = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (std::isnan(diff)) return INFINITY;
    double bound = std::max(abs_tol, rel_tol * std::fabs(static_cast<double>(b[i])));
    worst = std::max(worst, diff / bound);
  }
  return worst;
}

}  // namespace textclass::testing
