// serve::run_model, the server's model thread, with the tiny transformers fixture: rows queued from
// several threads (single texts and a sentence pair, with its token types) get the Predictor's
// answers for the same rows run on their own; a batch the model
// refuses fails its rows' futures (their requests answer 424) and marks the server unhealthy until
// a batch succeeds.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "textclass/model/checkpoint.hpp"
#include "textclass/serve/server.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::serve {
namespace {

constexpr const char* kTiny = TEXTCLASS_SOURCE_DIR "/tests/fixtures/hf/tiny";

TEST(RunModel, AnswersAsThePredictorDoesAndFailsBadBatches) {
  auto backend = backend::make_cpu_backend({.threads = 1});
  auto bert = model::load_bert(*backend, kTiny);
  const text::Tokenizer tokenizer = text::Tokenizer::load(kTiny);
  const std::vector<std::string> texts = {"Stocks rally as oil falls", "A short one",
                                          "Wall St. Bears Claw Back Into the Black (Reuters)", "Space probe lands"};
  data::TokenRows rows;
  for (const std::string& text : texts) rows.ids.push_back(tokenizer.encode(text).ids);
  rows.token_type_ids.resize(rows.ids.size());  // single texts: all 0
  const text::Encoding pair = tokenizer.encode_pair("Who claws back?", texts[2]);
  rows.ids.push_back(pair.ids);
  rows.token_type_ids.push_back(pair.token_type_ids);
  train::Predictor alone(*bert, 32, tokenizer.pad_id());
  const train::Predictions expected = alone.predict(rows);

  BatchQueue queue(16384, 0);
  Metrics metrics;
  declare_metrics(metrics);
  std::atomic<bool> healthy{true};
  train::Predictor predictor(*bert, 32, tokenizer.pad_id());
  std::thread model([&] { run_model(queue, predictor, metrics, healthy); });

  std::vector<std::future<RowResult>> futures(rows.size());
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < rows.size(); ++i)
    clients.emplace_back([&, i] { futures[i] = queue.push(rows.ids[i], rows.token_type_ids[i]); });
  for (std::thread& client : clients) client.join();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RowResult result = futures[i].get();
    ASSERT_EQ(result.logits.size(), 4u);
    for (std::size_t v = 0; v < 4; ++v) {
      EXPECT_NEAR(result.logits[v], expected.logits[i][v], 1e-5f) << "row " << i;
      EXPECT_NEAR(result.probs[v], expected.probs[i][v], 1e-6f) << "row " << i;
    }
  }
  EXPECT_TRUE(healthy);
  // the pair's token types reach the model: the same ids with types 0 answer otherwise
  const RowResult untyped = queue.push(rows.ids.back()).get();
  EXPECT_GT(std::abs(untyped.logits[0] - expected.logits.back()[0]), 1e-4f);

  // an id past the vocabulary: the model refuses the batch
  std::future<RowResult> bad = queue.push({101, 1'000'000, 102});
  EXPECT_THROW(bad.get(), Error);
  EXPECT_FALSE(healthy);
  EXPECT_EQ(queue.push(rows.ids[0]).get().logits.size(), 4u);
  EXPECT_TRUE(healthy);

  queue.close();
  model.join();
  const std::string text = metrics.prometheus_text();
  EXPECT_NE(text.find("te_batch_next_size_count "), std::string::npos);
  EXPECT_EQ(text.find("te_batch_next_size_count 0\n"), std::string::npos);
}

}  // namespace
}  // namespace textclass::serve
