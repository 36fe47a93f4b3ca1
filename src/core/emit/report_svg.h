// The report's chart: one horizontal stacked bar per shard (job overhead, file overheads, whole
// files, slices), the lower bound and the mean as vertical lines, measured time as a thin bar.
// Row height and label spacing adapt to the shard count so labels never overlap. Internal to
// emit/report*.
#pragma once

#include <string>
#include <string_view>

#include "core/emit/report_model.h"

namespace shardplan::report {

// Escapes & < > " ' for XML and HTML text and attribute values; other bytes pass unchanged.
std::string escape_xml(std::string_view text);

struct ChartGeometry {
  double row_pitch = 0;  // vertical distance between shard rows
  double bar_height = 0;
  int label_every = 1;  // shard I is labelled when I is a multiple of this (and shard 1 if room)
};
ChartGeometry chart_geometry(int shard_count);

// `standalone`: a complete SVG document (with the XML declaration) rather than inline markup.
std::string render_chart(const Model& model, bool standalone);

}  // namespace shardplan::report
