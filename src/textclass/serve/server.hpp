#pragma once
// The HTTP face of a classifier, speaking text-embeddings-inference's API (cpp-httplib does the
// HTTP): POST /predict (also / and /invocations), POST /tokenize, GET /health (also / and /ping),
// GET /info, GET /metrics, GET /api-doc/openapi.json. Requests are parsed and tokenized on the
// HTTP threads and their rows queued on a BatchQueue, which the model thread (run_model) empties.
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "textclass/model/problem_type.hpp"
#include "textclass/serve/batch_queue.hpp"
#include "textclass/serve/input_encoder.hpp"
#include "textclass/serve/metrics.hpp"
#include "textclass/train/predictor.hpp"

namespace httplib {
class Server;
}

namespace textclass::serve {

// Every option with TEI's meaning and default.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                             // 0: any free port
  std::size_t max_batch_tokens = 16384;        // real tokens per model batch
  std::size_t max_batch_requests = 0;          // rows per model batch, 0: no limit
  std::size_t max_concurrent_requests = 512;   // requests in flight; more get 429
  std::size_t max_client_batch_size = 32;      // inputs per request; more get 413
  std::size_t payload_limit = 2'000'000;       // request body bytes; more get 413
  bool auto_truncate = false;                  // truncate when a request does not say
  std::string api_key;                         // empty: none asked for
  // What GET /info says of the model.
  std::string model_id, model_dtype, device;
  std::vector<std::string> labels;             // id2label in id order
  // What the scores are: softmax probabilities (single-label; TEI's sigmoid for one label),
  // each label's sigmoid (multi-label), or the predicted value (regression).
  model::ProblemType task = model::ProblemType::single_label_classification;
};

// Slow clients give up their thread after this long without a byte (cpp-httplib's default, set
// here so that it is a decision, not an accident).
inline constexpr int kReadTimeoutSeconds = 5;
inline constexpr int kWriteTimeoutSeconds = 5;

class Server {
 public:
  Server(ServerOptions options, const InputEncoder& encoder, BatchQueue& queue, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0: a free one) and returns the port; throws Error when it cannot.
  int bind();
  // Answers requests until stop(); returns once the requests in flight have been answered: true,
  // or false when it could not listen at all.
  bool listen();
  // Stops accepting; listen() returns when every connection accepted so far is answered.
  void stop();

  // GET /info's body.
  nlohmann::json info() const;

  // Whether the model answers: false after a batch failed, until one succeeds (GET /health).
  std::atomic<bool>& healthy() { return healthy_; }

 private:
  void add_routes();
  std::string predict(const std::string& body, std::size_t& rows, std::size_t& tokens);
  std::string tokenize(const std::string& body, std::size_t& rows, std::size_t& tokens) const;

  ServerOptions options_;
  const InputEncoder& encoder_;
  BatchQueue& queue_;
  Metrics& metrics_;
  std::unique_ptr<httplib::Server> http_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<bool> healthy_{true};
  std::atomic<int> listen_socket_{-1};  // cpp-httplib's listening socket, once bound
  std::atomic<bool> stopping_{false};
};

// The metrics Server and run_model record, declared.
void declare_metrics(Metrics& metrics);

// The model thread's loop: batches from `queue` through `predictor` until the queue is closed and
// drained. A batch that throws fails its rows (their requests answer 424) and clears `healthy`.
void run_model(BatchQueue& queue, train::Predictor& predictor, Metrics& metrics, std::atomic<bool>& healthy);

}  // namespace textclass::serve
