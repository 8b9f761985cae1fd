#include "textclass/report/html_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/core.h>
#include <functional>
#include <optional>

#include "textclass/report/html_charts.hpp"
#include "textclass/report/html_text.hpp"

namespace textclass::report {
namespace {

constexpr const char* kStyle = R"css(
  :root { color-scheme: light; }
  body { margin: 0; background: #f4f5f7; color: #1f2328;
         font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
  main { max-width: 1120px; margin: 0 auto; padding: 28px 24px 48px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 19px; margin: 0 0 14px; }
  h3 { font-size: 15px; margin: 0 0 8px; color: #57606a; font-weight: 600; }
  .subtitle { color: #57606a; margin: 0 0 22px; }
  section { background: #fff; border: 1px solid #d8dee4; border-radius: 10px; padding: 20px 22px; margin: 0 0 20px; }
  .row { display: flex; flex-wrap: wrap; gap: 24px 40px; align-items: flex-start; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 5px 12px; border-bottom: 1px solid #e6e9ed; }
  th { text-align: left; font-weight: 600; color: #57606a; background: #f6f8fa; }
  td.num, th.num { text-align: right; }
  tr.average td { color: #57606a; }
  tr.first-average td { border-top: 2px solid #d8dee4; }
  td.best { font-weight: 700; }
  tr td.up { color: #1a7f37; } tr td.down { color: #cf222e; }
  .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 7px;
            vertical-align: -1px; }
  .note { color: #57606a; font-size: 13px; margin: 8px 0 0; }
  svg.chart { max-width: 100%; height: auto; font-family: inherit; }
  svg .chart-title { font-size: 15px; font-weight: 600; fill: #1f2328; }
  svg .legend, svg .label { font-size: 13px; fill: #1f2328; }
  svg .tick { font-size: 12px; fill: #57606a; }
  svg .axis-title { font-size: 12px; fill: #57606a; }
  svg .bar-value { font-size: 11px; fill: #424a53; }
  svg .grid { stroke: #e6e9ed; stroke-width: 1; }
  svg .axis { stroke: #8c959f; stroke-width: 1; }
  svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; }
  svg .line.dashed { stroke-dasharray: 6 4; }
  svg .count { font-size: 14px; fill: #1f2328; }
  svg .count.on-dark { fill: #ffffff; }
)css";

std::string num(double value) { return fmt::format("{:.4f}", value); }

std::string swatch(std::size_t run) {
  return fmt::format(R"(<span class="swatch" style="background:{}"></span>)", run_color(run));
}

// A column heading per run, with the run's colour as in the charts.
std::string run_headings(const std::vector<ComparedRun>& runs) {
  std::string html;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    html += fmt::format(R"(<th class="num">{}{}</th>)", swatch(r), html_escape(runs[r].name));
  }
  return html;
}

// One row of the summary: each run's value, the best of them in bold (NaN, an undefined
// correlation, is n/a and never the best).
std::string summary_row(const std::string& heading, const std::vector<ComparedRun>& runs,
                        const std::function<double(const ComparedRun&)>& value_of, bool lower_is_better = false) {
  std::vector<double> values;
  for (const ComparedRun& run : runs) values.push_back(value_of(run));
  std::optional<double> best;
  for (double value : values) {
    if (!std::isnan(value) && (!best || (lower_is_better ? value < *best : value > *best))) best = value;
  }
  std::string row = fmt::format("<tr><th>{}</th>", heading);
  for (double value : values) {
    row += fmt::format(R"(<td class="num{}">{}</td>)", best && value == *best && runs.size() > 1 ? " best" : "",
                       std::isnan(value) ? "n/a" : num(value));
  }
  return row + "</tr>\n";
}

std::string loss_text(const std::optional<double>& loss) { return loss ? num(*loss) : "n/a"; }

std::string summary_section(const std::vector<ComparedRun>& runs) {
  std::string html = "<section>\n<h2>Summary</h2>\n<table>\n<tr><th></th>";
  html += run_headings(runs) + "</tr>\n";
  const auto text_row = [&](const std::string& heading, auto text_of) {
    html += fmt::format("<tr><th>{}</th>", heading);
    for (const ComparedRun& run : runs) html += fmt::format(R"(<td class="num">{}</td>)", html_escape(text_of(run)));
    html += "</tr>\n";
  };
  text_row("model", [](const ComparedRun& run) { return run.model; });
  text_row("data", [](const ComparedRun& run) { return run.data; });
  if (runs[0].task == Task::multi_label) {
    text_row("rows", [](const ComparedRun& run) { return std::to_string(run.multilabel->rows); });
    html += summary_row("subset accuracy", runs, [](const ComparedRun& r) { return r.multilabel->subset_accuracy; });
    html += summary_row("hamming loss", runs, [](const ComparedRun& r) { return r.multilabel->hamming_loss; }, true);
    html += summary_row("micro F1", runs, [](const ComparedRun& r) { return r.multilabel->micro.f1; });
    html += summary_row("macro F1", runs, [](const ComparedRun& r) { return r.multilabel->macro.f1; });
    html += summary_row("weighted F1", runs, [](const ComparedRun& r) { return r.multilabel->weighted.f1; });
    html += summary_row("samples F1", runs, [](const ComparedRun& r) { return r.multilabel->samples.f1; });
    text_row("loss", [](const ComparedRun& run) { return loss_text(run.multilabel->loss); });
  } else if (runs[0].task == Task::regression) {
    text_row("rows", [](const ComparedRun& run) { return std::to_string(run.regression->rows); });
    html += summary_row("MSE", runs, [](const ComparedRun& r) { return r.regression->mse; }, true);
    html += summary_row("MAE", runs, [](const ComparedRun& r) { return r.regression->mae; }, true);
    html += summary_row("R²", runs, [](const ComparedRun& r) { return r.regression->r2; });
    html += summary_row("Pearson", runs, [](const ComparedRun& r) { return r.regression->pearson; });
    html += summary_row("Spearman", runs, [](const ComparedRun& r) { return r.regression->spearman; });
    text_row("loss", [](const ComparedRun& run) { return loss_text(run.regression->loss); });
  } else {
    text_row("rows", [](const ComparedRun& run) { return std::to_string(run.metrics.total); });
    html += summary_row("accuracy", runs, [](const ComparedRun& r) { return r.metrics.accuracy; });
    html += summary_row("macro F1", runs, [](const ComparedRun& r) { return r.metrics.macro_f1; });
    html += summary_row("weighted F1", runs, [](const ComparedRun& r) { return r.metrics.weighted_f1; });
    text_row("loss", [](const ComparedRun& run) { return loss_text(run.metrics.loss); });
  }
  return html + "</table>\n</section>\n";
}

// The F1 rows of a run: one per class, then the averages (the first of them in the chart too).
struct F1Row {
  std::string heading;
  std::function<double(const ComparedRun&)> f1;
};

std::vector<F1Row> average_f1_rows(Task task) {
  if (task == Task::multi_label) {
    return {{"micro avg", [](const ComparedRun& r) { return r.multilabel->micro.f1; }},
            {"macro avg", [](const ComparedRun& r) { return r.multilabel->macro.f1; }},
            {"weighted avg", [](const ComparedRun& r) { return r.multilabel->weighted.f1; }},
            {"samples avg", [](const ComparedRun& r) { return r.multilabel->samples.f1; }}};
  }
  return {{"macro avg", [](const ComparedRun& r) { return r.metrics.macro_f1; }},
          {"weighted avg", [](const ComparedRun& r) { return r.metrics.weighted_f1; }}};
}

double class_f1(const ComparedRun& run, std::size_t c) {
  return run.multilabel ? run.multilabel->per_class[c].f1 : run.metrics.per_class[c].f1;
}

std::string f1_section(const std::vector<ComparedRun>& runs) {
  const std::vector<std::string>& classes = runs[0].metrics.class_names;
  const std::vector<F1Row> averages = average_f1_rows(runs[0].task);
  std::vector<std::string> groups = classes;
  groups.push_back(averages[0].heading);
  std::vector<BarSeries> series;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    BarSeries bars{runs[r].name, run_color(r), {}};
    for (std::size_t c = 0; c < classes.size(); ++c) bars.values.push_back(class_f1(runs[r], c));
    bars.values.push_back(averages[0].f1(runs[r]));
    series.push_back(std::move(bars));
  }
  std::string html = "<section>\n<h2>F1 by class</h2>\n" + svg_grouped_bars("F1 score per class", groups, series);

  html += "<table>\n<tr><th>class</th>" + run_headings(runs);
  for (std::size_t r = 1; r < runs.size(); ++r) {
    html += fmt::format(R"(<th class="num">{} − {}</th>)", html_escape(runs[r].name), html_escape(runs[0].name));
  }
  html += "</tr>\n";
  const auto row = [&](const std::string& heading, const char* css_class, auto f1_of) {
    html += fmt::format(R"(<tr class="{}"><th>{}</th>)", css_class, html_escape(heading));
    for (const ComparedRun& run : runs) html += fmt::format(R"(<td class="num">{}</td>)", num(f1_of(run)));
    for (std::size_t r = 1; r < runs.size(); ++r) {
      const double difference = f1_of(runs[r]) - f1_of(runs[0]);
      html += fmt::format(R"(<td class="num {}">{:+.4f}</td>)", difference > 0 ? "up" : difference < 0 ? "down" : "",
                          difference);
    }
    html += "</tr>\n";
  };
  for (std::size_t c = 0; c < classes.size(); ++c) {
    row(classes[c], "", [c](const ComparedRun& run) { return class_f1(run, c); });
  }
  for (std::size_t a = 0; a < averages.size(); ++a) {
    row(averages[a].heading, a == 0 ? "average first-average" : "average", averages[a].f1);
  }
  return html + "</table>\n</section>\n";
}

std::string curves_section(const std::vector<ComparedRun>& runs) {
  std::vector<LineSeries> loss, scores;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    if (!runs[r].log) continue;
    LineSeries training{runs[r].name + " training", run_color(r), {}};
    for (const TrainingStep& step : runs[r].log->steps) training.points.emplace_back(step.step, step.loss);
    LineSeries evaluation_loss{runs[r].name + " eval", run_color(r), {}, true};
    LineSeries evaluation_score{runs[r].name, run_color(r), {}};
    for (const Evaluation& e : runs[r].log->evaluations) {
      evaluation_loss.points.emplace_back(e.step, e.loss);
      if (e.score) evaluation_score.points.emplace_back(e.step, *e.score);
    }
    for (LineSeries* s : {&training, &evaluation_loss}) {
      if (!s->points.empty()) loss.push_back(std::move(*s));
    }
    if (!evaluation_score.points.empty()) scores.push_back(std::move(evaluation_score));
  }
  if (loss.empty() && scores.empty()) return "";
  std::string html = "<section>\n<h2>Training curves</h2>\n<div class=\"row\">\n";
  if (!loss.empty()) html += svg_line_chart("Loss", "step", "loss", loss);
  const std::string score = score_name(runs[0].task);
  if (!scores.empty()) html += svg_line_chart("Evaluation " + score, "step", score, scores);
  return html + "</div>\n</section>\n";
}

// A table row: a heading cell, then right-aligned cells (already escaped).
std::string table_row(const std::string& heading, const std::vector<std::string>& cells, const char* row_class = "") {
  std::string html = fmt::format(R"(<tr class="{}"><th>{}</th>)", row_class, html_escape(heading));
  for (const std::string& cell : cells) html += fmt::format(R"(<td class="num">{}</td>)", cell);
  return html + "</tr>\n";
}

std::string classification_table(const Metrics& metrics) {
  std::string html = "<table>\n<tr><th>class</th><th class=\"num\">precision</th><th class=\"num\">recall</th>"
                     "<th class=\"num\">F1</th><th class=\"num\">support</th></tr>\n";
  const std::string total = std::to_string(metrics.total);
  for (const ClassMetrics& c : metrics.per_class) {
    html += table_row(c.name, {num(c.precision), num(c.recall), num(c.f1), std::to_string(c.support)});
  }
  html += table_row("accuracy", {"", "", num(metrics.accuracy), total}, "average first-average");
  html += table_row("macro avg", {num(metrics.macro_precision), num(metrics.macro_recall), num(metrics.macro_f1), total},
                    "average");
  html += table_row("weighted avg",
                    {num(metrics.weighted_precision), num(metrics.weighted_recall), num(metrics.weighted_f1), total},
                    "average");
  return html + "</table>\n";
}

// classification_report's rows for multilabel indicators: each average's support is every true label.
std::string multilabel_table(const MultiLabelMetrics& metrics) {
  std::string html = "<table>\n<tr><th>class</th><th class=\"num\">precision</th><th class=\"num\">recall</th>"
                     "<th class=\"num\">F1</th><th class=\"num\">support</th></tr>\n";
  for (const ClassMetrics& c : metrics.per_class) {
    html += table_row(c.name, {num(c.precision), num(c.recall), num(c.f1), std::to_string(c.support)});
  }
  const ClassMetrics* averages[] = {&metrics.micro, &metrics.macro, &metrics.weighted, &metrics.samples};
  for (const ClassMetrics* c : averages) {
    html += table_row(c->name, {num(c->precision), num(c->recall), num(c->f1), std::to_string(c->support)},
                      c == averages[0] ? "average first-average" : "average");
  }
  return html + "</table>\n";
}

std::string run_section(const ComparedRun& run, std::size_t index) {
  const long rows = run.multilabel ? run.multilabel->rows : run.regression ? run.regression->rows : run.metrics.total;
  const std::optional<double> loss =
      run.multilabel ? run.multilabel->loss : run.regression ? run.regression->loss : run.metrics.loss;
  std::string html = fmt::format("<section>\n<h2>{}{}</h2>\n", swatch(index), html_escape(run.name));
  html += fmt::format(R"(<p class="subtitle">{} on {}, {} rows{}</p>)" "\n",
                      html_escape(run.model.empty() ? "model" : run.model),
                      html_escape(run.data.empty() ? "the evaluation data" : run.data), rows,
                      loss ? fmt::format(", loss {}", num(*loss)) : "");
  if (run.task == Task::regression) return html + "</section>\n";  // its metrics are all in the summary
  if (run.task == Task::multi_label) {
    return html + "<h3>Classification report</h3>\n" + multilabel_table(*run.multilabel) + "</section>\n";
  }
  html += "<div class=\"row\">\n<div>\n<h3>Classification report</h3>\n";
  html += classification_table(run.metrics) + "</div>\n";
  html += "<div>\n<h3>Confusion matrix</h3>\n" + svg_confusion_heatmap(run.metrics);
  html += "<p class=\"note\">Rows are true classes; shading is the share of the row.</p>\n</div>\n</div>\n</section>\n";
  return html;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

}  // namespace

std::string comparison_html(const std::vector<ComparedRun>& runs) {
  std::vector<std::string> run_names;
  for (const ComparedRun& run : runs) run_names.push_back(run.name);
  const std::string names = joined(run_names, " vs ");
  const std::vector<std::string>& classes = runs[0].metrics.class_names;
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<link rel=\"icon\" href=\"data:,\">\n";  // no favicon request
  html += fmt::format("<title>Comparison: {}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n", html_escape(names),
                      kStyle);
  html += fmt::format("<h1>Comparison: {}</h1>\n", html_escape(names));
  if (runs[0].task == Task::regression) {
    html += fmt::format("<p class=\"subtitle\">{} runs, regression</p>\n", runs.size());
  } else {
    html += fmt::format("<p class=\"subtitle\">{} runs on {} classes{}: {}</p>\n", runs.size(), classes.size(),
                        runs[0].task == Task::multi_label ? " (multi-label)" : "", html_escape(joined(classes, ", ")));
  }
  html += summary_section(runs);
  if (runs[0].task != Task::regression) html += f1_section(runs);
  html += curves_section(runs);
  for (std::size_t r = 0; r < runs.size(); ++r) html += run_section(runs[r], r);
  return html + "</main>\n</body>\n</html>\n";
}

}  // namespace textclass::report
