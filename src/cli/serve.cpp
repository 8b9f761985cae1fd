// `textclass serve`: a trained model behind HTTP, speaking text-embeddings-inference's API
// (src/textclass/serve/). The model runs on this, the main, thread (where --threads and the device
// were set up); cpp-httplib's threads parse and tokenize; a signal thread turns SIGTERM and SIGINT
// into a graceful stop: no new connections, the requests in flight answered, exit 0.
#include <atomic>
#include <csignal>
#include <fmt/core.h>
#include <memory>
#include <pthread.h>
#include <thread>

#include "cli/commands.hpp"
#include "cli/device_options.hpp"
#include "cli/model_dir.hpp"
#include "textclass/error.hpp"
#include "textclass/model/checkpoint.hpp"
#include "textclass/serve/server.hpp"
#include "textclass/text/tokenizer.hpp"

namespace textclass::cli {
namespace {

struct ServeArgs {
  std::string model;
  serve::ServerOptions server;
  DeviceOptions device;
};

// "auto" as make_backend resolves it: bf16 on cuda, fp32 on the CPU; in /info's words.
std::string model_dtype(const DeviceOptions& device) {
  std::string precision = device.precision;
  if (precision == "auto") precision = backend::resolve_device(device.device) == "cuda" ? "bf16" : "fp32";
  return precision == "fp32" ? "float32" : precision == "bf16" ? "bfloat16" : precision;
}

void run_serve(ServeArgs args) {
  // Before any thread starts, so that every thread inherits the mask and only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::filesystem::path model_dir = resolve_model_dir(args.model, hub::Need::weights);
  auto backend = make_backend(args.device);
  const auto bert = model::load_bert(*backend, model_dir.string());
  const text::Tokenizer tokenizer = text::Tokenizer::load(model_dir);
  const std::size_t max_input_length =
      std::min(tokenizer.model_max_length(), static_cast<std::size_t>(bert->config().max_position_embeddings));
  if (args.server.max_batch_tokens < max_input_length) {
    throw Error(fmt::format("serve: --max-batch-tokens {} is less than the model's max_input_length {}: a row that "
                            "long could never run",
                            args.server.max_batch_tokens, max_input_length));
  }
  args.server.labels = bert->config().labels;
  args.server.task = bert->config().task();
  args.server.model_id = args.model;
  args.server.model_dtype = model_dtype(args.device);
  args.server.device = backend::resolve_device(args.device.device);

  const serve::InputEncoder encoder(tokenizer, max_input_length);
  serve::BatchQueue queue(args.server.max_batch_tokens, args.server.max_batch_requests);
  serve::Metrics metrics;
  serve::declare_metrics(metrics);
  serve::Server server(args.server, encoder, queue, metrics);
  const int port = server.bind();
  train::Predictor predictor(*bert, prediction_batch_size(0, *backend), tokenizer.pad_id());
  fmt::print(stderr, "textclass serve: {} on {}, listening on http://{}:{}\n", args.model, args.server.device,
             args.server.host, port);

  std::atomic<bool> listened{true};
  std::thread http([&] {
    listened = server.listen();  // returns after stop(), once the requests in flight are answered
    queue.close();
  });
  std::thread signals([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    fmt::print(stderr, "textclass serve: {}: finishing the requests in flight\n", signal == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  serve::run_model(queue, predictor, metrics, server.healthy());
  http.join();
  if (!listened) {  // the signal thread still waits: wake it so that it can be joined
    pthread_kill(signals.native_handle(), SIGTERM);
    signals.join();
    throw Error(fmt::format("serve: cannot listen on {}:{}", args.server.host, port));
  }
  signals.join();
  fmt::print(stderr, "textclass serve: stopped\n");
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  serve::ServerOptions& server = args->server;
  CLI::App* command = app.add_subcommand(
      "serve", "Serve a trained model over HTTP with text-embeddings-inference's API (POST /predict, /tokenize; GET "
               "/health, /info, /metrics)");
  command->add_option("--model", args->model, "a trained run folder or checkpoint, or a transformers "
                                              "BertForSequenceClassification (folder, bundled or hub name)")
      ->required();
  command->add_option("--host", server.host, "address to listen on")->capture_default_str();
  command->add_option("--port", server.port, "port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  command->add_option("--max-batch-tokens", server.max_batch_tokens, "real tokens per model batch")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--max-batch-requests", server.max_batch_requests, "rows per model batch (default: no limit)")
      ->check(CLI::PositiveNumber);
  command->add_option("--max-concurrent-requests", server.max_concurrent_requests,
                      "requests in flight; more are answered 429")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--max-client-batch-size", server.max_client_batch_size,
                      "inputs per request; more are answered 413")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--payload-limit", server.payload_limit, "request body bytes; more are answered 413")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_flag("--auto-truncate", server.auto_truncate,
                    "truncate inputs longer than the model takes when a request does not say (\"truncate\")");
  command->add_option("--api-key", server.api_key,
                      "answer only requests with 'Authorization: Bearer KEY' (others get 401)");
  add_device_options(*command, args->device, ModelUse::inference);
  command->callback([args] { run_serve(*args); });
}

}  // namespace textclass::cli
