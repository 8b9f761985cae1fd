// The backends the op tests run on. Every op test checks each of them against the same double
// references, so a new backend (CUDA) joins every test with one more line in this table.
#include <stdexcept>

#include "op_test.hpp"

namespace textclass::backend::op_test {
namespace {

struct NamedBackend {
  std::string name;
  std::unique_ptr<Backend> (*make)();
};

const std::vector<NamedBackend>& backends_under_test() {
  static const std::vector<NamedBackend> table = {
      {"cpu", [] { return make_cpu_backend(); }},
  };
  return table;
}

}  // namespace

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const NamedBackend& backend : backends_under_test()) names.push_back(backend.name);
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name) {
  for (const NamedBackend& backend : backends_under_test()) {
    if (backend.name == name) return backend.make();
  }
  throw std::invalid_argument("no backend named " + name);
}

}  // namespace textclass::backend::op_test
