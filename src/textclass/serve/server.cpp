#include "textclass/serve/server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/core.h>
#include <httplib.h>
#include <limits>
#include <numeric>
#include <optional>

#include "textclass/error.hpp"
#include "textclass/text/unicode.hpp"

#ifndef TEXTCLASS_VERSION
#define TEXTCLASS_VERSION "unknown"
#endif

namespace textclass::serve {
namespace {

using nlohmann::json;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
long long milliseconds(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

// What the per-request log line and the failure counter need from a handler, kept per HTTP thread
// (cpp-httplib calls the logger on the thread that ran the handler).
struct RequestRecord {
  Clock::time_point start{};
  std::size_t rows = 0, tokens = 0;
};
thread_local RequestRecord record;

// Holds one of max_concurrent_requests places; without one the request is a 429.
class Permit {
 public:
  Permit(std::atomic<std::size_t>& in_flight, std::size_t limit) : in_flight_(in_flight) {
    if (in_flight_.fetch_add(1) >= limit) {
      in_flight_.fetch_sub(1);
      throw overloaded_error();
    }
  }
  ~Permit() { in_flight_.fetch_sub(1); }
  Permit(const Permit&) = delete;
  Permit& operator=(const Permit&) = delete;

 private:
  std::atomic<std::size_t>& in_flight_;
};

void answer_error(httplib::Response& res, const ApiError& error, Metrics& metrics) {
  res.status = error.status();
  res.set_content(error.body().dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  metrics.increment("te_request_failure", {{"err", error.type()}, {"status", std::to_string(error.status())}});
}

// label -> score, highest first (TEI's order; ties keep label order).
json ranked(const std::vector<std::string>& labels, const std::vector<float>& scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  json out = json::array();
  for (std::size_t i : order) out.push_back({{"score", scores[i]}, {"label", labels[i]}});
  return out;
}

// Each task's natural scores, predict's: for one label per text the probabilities as TEI gives
// them (softmax over the labels, a sigmoid for one label); for multi-label each label's sigmoid; for
// regression the predicted value.
std::vector<float> scores_of(const RowResult& row, bool raw_scores, model::ProblemType task) {
  if (raw_scores) return row.logits;
  if (task == model::ProblemType::single_label_classification && row.logits.size() == 1)
    return {static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(row.logits[0]))))};
  return row.probs;
}

json openapi_document() {
  const json error = {{"$ref", "#/components/schemas/ErrorResponse"}};
  const auto post = [&](const char* summary, const char* request_schema, const char* response_schema) {
    return json{{"post",
                 {{"summary", summary},
                  {"requestBody",
                   {{"required", true},
                    {"content", {{"application/json", {{"schema", {{"$ref", std::string("#/components/schemas/") + request_schema}}}}}}}}},
                  {"responses",
                   {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", {{"$ref", std::string("#/components/schemas/") + response_schema}}}}}}}}},
                    {"400", {{"description", "the body is not JSON"}, {"content", {{"application/json", {{"schema", error}}}}}}},
                    {"413", {{"description", "validation error"}, {"content", {{"application/json", {{"schema", error}}}}}}},
                    {"422", {{"description", "tokenization error, or JSON of the wrong shape"}, {"content", {{"application/json", {{"schema", error}}}}}}},
                    {"424", {{"description", "the model failed"}, {"content", {{"application/json", {{"schema", error}}}}}}},
                    {"429", {{"description", "over --max-concurrent-requests"}, {"content", {{"application/json", {{"schema", error}}}}}}}}}}}};
  };
  const auto get = [](const char* summary) {
    return json{{"get", {{"summary", summary}, {"responses", {{"200", {{"description", "OK"}}}}}}}};
  };
  const json string_array = {{"type", "array"}, {"items", {{"type", "string"}}}};
  const json prediction = {{"type", "object"},
                           {"properties", {{"score", {{"type", "number"}}}, {"label", {{"type", "string"}}}}}};
  json doc = {
      {"openapi", "3.0.3"},
      {"info", {{"title", "textclass serve"}, {"version", TEXTCLASS_VERSION},
                {"description", "A text classifier behind text-embeddings-inference's API"}}},
      {"paths",
       {{"/predict", post("Classify a text, a pair or a batch", "PredictRequest", "PredictResponse")},
        {"/", post("As /predict", "PredictRequest", "PredictResponse")},
        {"/invocations", post("As /predict", "PredictRequest", "PredictResponse")},
        {"/tokenize", post("Tokenize texts", "TokenizeRequest", "TokenizeResponse")},
        {"/health", get("200 while the model answers, else 503")},
        {"/ping", get("As /health")},
        {"/info", get("The model and the server's limits")},
        {"/metrics", get("Prometheus metrics")},
        {"/api-doc/openapi.json", get("This document")}}},
      {"components",
       {{"schemas",
         {{"PredictRequest",
           {{"type", "object"},
            {"required", {"inputs"}},
            {"properties",
             {{"inputs", {{"oneOf", {{{"type", "string"}}, string_array, {{"type", "array"}, {"items", string_array}}}}}},
              {"truncate", {{"type", "boolean"}, {"nullable", true}}},
              {"truncation_direction", {{"type", "string"}, {"enum", {"right", "left"}}}},
              {"raw_scores", {{"type", "boolean"}, {"default", false}}}}}}},
          {"PredictResponse",
           {{"oneOf", {{{"type", "array"}, {"items", prediction}},
                       {{"type", "array"}, {"items", {{"type", "array"}, {"items", prediction}}}}}}}},
          {"TokenizeRequest",
           {{"type", "object"},
            {"required", {"inputs"}},
            {"properties", {{"inputs", {{"oneOf", {{{"type", "string"}}, string_array}}}},
                            {"add_special_tokens", {{"type", "boolean"}, {"default", true}}}}}}},
          {"TokenizeResponse",
           {{"type", "array"},
            {"items", {{"type", "array"},
                       {"items", {{"type", "object"},
                                  {"properties", {{"id", {{"type", "integer"}}}, {"text", {{"type", "string"}}},
                                                  {"special", {{"type", "boolean"}}},
                                                  {"start", {{"type", "integer"}, {"nullable", true}}},
                                                  {"stop", {{"type", "integer"}, {"nullable", true}}}}}}}}}}},
          {"ErrorResponse",
           {{"type", "object"},
            {"properties", {{"error", {{"type", "string"}}},
                            {"error_type", {{"type", "string"},
                                            {"enum", {"validation", "tokenizer", "backend", "overloaded", "unhealthy",
                                                      "unauthorized"}}}}}}}}}}}}};
  return doc;
}

}  // namespace

void declare_metrics(Metrics& metrics) {
  const std::vector<double> durations = exponential_buckets(0.0001, 2.0, 20);  // 0.1 ms to 52 s
  const std::vector<double> sizes = exponential_buckets(1.0, 2.0, 16);
  metrics.add_counter("te_request_count", "Requests received, by method (single or batch)");
  metrics.add_counter("te_request_success", "Requests answered with 200, by method");
  metrics.add_counter("te_request_failure", "Requests answered with an error, by error type and status");
  metrics.add_histogram("te_request_duration", "Time from request to answer (seconds)", durations);
  metrics.add_histogram("te_request_tokenization_duration", "Tokenization time per request (seconds)", durations);
  metrics.add_histogram("te_request_queue_duration", "Time rows waited for the model, per request (seconds)", durations);
  metrics.add_histogram("te_request_inference_duration", "Model time of a request's batches (seconds)", durations);
  metrics.add_histogram("te_request_input_length", "Tokens per request", sizes);
  metrics.add_gauge("te_queue_size", "Rows waiting for the model");
  metrics.add_histogram("te_batch_next_size", "Rows per model batch", sizes);
  metrics.add_histogram("te_batch_next_tokens", "Real tokens per model batch", sizes);
  metrics.add_histogram("te_batch_inference_duration", "Model time per batch (seconds)", durations);
}

void run_model(BatchQueue& queue, train::Predictor& predictor, Metrics& metrics, std::atomic<bool>& healthy) {
  for (std::vector<QueuedRow> batch = queue.next_batch(); !batch.empty(); batch = queue.next_batch()) {
    metrics.set("te_queue_size", static_cast<double>(queue.size()));
    const Clock::time_point start = Clock::now();
    data::TokenRows rows;
    std::size_t tokens = 0;
    bool pairs = false;
    for (QueuedRow& row : batch) {
      tokens += row.ids.size();
      rows.ids.push_back(std::move(row.ids));
      pairs = pairs || !row.token_type_ids.empty();
    }
    if (pairs) {  // the token types of the batch's pairs; its single texts' stay empty (all 0)
      rows.token_type_ids.reserve(batch.size());
      for (QueuedRow& row : batch) rows.token_type_ids.push_back(std::move(row.token_type_ids));
    }
    try {
      train::Predictions predictions = predictor.predict(rows);
      const Clock::time_point end = Clock::now();
      healthy = true;  // before the answers, so that a client that got one sees the server healthy
      for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].result.set_value({std::move(predictions.logits[i]), std::move(predictions.probs[i]),
                                   start - batch[i].queued_at, end - start});
      }
      metrics.observe("te_batch_inference_duration", seconds(end - start));
    } catch (...) {
      healthy = false;
      for (QueuedRow& row : batch) row.result.set_exception(std::current_exception());
    }
    metrics.observe("te_batch_next_size", static_cast<double>(batch.size()));
    metrics.observe("te_batch_next_tokens", static_cast<double>(tokens));
  }
}

Server::Server(ServerOptions options, const InputEncoder& encoder, BatchQueue& queue, Metrics& metrics)
    : options_(std::move(options)), encoder_(encoder), queue_(queue), metrics_(metrics),
      http_(std::make_unique<httplib::Server>()) {
  // One thread per connection being served: enough that every request within
  // max_concurrent_requests has one, and a few more to answer those over it with 429.
  const std::size_t threads = options_.max_concurrent_requests + 8;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  http_->set_write_timeout(kWriteTimeoutSeconds, 0);
  http_->set_keep_alive_max_count(1000);
  // The listening socket is the first one cpp-httplib makes (at bind()); stop() needs it.
  http_->set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    int unset = -1;
    listen_socket_.compare_exchange_strong(unset, sock);
  });
  // cpp-httplib writes the headers and the body in separate sends: with Nagle's algorithm the body
  // waits for the client's delayed ACK, 40 ms on Linux, on every keep-alive request.
  http_->set_tcp_nodelay(true);
  http_->set_payload_max_length(options_.payload_limit);
  add_routes();
}

Server::~Server() = default;

int Server::bind() {
  if (options_.port == 0) {
    const int port = http_->bind_to_any_port(options_.host);
    if (port < 0) throw Error("serve: cannot bind " + options_.host + " to a free port");
    return port;
  }
  if (!http_->bind_to_port(options_.host, options_.port)) {
    throw Error(fmt::format("serve: cannot bind {}:{} (in use, or not an address of this machine)", options_.host,
                            options_.port));
  }
  return options_.port;
}

bool Server::listen() {
  const bool listened = http_->listen_after_bind();
  return listened || stopping_;  // the accept loop ends with an error when stop() shuts its socket
}

// Not cpp-httplib's stop(): it also closes the connections that it has accepted but whose worker
// has not started yet, unanswered. Shutting the listening socket down ends cpp-httplib's accept
// loop instead, and its thread pool then serves every connection it accepted before listen()
// returns. New connections are refused.
void Server::stop() {
  stopping_ = true;
  const int sock = listen_socket_.load();
  if (sock >= 0) {
    ::shutdown(sock, SHUT_RDWR);
  } else {
    http_->stop();
  }
}

json Server::info() const {
  json id2label = json::object(), label2id = json::object();
  for (std::size_t i = 0; i < options_.labels.size(); ++i) {
    id2label[std::to_string(i)] = options_.labels[i];
    label2id[options_.labels[i]] = i;
  }
  return {{"model_id", options_.model_id},
          {"model_sha", nullptr},
          {"model_dtype", options_.model_dtype},
          {"model_type", {{"classifier", {{"id2label", id2label}, {"label2id", label2id}}}}},
          {"problem_type", model::problem_type_name(options_.task)},
          {"device", options_.device},
          {"max_concurrent_requests", options_.max_concurrent_requests},
          {"max_input_length", encoder_.max_input_length()},
          {"max_batch_tokens", options_.max_batch_tokens},
          {"max_batch_requests", options_.max_batch_requests == 0 ? json(nullptr) : json(options_.max_batch_requests)},
          {"max_client_batch_size", options_.max_client_batch_size},
          {"auto_truncate", options_.auto_truncate},
          {"tokenization_workers", options_.max_concurrent_requests + 8},
          {"version", TEXTCLASS_VERSION},
          {"sha", nullptr},
          {"docker_label", nullptr}};
}

std::string Server::predict(const std::string& body, std::size_t& rows, std::size_t& tokens) {
  const Clock::time_point start = Clock::now();
  Permit permit(in_flight_, options_.max_concurrent_requests);
  const PredictRequest request = parse_predict_request(body, options_.max_client_batch_size);
  const char* method = request.batch ? "batch" : "single";
  metrics_.increment("te_request_count", {{"method", method}});
  const bool truncate = request.truncate.value_or(options_.auto_truncate);

  std::vector<EncodedInput> encoded;
  for (const Sequence& input : request.inputs) {
    encoded.push_back(encoder_.encode(input, truncate, request.truncation_direction));
    tokens += encoded.back().ids.size();
  }
  rows = encoded.size();
  const Clock::time_point tokenized = Clock::now();

  std::vector<std::future<RowResult>> futures;
  try {
    for (EncodedInput& input : encoded) futures.push_back(queue_.push(std::move(input.ids), std::move(input.token_type_ids)));
  } catch (const Error& e) {
    throw ApiError(503, "unhealthy", e.what());
  }
  metrics_.set("te_queue_size", static_cast<double>(queue_.size()));
  json answer = json::array();
  Clock::duration queue_time{}, inference_time{};
  std::string failure;
  for (std::future<RowResult>& future : futures) {
    try {  // every future is waited for, so no row outlives its request
      const RowResult row = future.get();
      queue_time = std::max(queue_time, row.queue_time);
      inference_time = std::max(inference_time, row.inference_time);
      answer.push_back(ranked(options_.labels, scores_of(row, request.raw_scores, options_.task)));
    } catch (const std::exception& e) {
      if (failure.empty()) failure = std::string("Inference failed: ") + e.what();
    }
  }
  if (!failure.empty()) throw backend_error(failure);
  const Clock::time_point end = Clock::now();
  metrics_.increment("te_request_success", {{"method", method}});
  metrics_.observe("te_request_duration", seconds(end - start));
  metrics_.observe("te_request_tokenization_duration", seconds(tokenized - start));
  metrics_.observe("te_request_queue_duration", seconds(queue_time));
  metrics_.observe("te_request_inference_duration", seconds(inference_time));
  metrics_.observe("te_request_input_length", static_cast<double>(tokens));
  return (request.batch ? answer : answer.front()).dump();
}

std::string Server::tokenize(const std::string& body, std::size_t& rows, std::size_t& tokens) const {
  const TokenizeRequest request = parse_tokenize_request(body, options_.max_client_batch_size);
  const text::Tokenizer& tokenizer = encoder_.tokenizer();
  json answer = json::array();
  for (const std::string& text : request.inputs) {
    // As TEI: a token of the text gives its characters [start, stop) and those characters as its
    // text; a special token of the template its own string, start and stop null. A tokenizer whose
    // normalizer has no offsets here (see Tokenizer::encode_with_offsets) gives every token so.
    std::optional<text::OffsetEncoding> encoded;
    try {
      encoded = tokenizer.encode_with_offsets(text, std::numeric_limits<std::size_t>::max());
      if (!encoded) encoded = text::OffsetEncoding{tokenizer.encode(text, std::numeric_limits<std::size_t>::max()).ids, {}};
    } catch (const Error& e) {
      throw tokenizer_error(e.what());
    }
    const std::vector<std::int32_t>& ids = encoded->ids;
    // Where each character starts, and the text's end: a span's text is then one substring.
    std::vector<std::size_t> char_starts;
    for (std::size_t i = 0; i < text.size();) {
      char_starts.push_back(i);
      text::next_code_point(text, i);
    }
    char_starts.push_back(text.size());
    const auto byte_of = [&](std::size_t character) { return char_starts[std::min(character, char_starts.size() - 1)]; };
    json tokens_json = json::array();
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const bool special = encoder_.is_template_position(i, ids.size());
      if (special && !request.add_special_tokens) continue;
      json token = {{"id", ids[i]}, {"text", tokenizer.id_to_token(ids[i])}, {"special", special},
                    {"start", nullptr}, {"stop", nullptr}};
      if (!special && i < encoded->spans.size() && encoded->spans[i]) {
        const text::CharSpan span = *encoded->spans[i];
        // TEI's input.chars().skip(start).take(stop - start): nothing past the end.
        const std::size_t begin = byte_of(span.start), end = std::max(begin, byte_of(span.stop));
        token["text"] = text.substr(begin, end - begin);
        token["start"] = span.start;
        token["stop"] = span.stop;
      }
      tokens_json.push_back(std::move(token));
    }
    tokens += tokens_json.size();
    answer.push_back(std::move(tokens_json));
  }
  rows = request.inputs.size();
  return answer.dump(-1, ' ', false, json::error_handler_t::replace);
}

void Server::add_routes() {
  httplib::Server& http = *http_;
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    record = {Clock::now(), 0, 0};
    if (!options_.api_key.empty() && req.get_header_value("Authorization") != "Bearer " + options_.api_key) {
      answer_error(res, ApiError(401, "unauthorized", "Unauthorized: give the API key as 'Authorization: Bearer KEY'"),
                   metrics_);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  const auto json_route = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        res.set_content(handler(req.body, record.rows, record.tokens), "application/json");
      } catch (const ApiError& e) {
        answer_error(res, e, metrics_);
      } catch (const std::exception& e) {
        answer_error(res, ApiError(500, "backend", std::string("internal error: ") + e.what()), metrics_);
      }
    };
  };
  const auto predict = json_route([this](const std::string& body, std::size_t& rows, std::size_t& tokens) {
    return this->predict(body, rows, tokens);
  });
  http.Post("/predict", predict);
  http.Post("/", predict);
  http.Post("/invocations", predict);
  http.Post("/tokenize", json_route([this](const std::string& body, std::size_t& rows, std::size_t& tokens) {
    return this->tokenize(body, rows, tokens);
  }));

  const auto health = [this](const httplib::Request&, httplib::Response& res) {
    if (!healthy_) answer_error(res, ApiError(503, "unhealthy", "unhealthy"), metrics_);
  };
  http.Get("/health", health);
  http.Get("/", health);
  http.Get("/ping", health);
  http.Get("/info", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(info().dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.prometheus_text(), "text/plain; version=0.0.4");
  });
  const std::string openapi = openapi_document().dump();
  http.Get("/api-doc/openapi.json", [openapi](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi, "application/json");
  });

  // cpp-httplib answers a body over the payload limit (413) and a request it cannot read (400)
  // before any route: those get TEI's error body here.
  http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413 && req.get_header_value("Content-Type") == "application/x-www-form-urlencoded") {
      // cpp-httplib reads at most 8,192 bytes of a form body (curl -d's default type)
      answer_error(res, validation_error("a form-encoded body is limited to 8192 bytes: send the JSON with "
                                         "'Content-Type: application/json'"),
                   metrics_);
    } else if (res.status == 413) {
      answer_error(res, validation_error(fmt::format("request body over the payload limit of {} bytes",
                                                     options_.payload_limit)),
                   metrics_);
    } else if (res.status == 404) {
      res.set_content(json{{"error", "Not Found"}, {"error_type", "not_found"}}.dump(), "application/json");
    }
  });

  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const long long ms = record.start == Clock::time_point{} ? 0 : milliseconds(Clock::now() - record.start);
    fmt::print(stderr, "{} {} {} rows={} tokens={} ms={}\n", req.method, req.path, res.status, record.rows,
               record.tokens, ms);
    record = {};
  });
}

}  // namespace textclass::serve
