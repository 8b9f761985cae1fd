#include "textclass/report/comparison_run.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <fstream>
#include <set>
#include <sstream>

#include "textclass/error.hpp"

namespace textclass::report {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot read the file", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string metadata(const json& metrics, const std::string& key) {
  const auto it = metrics.find(key);
  return it != metrics.end() && it->is_string() ? it->get<std::string>() : "";
}

double log_number(const json& row, const char* key, const std::string& path, std::size_t line) {
  const auto it = row.find(key);
  if (it == row.end() || !it->is_number()) throw error_at(path, line, fmt::format("\"{}\" is not a number", key));
  return it->get<double>();
}

// Rows that are neither training nor evaluation rows (a run summary, say) are skipped.
TrainingLog read_log(const std::filesystem::path& file) {
  const std::string path = file.string();
  std::istringstream lines(read_text(file));
  TrainingLog log;
  std::size_t line_number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json row = json::parse(line, nullptr, false);
    if (!row.is_object()) throw error_at(path, line_number, "not a JSON object");
    if (row.contains("eval_accuracy")) {
      log.evaluations.push_back({static_cast<long>(log_number(row, "step", path, line_number)),
                                 log_number(row, "epoch", path, line_number),
                                 log_number(row, "eval_loss", path, line_number),
                                 log_number(row, "eval_accuracy", path, line_number)});
    } else if (row.contains("loss")) {
      log.steps.push_back({static_cast<long>(log_number(row, "step", path, line_number)),
                           log_number(row, "epoch", path, line_number), log_number(row, "loss", path, line_number)});
    }
  }
  return log;
}

ComparedRun load_run(const std::filesystem::path& folder) {
  if (!std::filesystem::is_directory(folder)) throw Error(fmt::format("{}: no such run folder", folder.string()));
  const std::filesystem::path metrics_file = folder / "metrics.json";
  if (!std::filesystem::exists(metrics_file)) {
    throw Error(fmt::format("{}: no metrics.json in this run folder (evaluate writes it)", folder.string()));
  }
  const json metrics = json::parse(read_text(metrics_file), nullptr, false);
  if (metrics.is_discarded()) throw Error(fmt::format("{}: not valid JSON", metrics_file.string()));
  // evaluate writes a problem_type for the tasks beyond one class per row, which compare does not
  // put side by side yet
  if (metrics.is_object() && metrics.contains("problem_type") && metrics["problem_type"].is_string())
    throw Error(fmt::format("{}: the evaluation of a {} model; compare handles one class per row "
                            "(single_label_classification) only so far",
                            metrics_file.string(), metrics["problem_type"].get<std::string>()));
  ComparedRun run;
  run.name = folder.filename().string();
  run.model = metadata(metrics, "model");
  run.data = metadata(metrics, "data");
  try {
    run.metrics = metrics_from_json(metrics);
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", metrics_file.string(), e.what()));
  }
  if (std::filesystem::exists(folder / "log.jsonl")) run.log = read_log(folder / "log.jsonl");
  return run;
}

}  // namespace

std::vector<ComparedRun> load_compared_runs(const std::vector<std::filesystem::path>& folders) {
  std::vector<ComparedRun> runs;
  std::set<std::string> names;
  // "runs/bert/" names its folder "bert" too.
  std::vector<std::filesystem::path> cleaned;
  for (const auto& folder : folders) cleaned.push_back(folder.has_filename() ? folder : folder.parent_path());
  for (const auto& folder : cleaned) {
    runs.push_back(load_run(folder));
    names.insert(runs.back().name);
    const ComparedRun& first = runs.front();
    if (runs.back().metrics.class_names != first.metrics.class_names) {
      throw Error(fmt::format("{} has classes ({}) but {} has ({}): runs must share their classes", folder.string(),
                              fmt::join(runs.back().metrics.class_names, ", "), cleaned.front().string(),
                              fmt::join(first.metrics.class_names, ", ")));
    }
  }
  if (names.size() < runs.size()) {
    for (std::size_t i = 0; i < runs.size(); ++i) runs[i].name = cleaned[i].string();
  }
  return runs;
}

}  // namespace textclass::report
