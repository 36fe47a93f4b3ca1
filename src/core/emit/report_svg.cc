#include "core/emit/report_svg.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace shardplan::report {
namespace {

constexpr double kWidth = 1200;
constexpr double kLeft = 84;           // shard labels
constexpr double kRight = 110;         // value labels after the bars: "predicted / measured s"
constexpr double kTop = 44;            // labels of the lower-bound and mean lines
constexpr double kLabelGap = 13;       // font 11px plus air: the least distance between two labels
constexpr double kMinSegmentPx = 1.0;  // narrower whole files merge into one segment

constexpr const char* kChartStyle =
    "text{font:11px system-ui,sans-serif;fill:#333}"
    ".bar-job{fill:#59595b}.bar-overhead{fill:#b8b8bc}"
    ".bar-file{fill:#4e79a7}.bar-file.alt{fill:#6b93c2}.bar-files{fill:#bccbdc}"
    ".bar-slice{fill:#f28e2b}.bar-slice.alt{fill:#f9b46e}"
    ".bar-measured{fill:#222;fill-opacity:.8}.measured-tick{fill:#d62728}"
    ".grid{stroke:#e4e4e4}.lower-bound{stroke:#d62728;stroke-width:1.5;stroke-dasharray:5 3}"
    ".mean{stroke:#2a9d3a;stroke-width:1.5;stroke-dasharray:2 2}"
    ".shard-label{text-anchor:end}.tick{text-anchor:middle;fill:#666}"
    ".line-label{paint-order:stroke;stroke:#fff;stroke-width:3px}"
    ".line-label.lower-bound-label{fill:#d62728}.line-label.mean-label{fill:#2a9d3a}"
    ".value{fill:#555}";

struct Axis {
  double max = 1;
  double step = 0.25;
  int decimals = 2;
};

Axis axis_for(double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) return {};
  const double raw = seconds / 10;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude * 10;
  for (const double factor : {1.0, 2.0, 2.5, 5.0}) {
    if (magnitude * factor >= raw) {
      step = magnitude * factor;
      break;
    }
  }
  Axis axis;
  axis.step = step;
  axis.max = std::ceil(seconds / step - 1e-9) * step;
  axis.decimals = 0;  // as few as show the step exactly
  for (double scaled = step;
       axis.decimals < 6 && std::abs(scaled - std::round(scaled)) > 1e-6 * scaled; scaled *= 10) {
    ++axis.decimals;
  }
  return axis;
}

struct Canvas {
  const Model& model;
  ChartGeometry geometry;
  Axis axis;
  std::string out;
  std::set<std::string> drawn;  // bar classes used, for the legend

  double x(double seconds) const { return kLeft + seconds / axis.max * (kWidth - kLeft - kRight); }
  double row_top(std::size_t row) const {
    return kTop + static_cast<double>(row) * geometry.row_pitch;
  }
  double rows_bottom() const { return row_top(model.shards.size()); }
  double height() const { return rows_bottom() + 56; }
};

std::string num(double value) {
  return fixed(value, 1);
}

void rect(Canvas& canvas, const std::string& css, double x0, double x1, double y, double height,
          const std::string& title) {
  canvas.out += fmt::format(
      "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
      css, num(x0), num(y), fixed(std::max(x1 - x0, 0.0), 2), num(height), escape_xml(title));
}

std::string segment_title(const Segment& segment) {
  return fmt::format("{}: {} s{}", segment.name, fixed(segment.seconds), segment.detail);
}

std::string segment_class(SegmentKind kind, bool alt) {
  switch (kind) {
    case SegmentKind::job_overhead:
      return "bar-job";
    case SegmentKind::file_overhead:
      return "bar-overhead";
    case SegmentKind::file:
      return alt ? "bar-file alt" : "bar-file";
    case SegmentKind::files:
      return "bar-files";
    case SegmentKind::slice:
      return alt ? "bar-slice alt" : "bar-slice";
  }
  return "bar-file";
}

// Whole files too narrow to see, from `first` on, merged into one segment.
Segment merge_narrow(const std::vector<Segment>& segments, std::size_t first, std::size_t end) {
  Segment merged{SegmentKind::files, 0, 0, fmt::format("{} smaller files", end - first), ": "};
  for (std::size_t i = first; i < end; ++i) {
    merged.width_seconds += segments[i].width_seconds;
    merged.seconds += segments[i].seconds;
    if (i - first < 8) merged.detail += (i > first ? ", " : "") + segments[i].name;
  }
  if (end - first > 8) merged.detail += fmt::format(", and {} more", end - first - 8);
  return merged;
}

// The segments as drawn: consecutive narrow whole files become one.
std::vector<Segment> drawn_segments(const Canvas& canvas, const std::vector<Segment>& segments) {
  std::vector<Segment> out;
  const double px_per_second = (kWidth - kLeft - kRight) / canvas.axis.max;
  for (std::size_t i = 0; i < segments.size();) {
    std::size_t end = i;
    while (end < segments.size() && segments[end].kind == SegmentKind::file &&
           segments[end].width_seconds * px_per_second < kMinSegmentPx) {
      ++end;
    }
    if (end - i >= 2) {
      out.push_back(merge_narrow(segments, i, end));
      i = end;
    } else {
      out.push_back(segments[i++]);
    }
  }
  return out;
}

void draw_measured(Canvas& canvas, const ShardRow& row, double top) {
  if (!row.measured) return;
  const double measured = *row.measured;
  const double error = measured - row.predicted;
  const std::string percent = row.predicted > 0 ? fmt::format(" ({}{}%)", error >= 0 ? "+" : "",
                                                              fixed(100 * error / row.predicted, 1))
                                                : "";
  const std::string title = fmt::format("shard {}: measured {} s, predicted {} s, error {}{} s{}",
                                        row.index, fixed(measured), fixed(row.predicted),
                                        error >= 0 ? "+" : "", fixed(error), percent);
  const double bar = canvas.geometry.bar_height;
  const double thin = std::max(bar / 3, 1.0);
  canvas.drawn.insert("bar-measured");
  rect(canvas, "bar-measured", canvas.x(0), canvas.x(measured), top + bar - thin, thin, title);
  rect(canvas, "measured-tick", canvas.x(measured) - 1, canvas.x(measured) + 1, top - 1, bar + 2,
       title);
}

bool labelled(const ChartGeometry& geometry, int shard) {
  if (shard % geometry.label_every == 0) return true;
  return shard == 1 && (geometry.label_every - 1) * geometry.row_pitch >= kLabelGap;
}

void draw_row(Canvas& canvas, std::size_t index) {
  const ShardRow& row = canvas.model.shards[index];
  const double top =
      canvas.row_top(index) + (canvas.geometry.row_pitch - canvas.geometry.bar_height) / 2;
  const double middle = top + canvas.geometry.bar_height / 2;
  canvas.out +=
      fmt::format("<g class=\"shard\" data-shard=\"{}\" data-y=\"{}\">", row.index, num(top));
  double at = 0;
  std::size_t files = 0, slices = 0;
  for (const Segment& segment : drawn_segments(canvas, row.segments)) {
    if (segment.width_seconds <= 0) continue;
    const bool alt = segment.kind == SegmentKind::file
                         ? files++ % 2 == 1
                         : segment.kind == SegmentKind::slice && slices++ % 2 == 1;
    canvas.drawn.insert(segment_class(segment.kind, false));
    rect(canvas, segment_class(segment.kind, alt), canvas.x(at),
         canvas.x(at + segment.width_seconds), top, canvas.geometry.bar_height,
         segment_title(segment));
    at += segment.width_seconds;
  }
  draw_measured(canvas, row, top);
  canvas.out += "</g>";
  const double baseline = middle + 4;
  if (labelled(canvas.geometry, row.index)) {
    const bool roomy = canvas.geometry.row_pitch >= 2 * kLabelGap;
    canvas.out +=
        fmt::format("<text class=\"shard-label\" x=\"{}\" y=\"{}\" data-y=\"{}\">{}{}</text>",
                    num(kLeft - 6), num(baseline), num(baseline), roomy ? "shard " : "", row.index);
  }
  if (canvas.geometry.row_pitch >= kLabelGap) {
    const double end = std::max(at, row.measured.value_or(0.0));
    const std::string measured = row.measured ? " / " + fixed(*row.measured) : "";
    canvas.out +=
        fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\">{}{} s</text>", num(canvas.x(end) + 4),
                    num(baseline), fixed(row.predicted), measured);
  }
}

void draw_axis(Canvas& canvas) {
  const double bottom = canvas.rows_bottom();
  const int ticks = static_cast<int>(std::lround(canvas.axis.max / canvas.axis.step));
  for (int i = 0; i <= ticks; ++i) {
    const double seconds = canvas.axis.step * i;
    const double x = canvas.x(seconds);
    canvas.out += fmt::format("<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>",
                              num(x), num(kTop - 4), num(bottom));
    canvas.out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">{}</text>", num(x),
                              num(bottom + 14), fixed(seconds, canvas.axis.decimals));
  }
  canvas.out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\">seconds</text>",
                            num(canvas.x(canvas.axis.max / 2)), num(bottom + 28));
}

// A vertical line across all rows, labelled above them; the label sits left of the line unless
// that would leave the chart.
void draw_line(Canvas& canvas, const char* css, const char* name, double seconds, double label_y) {
  const double x = canvas.x(seconds);
  const std::string title = fmt::format("{}: {} s", name, fixed(seconds));
  canvas.out += fmt::format(
      "<line class=\"{0}\" x1=\"{1}\" x2=\"{1}\" y1=\"{2}\" y2=\"{3}\"><title>{4}</title></line>",
      css, num(x), num(label_y + 3), num(canvas.rows_bottom()), escape_xml(title));
  const bool left = x - kLeft > 160;
  canvas.out += fmt::format(
      "<text class=\"line-label {}-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>", css,
      num(left ? x - 4 : x + 4), num(label_y), left ? "end" : "start", escape_xml(title));
}

void draw_legend(Canvas& canvas) {
  struct Entry {
    const char* css;
    const char* text;
  };
  static constexpr Entry kEntries[] = {{"bar-job", "job overhead"},
                                       {"bar-overhead", "file overheads"},
                                       {"bar-file", "whole files"},
                                       {"bar-files", "grouped whole files"},
                                       {"bar-slice", "slices of split files"},
                                       {"bar-measured", "measured (labels: predicted / measured)"}};
  std::vector<Entry> entries;
  for (const Entry& entry : kEntries) {
    if (canvas.drawn.count(entry.css) > 0) entries.push_back(entry);
  }
  double x = kLeft;
  const double y = canvas.rows_bottom() + 40;
  for (const Entry& entry : entries) {
    canvas.out +=
        fmt::format("<rect class=\"legend {}\" x=\"{}\" y=\"{}\" width=\"12\" height=\"10\"/>",
                    entry.css, num(x), num(y));
    canvas.out +=
        fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", num(x + 16), num(y + 9), entry.text);
    x += 28 + 6.2 * static_cast<double>(std::string_view(entry.text).size());
  }
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ChartGeometry chart_geometry(int shard_count) {
  ChartGeometry geometry;
  const double count = std::max(shard_count, 1);
  geometry.row_pitch = std::clamp(std::floor(800 / count), 4.0, 30.0);
  geometry.bar_height =
      geometry.row_pitch >= 10 ? std::round(geometry.row_pitch * 0.7) : geometry.row_pitch - 1;
  for (const int every : {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000}) {
    geometry.label_every = every;
    if (every * geometry.row_pitch >= kLabelGap) break;
  }
  return geometry;
}

std::string render_chart(const Model& model, bool standalone) {
  Canvas canvas{model, chart_geometry(model.plan->shard_count), axis_for(model.chart_max), {}, {}};
  const int shards = model.plan->shard_count;
  canvas.out += standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "";
  canvas.out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" "
      "role=\"img\" aria-label=\"Predicted seconds of {2} shards\" data-shards=\"{2}\" "
      "data-label-every=\"{3}\">",
      num(kWidth), num(canvas.height()), shards, canvas.geometry.label_every);
  canvas.out += fmt::format("<style>{}</style>\n", kChartStyle);
  draw_axis(canvas);
  canvas.out += "\n";
  for (std::size_t i = 0; i < model.shards.size(); ++i) {
    draw_row(canvas, i);
    canvas.out += "\n";
  }
  draw_line(canvas, "lower-bound", "lower bound", model.plan->lower_bound, 14);
  draw_line(canvas, "mean", "mean", model.balance.mean, 30);
  canvas.out += "\n";
  draw_legend(canvas);
  canvas.out += "</svg>\n";
  return canvas.out;
}

}  // namespace shardplan::report
