#pragma once
// The list of operations the BERT engine runs on, one virtual function per op. The model calls only
// these, so it never knows whether the CPU or the CUDA backend runs it; a parametrised test runs
// every op on every backend and compares with the CPU.
//
// Pointers are device memory from alloc()/alloc_ints(); every tensor is fp32 unless typed int32,
// row-major and contiguous. Shape letters:
//   B  rows of a batch           T  tokens per row (after padding)     C  hidden size
//   NH attention heads           hs = C / NH, the head size            N  a count of vectors (often B*T)
//   OC output channels of a linear layer                               V  classes of a classifier
// Gradient conventions: parameter gradients (dweight, dbias, dwte, ...) ACCUMULATE (+=), so
// gradient accumulation across micro-batches needs no extra op; input gradients (dinp, dqkv)
// are OVERWRITTEN (=). The one exception on request: matmul_backward's dweight with
// GradientWrite::overwrite (the first pass after zeroing, whose largest gradients need then be
// neither cleared nor read).
// Dropout is counter-based: element i of a tensor is kept iff dropout_uniform(seed, i) >= p, and
// kept values are scaled by 1/(1-p). The backward pass regenerates the same mask from the seed,
// so no mask is stored and every backend draws the same mask.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

// dropout_uniform is compiled for the GPU too when nvcc reads this header (backend/cuda).
#if defined(__CUDACC__)
#define TEXTCLASS_HOST_DEVICE __host__ __device__
#else
#define TEXTCLASS_HOST_DEVICE
#endif

namespace textclass::backend {

// Uniform in [0, 1) from (seed, index): splitmix64 of seed + index * golden ratio, top 24 bits.
// The same function on every backend, so CPU and GPU runs drop the same elements.
TEXTCLASS_HOST_DEVICE inline float dropout_uniform(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

// A run of parameters that share a weight decay: floats [offset, offset + count) of the parameter
// allocation (train::parameter_groups makes them, after the HF Trainer's groups).
struct ParameterSpan {
  std::size_t offset = 0;
  std::size_t count = 0;
  double weight_decay = 0.0;
};

// How matmul_backward writes dweight: adds to it, or overwrites what is there.
enum class GradientWrite { accumulate, overwrite };

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;

  // ---- memory ------------------------------------------------------------------------------
  virtual float* alloc(std::size_t n) = 0;          // n floats of device memory, uninitialised
  virtual int32_t* alloc_ints(std::size_t n) = 0;   // n int32 of device memory, uninitialised
  virtual void free(void* ptr) = 0;
  virtual void upload(void* device_dst, const void* host_src, std::size_t bytes) = 0;
  virtual void download(void* host_dst, const void* device_src, std::size_t bytes) = 0;
  virtual void copy(float* dst, const float* src, std::size_t n) = 0;  // device to device
  virtual void fill(float* x, float value, std::size_t n) = 0;
  virtual void synchronize() = 0;
  // Bytes of device memory this backend holds for its callers now, and the most it has held
  // (alloc/alloc_ints minus free, plus scratch of its own): what a benchmark reports as peak memory.
  struct MemoryUse {
    std::size_t current = 0, peak = 0;
  };
  virtual MemoryUse memory_use() const = 0;
  // Batches whose length (T) is a multiple of this run fastest here; padding is masked, so a
  // longer padding changes results only by rounding. 1 on the CPU, where padding is work for nothing.
  virtual int token_multiple() const { return 1; }
  // The model runs its token-wise ops on the real tokens alone, rounded up to a multiple of this
  // with rows of zeros: a GPU then sees few distinct row counts (each new shape of product costs a
  // cuBLASLt plan). 1 on the CPU.
  virtual int row_multiple() const { return 1; }
  // Rows per prediction batch that make good use of this device (a GPU needs large batches to be
  // busy; the CPU gains nothing past a few dozen rows).
  virtual std::size_t prediction_batch_size() const { return 32; }
  // Floats of its own that attention_forward saves in att for attention_backward, which reads
  // nothing else of the forward pass's but its output: a backend keeps there what it needs of qkv too
  // (so that the model keeps no qkv per layer). The CPU keeps the probabilities and a copy of qkv;
  // CUDA each row's softmax statistics and qkv (on tensor cores its bf16 rounding).
  virtual std::size_t attention_saved_floats(int B, int T, int C, int NH) const = 0;

  // ---- forward and backward ops ------------------------------------------------------------
  // out[M,C]: row r = wte[ids[p]] + wpe[t] + wtt[token_types[p]] for token p = rows[r] = b·T + t of
  // ids[B,T] and token_types[B,T], zeros where rows[r] < 0 (rows: M ints, device memory: the model's
  // packed rows of tokens, activations.hpp); rows null: row r is token r, and M = B·T. The tables
  // are wte[vocab,C], wpe[at least T,C] and wtt[types,C].
  virtual void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                                  const float* wte, const float* wpe, const float* wtt, int M, int T, int C, int vocab,
                                  int types) = 0;
  // dwte, dwpe, dwtt += the rows of dout[M,C] scattered back to the rows they came from (rows as
  // above; a row with rows[r] < 0 adds nothing); the gradients have the tables' shapes
  virtual void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                                   const int32_t* token_types, const int32_t* rows, int M, int T, int C, int vocab,
                                   int types) = 0;

  // out[N,C] = (inp - mean) * rstd * weight + bias, per row; saves mean[N] and rstd[N]
  virtual void layernorm_forward(float* out, float* mean, float* rstd, const float* inp,
                                 const float* weight, const float* bias, float eps, int N, int C) = 0;
  virtual void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                                  const float* inp, const float* weight, const float* mean,
                                  const float* rstd, int N, int C) = 0;
  // A post-LN residual connection in one op: res[N,C] = dropout(inp) + residual, then
  // out = LayerNorm(res) saving mean and rstd, exactly as dropout_forward, add and layernorm_forward
  // in turn (the same dropout mask: element i of inp is index i). res is kept for the backward;
  // it must not alias inp or residual.
  virtual void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                          const float* residual, const float* weight, const float* bias,
                                          float dropout_p, uint64_t seed, float eps, int N, int C) = 0;
  // Its backward pass in one op, for the gradient dout + dout2 of out (dout2 may be null; the sum
  // as add makes it: a post-LN network's output gradient comes in two shares): dres[N,C] = the
  // LayerNorm's input gradient (the residual's gradient), then dinp = dropout_backward(dres) with
  // the forward's mask (inp's gradient), exactly as add, layernorm_backward and dropout_backward in
  // turn; dweight and dbias accumulate, and so does dinp_sums[C] += Σ_n dinp[n] unless it is null
  // (the bias gradient of the linear layer whose output inp is, which then passes matmul_backward no
  // dbias). The outputs must not alias the inputs.
  virtual void residual_layernorm_backward(float* dres, float* dinp, float* dweight, float* dbias, float* dinp_sums,
                                           const float* dout, const float* dout2, const float* res,
                                           const float* weight, const float* mean, const float* rstd,
                                           float dropout_p, uint64_t seed, int N, int C) = 0;

  // out[N,OC] = inp[N,C] · weight[OC,C]ᵀ + bias[OC]   (bias may be null; weight as torch's Linear)
  virtual void matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                              int N, int C, int OC) = 0;
  // dinp[N,C] = dout · weight;  dweight[OC,C] += doutᵀ · inp (= with GradientWrite::overwrite);
  // dbias[OC] += Σ_n dout[n]  (dinp may be null when the input needs no gradient; dbias null when
  // there is no bias)
  virtual void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                               const float* inp, const float* weight, int N, int C, int OC,
                               GradientWrite dweight_write) = 0;

  // Self-attention on the packed rows of tokens (model/activations.hpp): batch row b's tokens are
  // rows starts[b] .. starts[b+1]-1, in order, at most T of them (starts: B+1 ints, device memory);
  // rows starts[B] .. M-1 are no token's. qkv[M,3C]: query, key and value projections side by side;
  // out[M,C] = per head h: dropout(softmax(q_h·k_hᵀ/sqrt(hs))) · v_h over the row's own tokens,
  // heads concatenated, zeros in the rows that are no token's. mask[B,T]: the same prefixes as
  // starts (row b: starts[b+1]-starts[b] ones, then zeros), for kernels that read them by position.
  // For every token the numbers are HF's padded attention's with that mask (its padding bias gives
  // padded keys exactly zero weight). Dropout indexes the padded probabilities [B,NH,T,T]:
  // element ((b·NH + h)·T + i)·T + j for query i and key j of row b (positions in the row).
  // att: attention_saved_floats(B, T, C, NH) floats; null when no backward pass follows.
  virtual void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask,
                                 const int32_t* starts, int M, float dropout_p, uint64_t seed, int B,
                                 int T, int C, int NH) = 0;
  // dqkv[M,3C] from dout[M,C] (zeros in the rows that are no token's); out and att as the forward
  // pass left them (qkv is not read: att keeps what is needed of it).
  virtual void attention_backward(float* dqkv, const float* dout, const float* out, const float* att,
                                  const int32_t* mask, const int32_t* starts, int M, float dropout_p,
                                  uint64_t seed, int B, int T, int C, int NH) = 0;

  // out = 0.5 x (1 + erf(x / sqrt 2)), the exact GELU
  virtual void gelu_forward(float* out, const float* inp, std::size_t n) = 0;
  // (dinp may be dout)
  virtual void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) = 0;
  // gelu_backward over [N, C] rows that also adds the column sums of dinp into dinp_sums[C]: the bias
  // gradient of the linear layer whose output inp is (its matmul_backward then gets no dbias).
  // (dinp may be dout.)
  virtual void gelu_backward_sums(float* dinp, float* dinp_sums, const float* inp, const float* dout, int N,
                                  int C) = 0;
  // out = tanh(inp); the backward uses the saved output: dinp = dout (1 - out²)
  virtual void tanh_forward(float* out, const float* inp, std::size_t n) = 0;
  virtual void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n) = 0;
  // out = max(inp, 0) (DistilBERT's head); the backward uses the saved output: dinp = out > 0 ? dout : 0
  virtual void relu_forward(float* out, const float* inp, std::size_t n) = 0;
  virtual void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n) = 0;

  // out = a + b (out may alias a or b): the residual connections
  virtual void add(float* out, const float* a, const float* b, std::size_t n) = 0;

  // out = inp * keep / (1 - p), keep drawn from (seed, index); p = 0 copies
  virtual void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n) = 0;
  virtual void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n) = 0;

  // out[i] = inp[rows[i]] for i < n, rows of C floats, zeros where rows[i] < 0 (rows: device
  // memory): the [CLS] rows and their gradient. out must not overlap inp.
  virtual void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C) = 0;

  // ---- losses (loss_math.hpp has their formulas) --------------------------------------------
  // torch's functional losses with mean reduction. losses[B] holds each row's share of the batch's
  // loss times B, so the batch's loss is the mean of losses[]; the backward ops OVERWRITE the
  // gradient of that loss.
  // Softmax cross-entropy (single-label): labels[B] in [0, V), class_weights[V] or null (all 1),
  // label_smoothing ε in [0, 1): torch's cross_entropy(weight, label_smoothing). probs[B,V]: the
  // softmax, saved for the backward pass. Without weights and ε, losses[b] = -log probs[b, labels[b]].
  virtual void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                                    const float* class_weights, float label_smoothing, int B, int V) = 0;
  // dlogits[B,V]; without weights and ε, (probs - onehot(labels)) / B
  virtual void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels,
                                     const float* class_weights, float label_smoothing, int B, int V) = 0;
  // BCE with logits (multi-label): targets[B,V] in [0, 1]; probs[B,V] = sigmoid(logits), saved;
  // the loss is the mean over all B·V elements, as torch's binary_cross_entropy_with_logits
  virtual void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets,
                                       int B, int V) = 0;
  // dlogits[B,V] = (probs - targets) / (B·V)
  virtual void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B,
                                        int V) = 0;
  // Mean squared error (regression): predictions and targets [B,V], the mean over B·V of the squares
  virtual void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V) = 0;
  // dpredictions[B,V] = 2 (predictions - targets) / (B·V)
  virtual void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V) = 0;

  // ---- optimizer ---------------------------------------------------------------------------
  // Σ x², accumulated in double, returned to the host (synchronises): for the global grad norm
  virtual double sum_squares(const float* x, std::size_t n) = 0;
  // One AdamW step over the parameters of the given spans, with torch.optim.AdamW's arithmetic;
  // params, grads, m and v share one layout (a span's offset indexes each), floats outside every
  // span are left alone, and all spans go in one pass (one launch on a GPU). Grads are first
  // multiplied by grad_scale (the clipping factor); step counts from 1; per span:
  //   p -= lr·weight_decay·p;  m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²
  //   p -= (lr / (1-β1^step)) · m / (sqrt(v) / sqrt(1-β2^step) + eps)
  // The hyperparameters are doubles because torch's are Python floats: it forms 1-β2 and the
  // others in double and rounds once to float (from float β2 = 0.999f, 1-β2 would be 1.3e-5 off).
  virtual void adamw_update(float* params, const float* grads, float* m, float* v,
                            const std::vector<ParameterSpan>& spans, double lr, double beta1, double beta2,
                            double eps, float grad_scale, int step) = 0;
};

// The CPU backend: oneDNN's products and OpenMP kernels, vectorised with the widest instructions
// the processor has (AVX-512, else AVX2 with FMA, else x86-64's SSE2), chosen at run time.
// bf16: the linear layers' products of inputs rounded to bf16, summed in fp32 (torch.autocast's
// arithmetic), for training and inference; needs AVX512-BF16. Attention's products stay fp32.
// int8: the linear layers' products in int8, for inference only (cpu/int8_matmul.hpp: weights
// quantized once per output channel, inputs per row as they come, as ONNX Runtime's dynamic
// quantization); needs AVX512-VNNI, whose products cannot overflow. Attention stays fp32.
// inference: no backward pass, so in bf16 a weight is rounded and packed as oneDNN reads it fastest
// once, at its first product (again after an upload over it), and the bias added in the product's
// pass. int8 implies it.
struct CpuOptions {
  enum class Vectors { widest, avx2, baseline };
  int threads = 0;                     // 0: OpenMP's default
  bool profile = false;                // time every op; a table goes to stderr when the backend goes
  Vectors vectors = Vectors::widest;   // a narrower set runs the other kernels, which tests compare
  bool bf16 = false;
  bool int8 = false;
  bool inference = false;
};
std::unique_ptr<Backend> make_cpu_backend(const CpuOptions& options = {});

// Whether this processor runs the kernels built for `vectors`.
bool cpu_supports(CpuOptions::Vectors vectors);
// Empty when this processor runs bf16 (int8) products; otherwise why not.
std::string cpu_bf16_unavailable_reason();
std::string cpu_int8_unavailable_reason();

}  // namespace textclass::backend
