#pragma once
// The scratch memory of a forward (and backward) pass: every activation the backward pass needs,
// the inputs on the device, and the backward pass's own temporaries. Kept apart from the weights
// (as fastText keeps per-thread state apart from its model) so that Bert::forward is const and
// several Activations can run one model. One float and one int allocation, sized for the largest
// B x T seen and grown as needed.
// Laid out for evaluation (no backward pass to come), all layers share one LayerActivations: a
// layer reads its input (the previous layer's ln2, the same buffer as its own) only before its
// last op overwrites it. For bert-base that is 12x less memory, which is then touched once.
//
// Packed tokens: every op runs on the M rows of real tokens only, not on the padded B x T (AG News
// rows at batch 16 are about 47% padding): the token-wise ops (embeddings, LayerNorm, the linear
// layers, GELU, dropout) row by row, the attention on each sequence's rows (Backend::attention_forward).
// The padding is never computed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "textclass/backend/backend.hpp"
#include "textclass/model/bert_config.hpp"
#include "textclass/model/head.hpp"

namespace textclass::model {

// Which rows of the padded [B, T] layout the model computes, and where: made on the host from the
// attention mask, uploaded with the batch.
struct RowLayout {
  int M = 0;  // rows: the real tokens, rounded up to a multiple of Backend::row_multiple() with rows
              // of zeros (at most B x T)
  std::vector<int32_t> token_rows;      // [M] the padded position b·T + t of each row, -1 after the last token
  std::vector<int32_t> starts;          // [B + 1] the row of each sequence's first token ([CLS]), then the
                                        // number of rows that are tokens
  std::vector<int32_t> cls_of_row;      // [M] the sequence whose first token the row is, else -1
  std::vector<int32_t> attention_mask;  // [B, T] the rows' mask as the attention sees it: sequence b's
                                        // starts[b+1] - starts[b] tokens, then padding
};
// A mask may have padding anywhere but at a sequence's start (its [CLS] token); that is an Error.
// The real tokens of a sequence become consecutive rows, so the attention among them is HF's with
// that mask (only attention dropout, drawn by position, differs where the mask has gaps).
RowLayout row_layout(std::span<const int32_t> attention_mask, int B, int T, int row_multiple);

// Shapes: M rows of tokens (RowLayout), C hidden, I intermediate, NH heads, V classes.
struct LayerActivations {
  float* qkv;       // [M, 3C] the attention's input projection: one buffer for every layer (the
                    // attention keeps what its backward pass needs of it in att)
  float* att;       // what attention's backward needs (Backend::attention_saved_floats); null in evaluation
  float* atty;      // [M, C] attention output, before its dense layer
  float* res1;      // [M, C] input + dropout(attention dense)
  float* ln1;       // [M, C] LayerNorm(res1)
  float* ln1_mean;  // [M]
  float* ln1_rstd;  // [M]
  float* fch;       // [M, I] intermediate dense
  float* fch_gelu;  // [M, I] GELU of it (in evaluation, one buffer with qkv)
  float* res2;      // [M, C] ln1 + dropout(output dense)
  float* ln2;       // [M, C] LayerNorm(res2): the layer's output
  float* ln2_mean;  // [M]
  float* ln2_rstd;  // [M]
};

struct ActivationBuffers {
  int32_t* input_ids;       // [B, T]
  int32_t* token_type_ids;  // [B, T]
  int32_t* attention_mask;  // [B, T] RowLayout's
  int32_t* labels;          // [B]
  int32_t* token_rows;      // RowLayout's three index lists
  int32_t* starts;
  int32_t* cls_of_row;

  float* emb_sum;   // [M, C] word + position + token type, the rows of tokens
  float* emb_ln;    // [M, C] LayerNorm(emb_sum), in dense_out (not kept)
  float* emb_mean;  // [M]
  float* emb_rstd;  // [M]
  float* emb_out;   // [M, C] dropout(emb_ln): the encoder's input
  std::vector<LayerActivations> layers;
  float* dense_out;  // [M, C] a dense layer's output before dropout and residual (not kept)
  float* cls_atty;   // [B, C] the [CLS] rows of the last layer's attention output, and of its input:
  float* cls_input;  // the last layer runs on these B rows after its attention (its ln1 ... ln2 are [B, C])
  float* head_dense_in;  // [B, C] dropout of cls, the input of RoBERTa's head dense layer
  float* pooled_pre; // [B, C] the head's dense layer (Head::pooler: BERT's pooler, ...)
  float* pooled;     // [B, C] tanh of it (ReLU for DistilBERT)
  float* head_in;    // [B, C] dropout of the head's input
  float* logits;     // [B, V]
  float* losses;     // [B]
  float* probs;      // [B, V] softmax (single-label) or sigmoid (multi-label) of the logits
  float* targets;    // [B, V] multi-label indicators or regression values (labels for single-label)

  // backward temporaries, only when laid out for training (null otherwise)
  float* d_a;       // [M, C] each: gradients flowing through a layer
  float* d_b;
  float* d_c;
  float* d_d;
  float* d_fch;     // [M, I], the same buffer as d_fch_gelu
  float* d_fch_gelu;  // [M, I]
  float* d_qkv;     // [M, 3C], in d_fch_gelu's buffer
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

  // Lays the buffers out for a batch of B rows of T tokens whose ops run on rows.M rows, growing the
  // allocations if needed, and uploads rows' index lists and mask.
  void prepare(const BertConfig& config, int B, int T, const RowLayout& rows, bool for_training);
  const ActivationBuffers& buffers() const { return buffers_; }

  // What the last forward pass ran on, so backward can replay it.
  struct Pass {
    int B = 0, T = 0, M = 0;  // M: RowLayout::M
    bool has_labels = false;
    std::optional<uint64_t> dropout_seed;  // set when the pass was a training pass
  };
  Pass pass;

  // Device pointers to the encoder's input (after embeddings, LayerNorm, dropout), [M, C], and to
  // its output's [CLS] rows, [B, C] (the last layer computes no other rows), and the padded row of
  // each of the M rows (-1 for none).
  const float* embeddings_output() const { return buffers_.emb_out; }
  const float* cls_hidden_state() const { return buffers_.layers.back().ln2; }
  const std::vector<int32_t>& padded_row_of_rows() const { return padded_row_of_rows_; }

 private:
  struct Sizes {
    std::size_t floats, ints;
  };
  // Points buffers_ into the given allocations (or, with nulls, only measures them).
  Sizes layout(const BertConfig& config, int B, int T, int M, bool for_training, float* floats, int32_t* ints);

  backend::Backend& backend_;
  std::vector<int32_t> padded_row_of_rows_;
  ActivationBuffers buffers_{};
  float* floats_ = nullptr;
  int32_t* ints_ = nullptr;
  std::size_t float_capacity_ = 0;
  std::size_t int_capacity_ = 0;
};

}  // namespace textclass::model
