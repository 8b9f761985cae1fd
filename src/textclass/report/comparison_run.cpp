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
TrainingLog read_log(const std::filesystem::path& file, Task task) {
  const std::string score_key = std::string("eval_") + score_name(task);
  const std::string path = file.string();
  std::istringstream lines(read_text(file));
  TrainingLog log;
  std::size_t line_number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const json row = json::parse(line, nullptr, false);
    if (!row.is_object()) throw error_at(path, line_number, "not a JSON object");
    if (row.contains("eval_loss")) {
      log.evaluations.push_back({static_cast<long>(log_number(row, "step", path, line_number)),
                                 log_number(row, "epoch", path, line_number),
                                 log_number(row, "eval_loss", path, line_number), std::nullopt});
      if (row.contains(score_key))
        log.evaluations.back().score = log_number(row, score_key.c_str(), path, line_number);
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
  ComparedRun run;
  run.name = folder.filename().string();
  run.model = metadata(metrics, "model");
  run.data = metadata(metrics, "data");
  // evaluate writes a problem_type for the tasks beyond one class per row
  const std::string problem_type = metadata(metrics, "problem_type");
  try {
    if (problem_type == "multi_label_classification") {
      run.task = Task::multi_label;
      run.multilabel = multilabel_metrics_from_json(metrics);
      run.metrics.class_names = run.multilabel->class_names;
    } else if (problem_type == "regression") {
      run.task = Task::regression;
      run.regression = regression_metrics_from_json(metrics);
    } else if (problem_type.empty() || problem_type == "single_label_classification") {
      run.metrics = metrics_from_json(metrics);
    } else {
      throw Error(fmt::format("\"problem_type\" {} is none of single_label_classification, "
                              "multi_label_classification, regression", problem_type));
    }
  } catch (const Error& e) {
    throw Error(fmt::format("{}: {}", metrics_file.string(), e.what()));
  }
  if (std::filesystem::exists(folder / "log.jsonl")) run.log = read_log(folder / "log.jsonl", run.task);
  return run;
}

const char* task_name(Task task) {
  switch (task) {
    case Task::multi_label: return "multi_label_classification";
    case Task::regression: return "regression";
    default: return "single_label_classification";
  }
}

}  // namespace

const char* score_name(Task task) {
  switch (task) {
    case Task::multi_label: return "f1_micro";
    case Task::regression: return "r2";
    default: return "accuracy";
  }
}

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
    if (runs.back().task != first.task) {
      throw Error(fmt::format("{} is the evaluation of a {} model but {} of a {} model: runs must share their task",
                              folder.string(), task_name(runs.back().task), cleaned.front().string(),
                              task_name(first.task)));
    }
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
