// Tokens per second of bert-base-cased's tokenizer over every AG News test row (the notebook's
// text: title + " " + description), on one thread and on all cores. Tokens count every id,
// [CLS] and [SEP] included, as bench/tokenizer_anchor.py counts HuggingFace's.
// Rows: $TEXTCLASS_AGNEWS_CSV (+ $TEXTCLASS_AGNEWS_CLASSES), else data/ag_news/test.csv; tokenizer: $TEXTCLASS_TOKENIZER, else
// data/bert-base-cased (both relative to the source tree).
#include <cstdlib>
#include <filesystem>

#include <benchmark/benchmark.h>
#include <omp.h>

#include "textclass/data/dataset.hpp"
#include "textclass/text/tokenizer.hpp"

namespace {

using textclass::text::Encoding;
using textclass::text::Tokenizer;

std::filesystem::path from_env(const char* name, const char* default_relative_path) {
  const char* value = std::getenv(name);
  return value ? std::filesystem::path(value) : std::filesystem::path(TEXTCLASS_SOURCE_DIR) / default_relative_path;
}

struct Corpus {
  Tokenizer tokenizer = Tokenizer::load(from_env("TEXTCLASS_TOKENIZER", "data/bert-base-cased"));
  std::vector<std::string> texts =
      textclass::data::read_dataset({.path_or_url = from_env("TEXTCLASS_AGNEWS_CSV", "data/ag_news/test.csv").string(),
                                     .classes = from_env("TEXTCLASS_AGNEWS_CLASSES", "data/ag_news/classes.txt").string()})
          .texts;
};

const Corpus& corpus() {
  static const Corpus loaded;
  return loaded;
}

void BM_encode_agnews_test(benchmark::State& state) {
  const Corpus& data = corpus();
  omp_set_num_threads(static_cast<int>(state.range(0)));
  std::size_t tokens = 0;
  for (auto _ : state) {
    const std::vector<Encoding> encodings = data.tokenizer.encode_batch(data.texts, 512);
    for (const Encoding& encoding : encodings) tokens += encoding.ids.size();
    benchmark::DoNotOptimize(encodings.data());
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  const auto rows = static_cast<double>(data.texts.size()) * static_cast<double>(state.iterations());
  state.counters["rows/s"] = benchmark::Counter(rows, benchmark::Counter::kIsRate);
}

BENCHMARK(BM_encode_agnews_test)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(omp_get_max_threads())
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
