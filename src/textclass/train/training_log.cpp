#include "textclass/train/training_log.hpp"

#include <system_error>

#include "textclass/error.hpp"

namespace textclass::train {

TrainingLog::TrainingLog(const std::filesystem::path& file, const std::vector<nlohmann::ordered_json>& history) : file_(file) {
  // The history goes to a temporary file renamed over the old log, so a crash here loses nothing.
  const std::filesystem::path temp = file.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    for (const nlohmann::ordered_json& row : history) out << row.dump() << "\n";
    out.close();
    if (!out) throw Error(temp.string() + ": cannot write");
  }
  std::error_code error;
  std::filesystem::rename(temp, file, error);
  if (error) throw Error(file.string() + ": cannot replace: " + error.message());
  out_.open(file, std::ios::app);
  if (!out_) throw Error(file.string() + ": cannot open for appending");
}

void TrainingLog::append(const nlohmann::ordered_json& row) {
  out_ << row.dump() << std::endl;  // flushed: the log is read while training runs
  if (!out_) throw Error(file_.string() + ": cannot write");
}

}  // namespace textclass::train
