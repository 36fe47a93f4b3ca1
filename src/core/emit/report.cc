#include "core/emit/report.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/emit/report_model.h"
#include "core/emit/report_svg.h"

namespace shardplan {
namespace {

using report::fixed;
using report::Model;

// A table written once and rendered as HTML or Markdown. Cells are plain text.
struct Table {
  std::string id;
  std::vector<std::string> headers;
  std::vector<bool> numeric;  // right-aligned columns
  std::vector<std::vector<std::string>> rows;
};

std::string signed_fixed(double value, int decimals = 2) {
  const std::string text = fixed(value, decimals);
  return text.front() == '-' || text.find_first_not_of("0.") == std::string::npos ? text
                                                                                  : "+" + text;
}

std::string optional_seconds(const std::optional<double>& seconds) {
  return seconds ? fixed(*seconds) : "–";
}

Table summary_table(const Model& model) {
  const Plan& plan = *model.plan;
  Table table{"summary", {"", "value"}, {false, true}, {}};
  auto add = [&](std::string key, std::string value) {
    table.rows.push_back({std::move(key), std::move(value)});
  };
  add("shards", std::to_string(plan.shard_count));
  add("makespan (slowest shard), s", fixed(plan.makespan));
  add("lower bound, s", fixed(plan.lower_bound));
  add("makespan / lower bound", fixed(model.balance.ratio_to_lower_bound, 3));
  add("mean shard, s", fixed(model.balance.mean));
  add("fastest shard, s", fixed(model.balance.min));
  if (model.has_measured) {
    double slowest = 0;
    for (const report::ShardRow& row : model.shards)
      slowest = std::max(slowest, row.measured.value_or(0.0));
    add("measured slowest shard, s", fixed(slowest));
  }
  add("test files", std::to_string(plan.stats.universe_files));
  add("sliced files", std::to_string(model.sliced.size()));
  return table;
}

Table shards_table(const Model& model, bool bars) {
  Table table{"shards", {"shard", "files", "slices", "predicted s"}, {true, true, true, true}, {}};
  if (model.has_measured) {
    table.headers.insert(table.headers.end(), {"measured s", "error s", "error %"});
    table.numeric.insert(table.numeric.end(), {true, true, true});
  }
  if (bars) {
    table.headers.push_back("load");
    table.numeric.push_back(false);
  }
  for (const report::ShardRow& row : model.shards) {
    std::vector<std::string> cells{std::to_string(row.index), std::to_string(row.files),
                                   std::to_string(row.slices), fixed(row.predicted)};
    if (model.has_measured) {
      const double measured = row.measured.value_or(0.0);
      cells.push_back(fixed(measured));
      cells.push_back(signed_fixed(measured - row.predicted));
      cells.push_back(row.predicted > 0
                          ? signed_fixed(100 * (measured - row.predicted) / row.predicted, 1)
                          : "–");
    }
    if (bars) {
      const double share = model.chart_max > 0 ? row.predicted / model.chart_max : 0;
      cells.emplace_back();
      for (long i = std::lround(share * 20); i > 0; --i) cells.back() += "█";
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

Table sliced_table(const Model& model) {
  Table table{"sliced", {"file", "runs as", "predicted s"}, {false, false, true}, {}};
  if (model.has_measured) {
    table.headers.push_back("measured s");
    table.numeric.push_back(true);
  }
  for (const report::FileRow& row : model.sliced) {
    table.rows.push_back({row.path, row.placement, optional_seconds(row.predicted)});
    if (model.has_measured) table.rows.back().push_back(optional_seconds(row.measured));
  }
  return table;
}

Table slowest_files_table(const Model& model) {
  Table table{
      "slowest-files", {"#", "file", "runs as", "predicted s"}, {true, false, false, true}, {}};
  if (model.has_measured) {
    table.headers.push_back("measured s");
    table.numeric.push_back(true);
  }
  std::size_t rank = 0;
  for (const report::FileRow& row : model.slowest) {
    std::string predicted = optional_seconds(row.predicted);
    if (row.estimated) predicted += " (estimate)";
    table.rows.push_back({std::to_string(++rank), row.path, row.placement, predicted});
    if (model.has_measured) table.rows.back().push_back(optional_seconds(row.measured));
  }
  return table;
}

Table slowest_tests_table(const Model& model) {
  const bool slices = model.test_source == report::TestSource::slices;
  Table table{"slowest-tests",
              {"#", slices ? "slice" : "test", "seconds", "shard"},
              {true, false, true, true},
              {}};
  std::size_t rank = 0;
  for (const report::TestRow& row : model.slowest_tests) {
    table.rows.push_back({std::to_string(++rank), row.id, fixed(row.seconds),
                          row.shard > 0 ? std::to_string(row.shard) : "–"});
  }
  return table;
}

Table inputs_table(const Model& model) {
  const Plan& plan = *model.plan;
  Table table{"inputs", {"", "value"}, {false, false}, {}};
  auto add = [&](std::string key, std::string value) {
    table.rows.push_back({std::move(key), std::move(value)});
  };
  add("timed files", std::to_string(plan.stats.timed_files));
  add("untimed files (estimated)", std::to_string(plan.stats.estimated_files));
  add("stale timing entries (files gone)", std::to_string(plan.stats.stale_entries));
  add("invalid timing values skipped", std::to_string(plan.stats.skipped_invalid));
  add("tests with a timing", std::to_string(plan.stats.known_tests));
  add("file overhead, s", fixed(plan.file_overhead));
  add("planned without timings", plan.estimated ? "yes" : "no");
  add("universe digest", plan.universe_digest);
  add("inputs digest", plan.inputs_digest);
  return table;
}

std::string tests_heading(const Model& model) {
  switch (model.test_source) {
    case report::TestSource::measured:
      return "20 slowest tests (measured)";
    case report::TestSource::timings:
      return "20 slowest tests (from the timings)";
    case report::TestSource::slices:
      break;
  }
  return "20 slowest slices (the plan keeps no per-test times: pass --junit or --durations for "
         "tests)";
}

std::string capped_list(const std::vector<std::string>& items, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += fmt::format(", and {} more", items.size() - limit);
  return out;
}

// ---- HTML ----

constexpr const char* kPageStyle =
    "body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:24px "
    "auto;max-width:1240px;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid "
    "#ddd}"
    ".lede{color:#555;margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid "
    "#ddd;border-radius:6px;padding:8px 12px;"
    "min-width:120px}.card b{display:block;font-size:18px}.card span{color:#666;font-size:12px}"
    "figure{margin:0;overflow-x:auto}table{border-collapse:collapse;margin:4px 0}"
    "th,td{border-bottom:1px solid #eee;padding:3px 10px;text-align:left;vertical-align:top}"
    "th{background:#f6f6f6}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td{overflow-wrap:anywhere}.notes li{color:#8a4b00}code{font-size:12px}"
    "tr.sliced td{background:#fff4e8}";

std::string html_table(const Table& table) {
  std::string out = fmt::format("<table id=\"{}\"><thead><tr>", table.id);
  for (std::size_t i = 0; i < table.headers.size(); ++i) {
    out += fmt::format("<th{}>{}</th>", table.numeric[i] ? " class=\"num\"" : "",
                       report::escape_xml(table.headers[i]));
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += fmt::format("<td{}>{}</td>", table.numeric[i] ? " class=\"num\"" : "",
                         report::escape_xml(row[i]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

// Long tables fold away (a <details> element: no script needed).
std::string html_section(const std::string& heading, const Table& table,
                         std::size_t fold_above = 40) {
  std::string out = fmt::format("<h2>{}</h2>\n", report::escape_xml(heading));
  if (table.rows.empty()) return out + "<p>None.</p>\n";
  if (table.rows.size() <= fold_above) return out + html_table(table);
  return out + fmt::format("<details><summary>{} rows</summary>\n{}</details>\n", table.rows.size(),
                           html_table(table));
}

std::string html_cards(const Model& model) {
  const Plan& plan = *model.plan;
  std::vector<std::pair<std::string, std::string>> cards{
      {fixed(plan.makespan) + " s", "makespan"},
      {fixed(plan.lower_bound) + " s", "lower bound"},
      {fixed(model.balance.ratio_to_lower_bound, 3), "makespan / lower bound"},
      {fixed(model.balance.mean) + " s", "mean shard"},
      {std::to_string(model.sliced.size()), "sliced files"},
      {std::to_string(plan.stats.estimated_files), "untimed files"},
      {std::to_string(plan.stats.stale_entries), "stale entries"}};
  std::string out = "<section class=\"cards\">";
  for (const auto& [value, label] : cards) {
    out += fmt::format("<div class=\"card\"><b>{}</b><span>{}</span></div>", value, label);
  }
  return out + "</section>\n";
}

std::string html_notes(const Model& model) {
  std::vector<std::string> notes = model.notes;
  if (!model.untimed.empty())
    notes.push_back("Untimed files (planned with an estimate): " + capped_list(model.untimed, 50));
  if (notes.empty()) return "";
  std::string out = "<ul class=\"notes\">";
  for (const std::string& note : notes) out += "<li>" + report::escape_xml(note) + "</li>";
  return out + "</ul>\n";
}

std::string render_html(const Model& model) {
  const Plan& plan = *model.plan;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format(
      "<title>shardplan report: {} shards</title>\n<style>{}</style>\n</head>\n<body>\n",
      plan.shard_count, kPageStyle);
  out += fmt::format("<h1>Shard plan: {} shards</h1>\n", plan.shard_count);
  out += fmt::format(
      "<p class=\"lede\">{} test files; the slowest shard is predicted at {} s, {}% above the "
      "lower "
      "bound. Hover a segment for its file and seconds.</p>\n",
      plan.stats.universe_files, fixed(plan.makespan),
      fixed(100 * (model.balance.ratio_to_lower_bound - 1), 1));
  out += html_cards(model);
  out += html_notes(model);
  out += "<h2>Shards</h2>\n<figure>\n" + report::render_chart(model, false) + "</figure>\n";
  out += html_section("Per shard", shards_table(model, false), 32);
  out += html_section("Sliced files", sliced_table(model));
  out += html_section("20 slowest files (" + model.files_source + ")", slowest_files_table(model));
  out += html_section(tests_heading(model), slowest_tests_table(model));
  out += html_section("Inputs", inputs_table(model));
  return out + "</body>\n</html>\n";
}

// ---- Markdown ----

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (std::string_view("\\`*_[]<>|~#&").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string markdown_table(const Table& table) {
  if (table.rows.empty()) return "None.\n";
  std::string out = "|";
  for (const std::string& header : table.headers) out += " " + escape_markdown(header) + " |";
  out += "\n|";
  for (const bool numeric : table.numeric) out += numeric ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const std::string& cell : row) out += " " + escape_markdown(cell) + " |";
    out += "\n";
  }
  return out;
}

std::string markdown_section(const std::string& heading, const Table& table) {
  return "\n## " + escape_markdown(heading) + "\n\n" + markdown_table(table);
}

std::string render_markdown(const Model& model) {
  std::string out = fmt::format("# Shard plan: {} shards\n\n", model.plan->shard_count);
  out += markdown_table(summary_table(model));
  std::vector<std::string> notes = model.notes;
  if (!model.untimed.empty())
    notes.push_back("Untimed files (planned with an estimate): " + capped_list(model.untimed, 50));
  if (!notes.empty()) out += "\n";
  for (const std::string& note : notes) out += "- " + escape_markdown(note) + "\n";
  out += markdown_section("Per shard", shards_table(model, true));
  out += markdown_section("Sliced files", sliced_table(model));
  out +=
      markdown_section("20 slowest files (" + model.files_source + ")", slowest_files_table(model));
  out += markdown_section(tests_heading(model), slowest_tests_table(model));
  out += markdown_section("Inputs", inputs_table(model));
  return out;
}

}  // namespace

std::string render_report(const ReportInput& input, ReportFormat format) {
  const Model model = report::build_model(input);
  switch (format) {
    case ReportFormat::html:
      return render_html(model);
    case ReportFormat::markdown:
      return render_markdown(model);
    case ReportFormat::svg:
      return report::render_chart(model, true);
  }
  return render_html(model);
}

}  // namespace shardplan
