#include "textclass/report/comparison_markdown.hpp"

#include <cmath>
#include <fmt/core.h>

namespace textclass::report {
namespace {

// A table cell: "|" would end the cell early.
std::string cell(const std::string& text) {
  std::string escaped;
  for (char c : text) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
  return escaped;
}

std::string score(double value) { return fmt::format("{:.4f}", value); }

std::string table_row(const std::vector<std::string>& cells) {
  std::string row = "|";
  for (const std::string& text : cells) row += " " + text + " |";
  return row + "\n";
}

// The header row and the alignment row: the first column left, the others right.
std::string table_header(const std::vector<std::string>& headings) {
  std::string rule = "|---|";
  for (std::size_t i = 1; i < headings.size(); ++i) rule += "---:|";
  return table_row(headings) + rule + "\n";
}

std::string loss_cell(const std::optional<double>& loss) { return loss ? score(*loss) : "n/a"; }

// n/a for a correlation that a constant side leaves undefined (NaN in scipy).
std::string correlation(double value) { return std::isnan(value) ? "n/a" : score(value); }

std::string summary(const std::vector<ComparedRun>& runs) {
  std::vector<std::string> headings = {""};
  for (const ComparedRun& run : runs) headings.push_back(cell(run.name));
  std::string text = table_header(headings);
  const auto row = [&](const std::string& heading, auto value_of) {
    std::vector<std::string> cells = {heading};
    for (const ComparedRun& run : runs) cells.push_back(value_of(run));
    text += table_row(cells);
  };
  row("model", [](const ComparedRun& run) { return cell(run.model); });
  row("data", [](const ComparedRun& run) { return cell(run.data); });
  if (runs[0].task == Task::multi_label) {
    row("rows", [](const ComparedRun& run) { return std::to_string(run.multilabel->rows); });
    row("subset accuracy", [](const ComparedRun& run) { return score(run.multilabel->subset_accuracy); });
    row("hamming loss", [](const ComparedRun& run) { return score(run.multilabel->hamming_loss); });
    row("micro F1", [](const ComparedRun& run) { return score(run.multilabel->micro.f1); });
    row("macro F1", [](const ComparedRun& run) { return score(run.multilabel->macro.f1); });
    row("weighted F1", [](const ComparedRun& run) { return score(run.multilabel->weighted.f1); });
    row("samples F1", [](const ComparedRun& run) { return score(run.multilabel->samples.f1); });
    row("loss", [](const ComparedRun& run) { return loss_cell(run.multilabel->loss); });
    return text;
  }
  if (runs[0].task == Task::regression) {
    row("rows", [](const ComparedRun& run) { return std::to_string(run.regression->rows); });
    row("MSE", [](const ComparedRun& run) { return score(run.regression->mse); });
    row("MAE", [](const ComparedRun& run) { return score(run.regression->mae); });
    row("R²", [](const ComparedRun& run) { return score(run.regression->r2); });
    row("Pearson", [](const ComparedRun& run) { return correlation(run.regression->pearson); });
    row("Spearman", [](const ComparedRun& run) { return correlation(run.regression->spearman); });
    row("loss", [](const ComparedRun& run) { return loss_cell(run.regression->loss); });
    return text;
  }
  row("rows", [](const ComparedRun& run) { return std::to_string(run.metrics.total); });
  row("accuracy", [](const ComparedRun& run) { return score(run.metrics.accuracy); });
  row("macro F1", [](const ComparedRun& run) { return score(run.metrics.macro_f1); });
  row("weighted F1", [](const ComparedRun& run) { return score(run.metrics.weighted_f1); });
  row("loss", [](const ComparedRun& run) { return loss_cell(run.metrics.loss); });
  return text;
}

double class_f1(const ComparedRun& run, std::size_t c) {
  return run.multilabel ? run.multilabel->per_class[c].f1 : run.metrics.per_class[c].f1;
}

std::string f1_differences(const std::vector<ComparedRun>& runs) {
  std::vector<std::string> headings = {"class"};
  for (const ComparedRun& run : runs) headings.push_back(cell(run.name));
  for (std::size_t r = 1; r < runs.size(); ++r) headings.push_back(cell(runs[r].name + " − " + runs[0].name));
  std::string text = table_header(headings);
  const auto row = [&](const std::string& heading, auto f1_of) {
    std::vector<std::string> cells = {heading};
    for (const ComparedRun& run : runs) cells.push_back(score(f1_of(run)));
    for (std::size_t r = 1; r < runs.size(); ++r) {
      cells.push_back(fmt::format("{:+.4f}", f1_of(runs[r]) - f1_of(runs[0])));
    }
    text += table_row(cells);
  };
  for (std::size_t c = 0; c < runs[0].metrics.class_names.size(); ++c) {
    row(cell(runs[0].metrics.class_names[c]), [c](const ComparedRun& run) { return class_f1(run, c); });
  }
  if (runs[0].task == Task::multi_label) {
    row("micro avg", [](const ComparedRun& run) { return run.multilabel->micro.f1; });
    row("macro avg", [](const ComparedRun& run) { return run.multilabel->macro.f1; });
    row("weighted avg", [](const ComparedRun& run) { return run.multilabel->weighted.f1; });
    row("samples avg", [](const ComparedRun& run) { return run.multilabel->samples.f1; });
    return text;
  }
  row("macro avg", [](const ComparedRun& run) { return run.metrics.macro_f1; });
  row("weighted avg", [](const ComparedRun& run) { return run.metrics.weighted_f1; });
  return text;
}

std::string classification_table(const Metrics& metrics) {
  std::string text = table_header({"class", "precision", "recall", "F1", "support"});
  const auto row = [&](const std::string& heading, double precision, double recall, double f1) {
    text += table_row({heading, score(precision), score(recall), score(f1), std::to_string(metrics.total)});
  };
  for (const ClassMetrics& c : metrics.per_class) {
    text += table_row({cell(c.name), score(c.precision), score(c.recall), score(c.f1), std::to_string(c.support)});
  }
  text += table_row({"accuracy", "", "", score(metrics.accuracy), std::to_string(metrics.total)});
  row("macro avg", metrics.macro_precision, metrics.macro_recall, metrics.macro_f1);
  row("weighted avg", metrics.weighted_precision, metrics.weighted_recall, metrics.weighted_f1);
  return text;
}

// classification_report's rows for multilabel indicators: each average's support is every true label.
std::string multilabel_table(const MultiLabelMetrics& metrics) {
  std::string text = table_header({"class", "precision", "recall", "F1", "support"});
  for (const ClassMetrics& c : metrics.per_class) {
    text += table_row({cell(c.name), score(c.precision), score(c.recall), score(c.f1), std::to_string(c.support)});
  }
  for (const ClassMetrics* c : {&metrics.micro, &metrics.macro, &metrics.weighted, &metrics.samples}) {
    text += table_row({c->name, score(c->precision), score(c->recall), score(c->f1), std::to_string(c->support)});
  }
  return text;
}

std::string confusion_table(const Metrics& metrics) {
  std::vector<std::string> headings = {"true \\ predicted"};
  for (const std::string& name : metrics.class_names) headings.push_back(cell(name));
  std::string text = table_header(headings);
  for (std::size_t r = 0; r < metrics.confusion.size(); ++r) {
    std::vector<std::string> cells = {cell(metrics.class_names[r])};
    for (long count : metrics.confusion[r]) cells.push_back(std::to_string(count));
    text += table_row(cells);
  }
  return text;
}

// The training loss last logged at or before `step`, the figure to read beside an evaluation.
std::string training_loss_at(const TrainingLog& log, long step) {
  const TrainingStep* latest = nullptr;
  for (const TrainingStep& row : log.steps) {
    if (row.step <= step) latest = &row;
  }
  return latest ? score(latest->loss) : "";
}

std::string training_summary(const TrainingLog& log, Task task) {
  std::string text;
  if (!log.steps.empty()) {
    text += fmt::format("Training loss {:.4f} at step {} → {:.4f} at step {} ({} logged steps).\n\n",
                        log.steps.front().loss, log.steps.front().step, log.steps.back().loss, log.steps.back().step,
                        log.steps.size());
  }
  if (!log.evaluations.empty()) {
    text += table_header({"step", "epoch", "training loss", "eval loss", std::string("eval ") + score_name(task)});
    for (const Evaluation& row : log.evaluations) {
      text += table_row({std::to_string(row.step), fmt::format("{:.2f}", row.epoch), training_loss_at(log, row.step),
                         score(row.loss), row.score ? score(*row.score) : ""});
    }
    text += "\n";
  }
  return text;
}

}  // namespace

std::string comparison_markdown(const std::vector<ComparedRun>& runs) {
  std::string names;
  for (const ComparedRun& run : runs) names += (names.empty() ? "" : " vs ") + run.name;
  std::string text = fmt::format("# Comparison: {}\n\n", names);
  text += summary(runs) + "\n";
  if (runs[0].task != Task::regression) text += "## F1 by class\n\n" + f1_differences(runs) + "\n";
  for (const ComparedRun& run : runs) {
    std::string details;
    if (run.task == Task::single_label) {
      details += classification_table(run.metrics) + "\n";
      details += "Confusion matrix (rows: true class, columns: predicted class):\n\n";
      details += confusion_table(run.metrics) + "\n";
    } else if (run.task == Task::multi_label) {
      details += multilabel_table(*run.multilabel) + "\n";
    }
    if (run.log) details += training_summary(*run.log, run.task);
    if (!details.empty()) text += fmt::format("## {}\n\n", run.name) + details;
  }
  return text.substr(0, text.size() - 1);  // one newline at the end, not a blank line
}

}  // namespace textclass::report
