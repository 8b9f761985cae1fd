// The bodies of POST /predict and /tokenize come from any client: any bytes must give an ApiError
// (a textclass::Error, answered with TEI's status) or a request of the shapes the server handles.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "textclass/error.hpp"
#include "textclass/serve/request.hpp"

namespace {

constexpr std::size_t kMaxClientBatchSize = 4;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace textclass::serve;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const PredictRequest request = parse_predict_request(body, kMaxClientBatchSize);
    check(!request.inputs.empty() && request.inputs.size() <= kMaxClientBatchSize);
    check(request.batch || request.inputs.size() == 1);
    for (const Sequence& input : request.inputs) check(input.texts.size() == 1 || input.texts.size() == 2);
  } catch (const ApiError& e) {
    check(e.status() == 400 || e.status() == 413 || e.status() == 422);
  } catch (const textclass::Error&) {
  }
  try {
    const TokenizeRequest request = parse_tokenize_request(body, kMaxClientBatchSize);
    check(!request.inputs.empty() && request.inputs.size() <= kMaxClientBatchSize);
  } catch (const textclass::Error&) {
  }
  return 0;
}
