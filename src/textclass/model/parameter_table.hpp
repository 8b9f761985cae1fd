#pragma once
// Where each parameter lives in the model's one parameter allocation, under its HuggingFace name.
// Gradients and AdamW moments use the same offsets in their own allocations.
//
// The order is chosen for the optimizer and the attention projection:
//   - query, key and value of a layer are adjacent (weights, then biases), so they form one
//     [3C, C] weight and one [3C] bias and the projection is one matmul giving qkv[B,T,3C];
//   - the weight-decayed matrices come first, then the biases and LayerNorm parameters (no decay),
//     then the head's dense layer (the pooler), so the Trainer's parameter groups are a few
//     contiguous spans.
// The names are the family's (family.hpp).
// Each tensor starts on a 16-float boundary (64 bytes, for vector loads on either backend),
// except key and value, which follow query directly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "textclass/model/bert_config.hpp"
#include "textclass/model/head.hpp"

namespace textclass::model {

struct ParameterView {
  std::string name;             // "bert.encoder.layer.0.attention.self.query.weight", the family's
  std::vector<int64_t> shape;
  std::size_t offset = 0;       // in floats from the start of the allocation
  std::size_t numel = 0;
  bool trainable = true;        // false for BERT's pooler under Head::cls_linear: it gets no gradient
};

class ParameterTable {
 public:
  ParameterTable(const BertConfig& config, Head head, bool with_pooler);

  const std::vector<ParameterView>& views() const { return views_; }
  const ParameterView* find(const std::string& name) const;  // nullptr when absent
  const ParameterView& at(const std::string& name) const;    // throws std::out_of_range
  std::size_t total_floats() const { return total_; }        // the allocation's size, padding included

 private:
  void add(const std::string& name, std::vector<int64_t> shape, bool aligned = true, bool trainable = true);

  std::vector<ParameterView> views_;
  std::size_t total_ = 0;
};

}  // namespace textclass::model
