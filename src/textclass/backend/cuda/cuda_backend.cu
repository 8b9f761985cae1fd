// The CUDA backend: device memory from a stream-ordered pool, and the launchers of this folder,
// one call per op, all on one stream but for the weight-gradient products, which gemm.cuh runs on a
// second one (joined before the optimizer's ops and transfers read anything). Nothing
// synchronises with the host except download(), sum_squares() (which returns a number) and
// synchronize().
#include "textclass/backend/cuda/cuda_backend.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "textclass/backend/cuda/cuda_check.cuh"
#include "textclass/backend/cuda/gemm.cuh"
#include "textclass/backend/cuda/kernels.cuh"
#include "textclass/backend/cuda/op_profile.cuh"
#include "textclass/backend/cuda/scratch.cuh"
#include "textclass/backend/cuda/tensor_core_attention.cuh"
#include "textclass/backend/cuda/upload_staging.cuh"
#include "textclass/backend/memory_tracker.hpp"

namespace textclass::backend {
namespace {

using namespace cuda;

// Pinned memory for uploads: a batch's ids, token types, mask and labels (512 rows of 512 tokens
// is 3 MiB) many times over, so the ring rarely waits.
constexpr std::size_t kStagingBytes = 16u << 20;

class CudaBackend final : public Backend {
 public:
  explicit CudaBackend(const CudaOptions& options) : precision_(options.precision) {
    int device = 0;
    check(cudaGetDevice(&device), "finding the current device");
    // In bf16 the weight gradients' products run beside the main stream's ops (deferred joins):
    // those come first where both have blocks waiting for an SM (the second stream has the lowest
    // priority).
    int lowest = 0, highest = 0;
    check(cudaDeviceGetStreamPriorityRange(&lowest, &highest), "finding the streams' priorities");
    check(cudaStreamCreateWithPriority(&stream_, cudaStreamNonBlocking, bf16() ? highest : lowest), "creating a stream");
    // The memory arena: freed blocks stay in the device's pool instead of going back to the
    // driver, so after the first steps alloc() and the scratch never reach cudaMalloc again.
    cudaMemPool_t pool = nullptr;
    check(cudaDeviceGetDefaultMemPool(&pool, device), "finding the memory pool");
    uint64_t keep_everything = UINT64_MAX;
    check(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_everything), "configuring the memory pool");
    profile_ = std::make_unique<OpProfile>(stream_, options.profile);
    gemm_ = std::make_unique<Gemm>(stream_, precision_, *profile_);
    scratch_ = std::make_unique<Scratch>(stream_);
    staging_ = std::make_unique<UploadStaging>(stream_, kStagingBytes);
    check(cudaMalloc(&sum_squares_buffer_, (kSumSquaresBlocks + 1) * sizeof(double)), "allocating reduction memory");
    if (bf16()) prepare_tensor_core_attention();
    note_scratch();
  }

  ~CudaBackend() override {
    cudaStreamSynchronize(stream_);
    gemm_.reset();  // (it times its waits in the profile)
    profile_.reset();  // prints its table, when profiling
    staging_.reset();
    scratch_.reset();
    cudaFree(params_bf16_);
    cudaFree(sum_squares_buffer_);
    cudaStreamSynchronize(stream_);
    cudaStreamDestroy(stream_);
  }

  // Lengths that are multiples of 8 keep every matmul operand 32-byte aligned (attention's [T, T]
  // scores too), and leave cuBLASLt a few dozen shapes to plan instead of one per length.
  int token_multiple() const override { return 8; }
  // Fewer rows of zeros with a smaller multiple, more shapes for cuBLASLt to plan: 16 trained 1.4%
  // slower than 64 on an H200 at batch 16 (214.6 against 217.7 steps/s, bench/RESULTS.md, 2026-11-28).
  int row_multiple() const override { return 64; }
  // On an H200 prediction ran 7,600 rows/s at batch 16 and 14,700 at 256 (bench/RESULTS.md).
  std::size_t prediction_batch_size() const override { return 256; }
  // Each row's softmax max and 1/sum, from which the backward pass recomputes the probabilities,
  // and qkv: on tensor cores its bf16 rounding, else its padded layout (attention.cu).
  std::size_t attention_saved_floats(int B, int T, int C, int NH) const override {
    return cuda::attention_saved_floats(precision_, B, T, C, NH);
  }

  std::string name() const override {
    switch (precision_) {
      case Precision::tf32: return "cuda-tf32";
      case Precision::bf16: return "cuda-bf16";
      default: return "cuda";
    }
  }

  // ---- memory ------------------------------------------------------------------------------
  float* alloc(std::size_t n) override { return static_cast<float*>(allocate(n * sizeof(float))); }
  int32_t* alloc_ints(std::size_t n) override { return static_cast<int32_t*>(allocate(n * sizeof(int32_t))); }
  void free(void* ptr) override {
    if (ptr == nullptr) return;
    parameters_written(ptr, memory_.bytes_at(ptr));
    will_write(ptr, memory_.bytes_at(ptr), /*checked=*/false);
    memory_.freed(ptr);
    // Unchecked: free runs in destructors, often while an error is on its way up, and a failure
    // here only repeats that error (a broken context reports it to every call).
    cudaFreeAsync(ptr, stream_);
  }
  void upload(void* device_dst, const void* host_src, std::size_t bytes) override {
    parameters_written(device_dst, bytes);
    will_write(device_dst, bytes);
    staging_->upload(device_dst, host_src, bytes);
  }
  void download(void* host_dst, const void* device_src, std::size_t bytes) override {
    join();
    check(cudaMemcpyAsync(host_dst, device_src, bytes, cudaMemcpyDeviceToHost, stream_), "copying from the GPU");
    synchronize();
  }
  void copy(float* dst, const float* src, std::size_t n) override {
    join();  // (src may be a gradient, a parameter or a moment)
    parameters_written(dst, n * sizeof(float));
    writes(dst, n);
    check(cudaMemcpyAsync(dst, src, n * sizeof(float), cudaMemcpyDeviceToDevice, stream_), "copying on the GPU");
  }
  void fill(float* x, float value, std::size_t n) override {
    parameters_written(x, n * sizeof(float));
    writes(x, n);
    const auto timing = profile_->time("fill");
    cuda::fill(stream_, x, value, n);
  }
  void synchronize() override {
    join();
    {
      const auto timing = profile_->time("wait");
      check(cudaStreamSynchronize(stream_), "running the GPU's queued work");
    }
    profile_->collect();
  }
  // The attention scratch and cuBLASLt's workspace count too: the callers' work needs them.
  MemoryUse memory_use() const override { return memory_.use(); }

  // ---- forward and backward ops ------------------------------------------------------------
  void embeddings_forward(float* out, const int32_t* ids, const int32_t* token_types, const int32_t* rows,
                          const float* wte, const float* wpe, const float* wtt, int M, int T, int C, int vocab,
                          int types) override {
    writes(out, floats(M, C));
    const auto timing = profile_->time("embeddings_forward");
    cuda::embeddings_forward(stream_, out, ids, token_types, rows, wte, wpe, wtt, M, T, C);
  }
  void embeddings_backward(float* dwte, float* dwpe, float* dwtt, const float* dout, const int32_t* ids,
                           const int32_t* token_types, const int32_t* rows, int M, int T, int C, int vocab,
                           int types) override {
    writes(dwte, floats(vocab, C));
    writes(dwpe, floats(T, C));
    writes(dwtt, floats(types, C));
    join();  // (and nothing pending may touch them: the atomic adds read them too)
    const auto timing = profile_->time("embeddings_backward");
    cuda::embeddings_backward(stream_, dwte, dwpe, dwtt, dout, ids, token_types, rows, M, T, C);
  }
  void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                         float eps, int N, int C) override {
    writes(out, floats(N, C));
    writes(mean, N);
    writes(rstd, N);
    const auto timing = profile_->time("layernorm_forward");
    cuda::layernorm_forward(stream_, out, mean, rstd, inp, weight, bias, eps, N, C);
  }
  void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                          const float* weight, const float* mean, const float* rstd, int N, int C) override {
    writes(dinp, floats(N, C));
    writes(dweight, C);
    writes(dbias, C);
    const auto timing = profile_->time("layernorm_backward");
    cuda::layernorm_backward(stream_, dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
  }
  void residual_layernorm_forward(float* out, float* res, float* mean, float* rstd, const float* inp,
                                  const float* residual, const float* weight, const float* bias, float dropout_p,
                                  uint64_t seed, float eps, int N, int C) override {
    writes(out, floats(N, C));
    writes(res, floats(N, C));
    writes(mean, N);
    writes(rstd, N);
    const auto timing = profile_->time("residual_layernorm_fwd");
    cuda::residual_layernorm_forward(stream_, out, gemm_->rounding_for(out, floats(N, C)), res, mean, rstd, inp,
                                     residual, weight, bias, dropout_p, seed, eps, N, C);
    note_scratch();
  }
  void residual_layernorm_backward(float* dres, float* dinp, float* dweight, float* dbias, float* dinp_sums,
                                   const float* dout, const float* dout2, const float* res, const float* weight,
                                   const float* mean, const float* rstd, float dropout_p, uint64_t seed, int N,
                                   int C) override {
    writes(dres, floats(N, C));
    writes(dinp, floats(N, C));
    writes(dweight, C);
    writes(dbias, C);
    writes(dinp_sums, C);
    const auto timing = profile_->time("residual_layernorm_bwd");
    // with the bias gradient, dinp is a linear layer's output gradient: the rounding for its products
    __nv_bfloat16* rounded = dinp_sums == nullptr ? nullptr : gemm_->rounding_for(dinp, floats(N, C));
    cuda::residual_layernorm_backward(stream_, dres, dinp, rounded, dweight, dbias, dinp_sums, dout, dout2, res,
                                      weight, mean, rstd, dropout_p, seed, N, C);
  }
  void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C,
                      int OC) override {
    writes(out, floats(N, OC));
    const auto timing = profile_->time("matmul_forward");
    cuda::matmul_forward(*gemm_, out, inp, weight, bias, N, C, OC);
    note_scratch();
  }
  void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                       const float* weight, int N, int C, int OC, GradientWrite dweight_write) override {
    writes(dinp, floats(N, C));
    writes(dweight, floats(OC, C));
    writes(dbias, OC);
    const auto timing = profile_->time("matmul_backward");
    cuda::matmul_backward(*gemm_, stream_, dinp, dweight, dbias, dout, inp, weight, N, C, OC, dweight_write);
    note_scratch();
  }
  void attention_forward(float* out, float* att, const float* qkv, const int32_t* mask, const int32_t* starts, int M,
                         float dropout_p, uint64_t seed, int B, int T, int C, int NH) override {
    writes(out, floats(M, C));
    if (att != nullptr) writes(att, attention_saved_floats(B, T, C, NH));
    const auto timing = profile_->time("attention_forward");
    cuda::attention_forward(*gemm_, *scratch_, stream_, precision_, out, att, qkv, mask, starts, M, dropout_p, seed, B,
                            T, C, NH);
    note_scratch();
  }
  void attention_backward(float* dqkv, const float* dout, const float* out, const float* att, const int32_t* mask,
                          const int32_t* starts, int M, float dropout_p, uint64_t seed, int B, int T, int C,
                          int NH) override {
    writes(dqkv, floats(M, 3 * C));
    const auto timing = profile_->time("attention_backward");
    cuda::attention_backward(*gemm_, *scratch_, stream_, precision_, dqkv, dout, out, att, mask, starts, M, dropout_p,
                             seed, B, T, C, NH);
    note_scratch();
  }
  void gelu_forward(float* out, const float* inp, std::size_t n) override {
    writes(out, n);
    const auto timing = profile_->time("gelu_forward");
    cuda::gelu_forward(stream_, out, gemm_->rounding_for(out, n), inp, n);
    note_scratch();
  }
  void gelu_backward(float* dinp, const float* inp, const float* dout, std::size_t n) override {
    writes(dinp, n);
    const auto timing = profile_->time("gelu_backward");
    cuda::gelu_backward(stream_, dinp, inp, dout, n);
  }
  void gelu_backward_sums(float* dinp, float* dinp_sums, const float* inp, const float* dout, int N,
                          int C) override {
    writes(dinp, floats(N, C));
    writes(dinp_sums, C);
    const auto timing = profile_->time("gelu_backward");
    // (the linear layer's products find this rounding of dinp, when there is one)
    cuda::gelu_backward_sums(stream_, dinp, gemm_->rounding_for(dinp, floats(N, C)), dinp_sums, inp, dout, N, C);
  }
  void tanh_forward(float* out, const float* inp, std::size_t n) override {
    writes(out, n);
    const auto timing = profile_->time("tanh_forward");
    cuda::tanh_forward(stream_, out, inp, n);
  }
  void tanh_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    writes(dinp, n);
    const auto timing = profile_->time("tanh_backward");
    cuda::tanh_backward(stream_, dinp, out, dout, n);
  }
  void relu_forward(float* out, const float* inp, std::size_t n) override {
    writes(out, n);
    const auto timing = profile_->time("relu_forward");
    cuda::relu_forward(stream_, out, inp, n);
  }
  void relu_backward(float* dinp, const float* out, const float* dout, std::size_t n) override {
    writes(dinp, n);
    const auto timing = profile_->time("relu_backward");
    cuda::relu_backward(stream_, dinp, out, dout, n);
  }
  void add(float* out, const float* a, const float* b, std::size_t n) override {
    writes(out, n);
    const auto timing = profile_->time("add");
    cuda::add(stream_, out, a, b, n);
  }
  void dropout_forward(float* out, const float* inp, float p, uint64_t seed, std::size_t n) override {
    writes(out, n);
    const auto timing = profile_->time("dropout_forward");
    cuda::dropout(stream_, out, gemm_->rounding_for(out, n), inp, p, seed, n);
    note_scratch();
  }
  void dropout_backward(float* dinp, const float* dout, float p, uint64_t seed, std::size_t n) override {
    writes(dinp, n);
    const auto timing = profile_->time("dropout_backward");
    cuda::dropout(stream_, dinp, nullptr, dout, p, seed, n);
  }
  void gather_rows(float* out, const float* inp, const int32_t* rows, int n, int C) override {
    writes(out, floats(n, C));
    const auto timing = profile_->time("gather_rows");
    cuda::gather_rows(stream_, out, inp, rows, n, C);
  }
  void crossentropy_forward(float* losses, float* probs, const float* logits, const int32_t* labels,
                            const float* class_weights, float label_smoothing, int B, int V) override {
    writes(losses, B);
    writes(probs, floats(B, V));
    const auto timing = profile_->time("crossentropy_forward");
    cuda::crossentropy_forward(stream_, losses, probs, logits, labels, class_weights, label_smoothing, B, V);
  }
  void crossentropy_backward(float* dlogits, const float* probs, const int32_t* labels, const float* class_weights,
                             float label_smoothing, int B, int V) override {
    writes(dlogits, floats(B, V));
    const auto timing = profile_->time("crossentropy_backward");
    cuda::crossentropy_backward(stream_, dlogits, probs, labels, class_weights, label_smoothing, B, V);
  }
  void bce_with_logits_forward(float* losses, float* probs, const float* logits, const float* targets, int B,
                               int V) override {
    writes(losses, B);
    writes(probs, floats(B, V));
    const auto timing = profile_->time("bce_with_logits_forward");
    cuda::bce_with_logits_forward(stream_, losses, probs, logits, targets, B, V);
  }
  void bce_with_logits_backward(float* dlogits, const float* probs, const float* targets, int B, int V) override {
    writes(dlogits, floats(B, V));
    const auto timing = profile_->time("bce_with_logits_backward");
    cuda::scaled_difference(stream_, dlogits, probs, targets, 1.0 / (double(B) * V), floats(B, V));
  }
  void mse_forward(float* losses, const float* predictions, const float* targets, int B, int V) override {
    writes(losses, B);
    const auto timing = profile_->time("mse_forward");
    cuda::mse_forward(stream_, losses, predictions, targets, B, V);
  }
  void mse_backward(float* dpredictions, const float* predictions, const float* targets, int B, int V) override {
    writes(dpredictions, floats(B, V));
    const auto timing = profile_->time("mse_backward");
    cuda::scaled_difference(stream_, dpredictions, predictions, targets, 2.0 / (double(B) * V), floats(B, V));
  }

  // ---- optimizer ---------------------------------------------------------------------------
  double sum_squares(const float* x, std::size_t n) override {
    join();  // (the weight gradients)
    const auto timing = profile_->time("sum_squares");
    double* result = sum_squares_buffer_ + kSumSquaresBlocks;
    cuda::sum_squares(stream_, result, sum_squares_buffer_, x, n);
    double host = 0.0;
    download(&host, result, sizeof(double));
    return host;
  }
  void adamw_update(float* params, const float* grads, float* m, float* v, const std::vector<ParameterSpan>& spans,
                    double lr, double beta1, double beta2, double eps, float grad_scale, int step) override {
    join();  // (the weight gradients)
    for (const ParameterSpan& span : spans) {  // (declared as every op's writes; the bf16 copy follows below)
      writes(m + span.offset, span.count);
      writes(v + span.offset, span.count);
      writes(params + span.offset, span.count);
    }
    const auto timing = profile_->time("adamw_update");
    __nv_bfloat16* params_bf16 = parameters_in_bf16(params, spans);
    cuda::adamw_update(stream_, params, grads, m, v, params_bf16, spans, lr, beta1, beta2, eps, grad_scale, step);
    if (params_bf16 != nullptr && !params_bf16_current_) {
      params_bf16_current_ = true;
      gemm_->use_parameter_copy(copied_params_, copied_count_, params_bf16);
    }
  }

 private:
  // ---- the parameters in bf16 (bf16 precision) ---------------------------------------------
  // AdamW writes each parameter's bf16 rounding as it updates it, and the products read their
  // weights from that copy (gemm.cuh) instead of rounding them twice a step, until anything else
  // writes to, copies over or frees the parameters' memory. Made whole, by one rounding pass, at
  // the first update and the first after such a write.
  __nv_bfloat16* parameters_in_bf16(float* params, const std::vector<ParameterSpan>& spans) {
    if (!bf16()) return nullptr;
    std::size_t count = 0;
    for (const ParameterSpan& span : spans) count = std::max(count, span.offset + span.count);
    if (params != copied_params_ || count != copied_count_) {
      forget_parameter_copy();
      if (params_bf16_ != nullptr) cudaFreeAsync(params_bf16_, stream_);
      params_bf16_ = nullptr;
      check(cudaMallocAsync(&params_bf16_, std::max<std::size_t>(256, count * sizeof(__nv_bfloat16)), stream_),
            "allocating the parameters' bf16 copy");
      copied_params_ = params;
      copied_count_ = count;
      params_bf16_bytes_ = count * sizeof(__nv_bfloat16);
      note_scratch();
    }
    if (!params_bf16_current_) round_to_bf16(stream_, params_bf16_, params, count);
    return params_bf16_;
  }
  void parameters_written(const void* dst, std::size_t bytes) {
    const auto begin = reinterpret_cast<std::uintptr_t>(dst), params = reinterpret_cast<std::uintptr_t>(copied_params_);
    if (begin < params + copied_count_ * sizeof(float) && begin + std::max<std::size_t>(bytes, 1) > params)
      forget_parameter_copy();
  }
  void forget_parameter_copy() {
    if (!params_bf16_current_) return;
    params_bf16_current_ = false;
    gemm_->use_parameter_copy(nullptr, 0, nullptr);
  }

  void* allocate(std::size_t bytes) {
    void* ptr = nullptr;
    // 256-byte granules: cuBLASLt's fastest kernels want aligned operands, and a zero-size
    // request still gets a distinct pointer, as on the CPU.
    const std::size_t rounded = std::max<std::size_t>(256, (bytes + 255) / 256 * 256);
    check(cudaMallocAsync(&ptr, rounded, stream_), "allocating device memory");
    memory_.allocated(ptr, bytes);
    return ptr;
  }
  // An op is about to write n floats at dst: see will_write.
  void writes(const void* dst, std::size_t n) { will_write(dst, n * sizeof(float)); }
  // Bytes [dst, dst + bytes) are about to be written or freed: an op's rounding of them (fused
  // rounding) is stale, and the main stream waits for the second stream's work that touches them
  // (unchecked before a free, which runs in destructors while an error may be on its way up).
  void will_write(const void* dst, std::size_t bytes, bool checked = true) { gemm_->written(dst, bytes, checked); }
  // The main stream waits for everything on the second stream (unchecked: as SideStream::join).
  void join(bool checked = true) { gemm_->join(checked); }
  // bf16 precision: the tensor-core attention, the parameters' bf16 copy, deferred joins.
  bool bf16() const { return precision_ == Precision::bf16; }
  static std::size_t floats(std::size_t a, std::size_t b, std::size_t c = 1) { return a * b * c; }
  void note_scratch() { memory_.backend_holds(scratch_->bytes() + gemm_->workspace_bytes() + params_bf16_bytes_); }

  Precision precision_;
  const float* copied_params_ = nullptr;  // what params_bf16_ is a copy of
  std::size_t copied_count_ = 0, params_bf16_bytes_ = 0;
  __nv_bfloat16* params_bf16_ = nullptr;
  bool params_bf16_current_ = false;
  cudaStream_t stream_ = nullptr;
  std::unique_ptr<OpProfile> profile_;
  std::unique_ptr<Gemm> gemm_;
  std::unique_ptr<Scratch> scratch_;
  std::unique_ptr<UploadStaging> staging_;
  double* sum_squares_buffer_ = nullptr;  // kSumSquaresBlocks partials, then the total
  MemoryTracker memory_;
};

}  // namespace

std::string cuda_unavailable_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();  // clear it, so the next CUDA call does not report it again
    return std::string("no usable CUDA device (") + cudaGetErrorString(status) + ")";
  }
  if (count == 0) return "no CUDA device";
  return "";
}

std::unique_ptr<Backend> make_cuda_backend(const CudaOptions& options) {
  const std::string why_not = cuda_unavailable_reason();
  if (!why_not.empty()) throw Error("--device cuda: " + why_not);
  return std::make_unique<CudaBackend>(options);
}

}  // namespace textclass::backend
