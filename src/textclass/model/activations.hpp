#pragma once
// The scratch memory of a forward (and backward) pass: every activation the backward pass needs,
// the inputs on the device, and the backward pass's own temporaries. Kept apart from the weights
// (as fastText keeps per-thread state apart from its model) so that Bert::forward is const and
// several Activations can run one model. One float and one int allocation, sized for the largest
// B x T seen and grown as needed.
// Laid out for evaluation (no backward pass to come), all layers share one LayerActivations: a
// layer reads its input (the previous layer's ln2, the same buffer as its own) only before its
// last op overwrites it. For bert-base that is 12x less memory, which is then touched once.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/model/head.hpp"

namespace textclass::model {

// Shapes: N = B*T tokens, C hidden, I intermediate, NH heads, V classes.
struct LayerActivations {
  float* qkv;       // [N, 3C] the attention's input projection: shared by the layers where no
                    // backward pass reads it (ActivationBuffers::attention_keeps_qkv)
  float* att;       // what attention's backward needs (Backend::attention_saved); null in evaluation
  float* atty;      // [N, C] attention output, before its dense layer
  float* res1;      // [N, C] input + dropout(attention dense)
  float* ln1;       // [N, C] LayerNorm(res1)
  float* ln1_mean;  // [N]
  float* ln1_rstd;  // [N]
  float* fch;       // [N, I] intermediate dense
  float* fch_gelu;  // [N, I] GELU of it: one buffer for all layers, recomputed by the backward pass
  float* res2;      // [N, C] ln1 + dropout(output dense)
  float* ln2;       // [N, C] LayerNorm(res2): the layer's output
  float* ln2_mean;  // [N]
  float* ln2_rstd;  // [N]
};

struct ActivationBuffers {
  int32_t* input_ids;       // [B, T]
  int32_t* token_type_ids;  // [B, T]
  int32_t* attention_mask;  // [B, T]
  int32_t* labels;          // [B]

  float* emb_sum;   // [N, C] word + position + token type
  float* emb_ln;    // [N, C] LayerNorm(emb_sum), in dense_out (not kept)
  float* emb_mean;  // [N]
  float* emb_rstd;  // [N]
  float* emb_out;   // [N, C] dropout(emb_ln): the encoder's input
  std::vector<LayerActivations> layers;
  bool attention_keeps_qkv;  // att keeps what the attention's backward pass needs of qkv (not read)
  float* dense_out;  // [N, C] a dense layer's output before dropout and residual (not kept)
  float* cls;        // [B, C] the [CLS] rows of the last layer
  float* pooled_pre; // [B, C] pooler dense (Head::pooler)
  float* pooled;     // [B, C] tanh of it
  float* head_in;    // [B, C] dropout of the head's input
  float* logits;     // [B, V]
  float* losses;     // [B]
  float* probs;      // [B, V]

  // backward temporaries, only when laid out for training (null otherwise)
  float* d_a;       // [N, C] each: gradients flowing through a layer
  float* d_b;
  float* d_c;
  float* d_d;
  float* d_fch;     // [N, I], the same buffer as d_fch_gelu
  float* d_fch_gelu;  // [N, I]
  float* d_qkv;     // [N, 3C], in d_fch_gelu's buffer
  float* d_logits;  // [B, V]
  float* d_head_a;  // [B, C]
  float* d_head_b;  // [B, C]
};

class Activations {
 public:
  explicit Activations(backend::Backend& backend) : backend_(backend) {}
  ~Activations();
  Activations(const Activations&) = delete;
  Activations& operator=(const Activations&) = delete;

  // Lays the buffers out for a batch of B rows of T tokens, growing the allocations if needed.
  void prepare(const BertConfig& config, int B, int T, bool for_training);
  const ActivationBuffers& buffers() const { return buffers_; }

  // What the last forward pass ran on, so backward can replay it.
  struct Pass {
    int B = 0, T = 0;
    bool has_labels = false;
    std::optional<uint64_t> dropout_seed;  // set when the pass was a training pass
  };
  Pass pass;

  // Device pointers to the encoder's input (after embeddings, LayerNorm, dropout) and output.
  const float* embeddings_output() const { return buffers_.emb_out; }
  const float* last_hidden_state() const { return buffers_.layers.back().ln2; }

 private:
  struct Sizes {
    std::size_t floats, ints;
  };
  // Points buffers_ into the given allocations (or, with nulls, only measures them).
  Sizes layout(const BertConfig& config, int B, int T, bool for_training, float* floats, int32_t* ints);

  backend::Backend& backend_;
  ActivationBuffers buffers_{};
  float* floats_ = nullptr;
  int32_t* ints_ = nullptr;
  std::size_t float_capacity_ = 0;
  std::size_t int_capacity_ = 0;
};

}  // namespace textclass::model
