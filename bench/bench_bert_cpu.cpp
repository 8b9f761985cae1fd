// The BERT engine on the CPU at bert-base-cased's shape, at the shapes bench/torch_cpu_anchor.py
// times PyTorch with: a training step (forward, backward, clipping, AdamW) at batch 16 x 64 tokens
// and inference at batch 64 x 64 tokens. Weights are random (normal(0, 0.02)): the pretrained
// file is not needed to time the arithmetic. Threads: OMP_NUM_THREADS (the anchor's THREADS).
// As in the anchor, which times its steps after one untimed step, each run first takes one untimed
// step: Google Benchmark builds the model afresh for every run, and a fresh model's first step also
// pays for the operating system's first touch of about 2 GB (activations, gradients, AdamW moments).
#include <filesystem>
#include <numeric>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "textclass/model/bert.hpp"
#include "textclass/model/normal_init.hpp"
#include "textclass/train/adamw.hpp"
#include "textclass/train/gradient_clipping.hpp"
#include "textclass/train/parameter_groups.hpp"

namespace {

using namespace textclass;

constexpr int kTokens = 64;

struct RandomBatch {
  std::vector<int32_t> ids, types, mask, labels;
  RandomBatch(int B, int T, int vocab) : ids(B * T), types(B * T, 0), mask(B * T, 1), labels(B) {
    std::mt19937 rng(1122);
    for (int32_t& id : ids) id = static_cast<int32_t>(rng() % vocab);
    for (int32_t& label : labels) label = static_cast<int32_t>(rng() % 4);
  }
  model::Inputs inputs(int B, int T) const { return {B, T, ids, types, mask, labels}; }
};

struct BertBase {
  std::unique_ptr<backend::Backend> backend;
  std::unique_ptr<model::Bert> bert;
  explicit BertBase(const backend::CpuOptions& options = {}) : backend(backend::make_cpu_backend(options)) {
    model::BertConfig config =
        model::load_config((std::filesystem::path(TEXTCLASS_SOURCE_DIR) / "data/bert-base-cased/config.json").string());
    config.labels = {"World", "Sports", "Business", "Sci/Tech"};
    bert = std::make_unique<model::Bert>(*backend, config, model::Head::cls_linear, false);
    std::vector<float> weights = model::NormalInit(1122).draw(bert->table().total_floats(), 0.02);
    backend->upload(bert->params(), weights.data(), weights.size() * sizeof(float));
  }
};

void BM_bert_base_train_step(benchmark::State& state) {
  const int B = static_cast<int>(state.range(0));
  BertBase m;
  RandomBatch batch(B, kTokens, m.bert->config().vocab_size);
  std::vector<train::ParameterSpan> spans = train::parameter_groups(m.bert->table(), 0.01);
  train::AdamW optimizer(*m.backend, m.bert->table().total_floats(), spans);
  model::Activations acts(*m.backend);
  uint64_t step = 0;
  auto train_step = [&] {
    m.bert->zero_grad();
    m.bert->forward(acts, batch.inputs(B, kTokens), ++step);
    m.bert->backward(acts);
    double norm = train::global_grad_norm(*m.backend, m.bert->grads(), spans);
    optimizer.step(m.bert->params(), m.bert->grads(), 5e-5, train::clip_factor(norm, 1.0));
  };
  train_step();  // untimed, as the anchor's first step: it touches the activations and AdamW's moments first
  for (auto _ : state) train_step();
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(B) * state.iterations(), benchmark::Counter::kIsRate);
}

// Inference as predict runs it (CpuOptions::inference) in precision 0 fp32, 1 bf16 or 2 int8.
void BM_bert_base_inference(benchmark::State& state) {
  const int B = static_cast<int>(state.range(0));
  backend::CpuOptions options;
  options.inference = true;
  options.bf16 = state.range(1) == 1;
  options.int8 = state.range(1) == 2;
  const std::string why_not =
      options.bf16 ? backend::cpu_bf16_unavailable_reason() : options.int8 ? backend::cpu_int8_unavailable_reason() : "";
  if (!why_not.empty()) {
    state.SkipWithError(why_not.c_str());
    return;
  }
  BertBase m(options);
  RandomBatch batch(B, kTokens, m.bert->config().vocab_size);
  model::Activations acts(*m.backend);
  m.bert->forward(acts, batch.inputs(B, kTokens));  // untimed: the first pass touches the activations first
  for (auto _ : state) benchmark::DoNotOptimize(m.bert->forward(acts, batch.inputs(B, kTokens)).logits.data());
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(B) * state.iterations(), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_bert_base_train_step)->ArgName("batch")->Arg(16)->UseRealTime()->Unit(benchmark::kSecond)->MinWarmUpTime(1.0);
BENCHMARK(BM_bert_base_inference)->ArgNames({"batch", "precision"})->ArgsProduct({{16, 64}, {0, 1, 2}})->UseRealTime()->Unit(benchmark::kSecond)->MinWarmUpTime(1.0);

}  // namespace

BENCHMARK_MAIN();
