// Balance on real timing data: plans every dataset in the given folders (each with
// test_durations.json and files.txt) for N in {4, 8, 16, 38, 64} with shardplan and with the
// reference algorithms, charges every plan the same cost model (cost_model.h) and prints the
// Markdown tables of docs/benchmarks.md to stdout. The pytest-split columns come from the real
// pytest-split 0.11.0 code when --anchor DIR holds its groups (scripts/bench.sh: first
// `--export-units DIR` writes each dataset's units as DIR/<dataset>.json, then
// bench/anchor_groups.py runs the anchor on them); the clean-room re-implementations in
// baselines.h are then only checked against it. Without --anchor the columns are the
// re-implementations, labelled so.
// Usage: bench_quality [--job-overhead S] [--file-overhead S] [--anchor DIR] DATASET_DIR...
//        bench_quality --export-units DIR DATASET_DIR...
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "baselines.h"
#include "core/plan/planner.h"
#include "core/timings/durations.h"

namespace shardplan::bench {
namespace {

constexpr int kShardCounts[] = {4, 8, 16, 38, 64};

struct Dataset {
  std::string name;
  Workload work;
  Suite suite;
};

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<Dataset> load_dataset(const std::string& dir) {
  const auto durations = read_text(dir + "/test_durations.json");
  const auto listing = read_text(dir + "/files.txt");
  if (!durations || !listing) {
    std::fprintf(stderr, "bench_quality: %s needs test_durations.json and files.txt\n",
                 dir.c_str());
    return std::nullopt;
  }
  auto timings = parse_durations(*durations, dir + "/test_durations.json");
  if (!timings) {
    std::fprintf(stderr, "bench_quality: %s\n", timings.error().format().c_str());
    return std::nullopt;
  }
  std::vector<std::string> universe;
  std::istringstream lines(*listing);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) universe.push_back(line);
  }
  std::sort(universe.begin(), universe.end());
  universe.erase(std::unique(universe.begin(), universe.end()), universe.end());
  Dataset data;
  data.name = dir.substr(dir.find_last_of('/') + 1);
  data.work = build_workload(universe, &*timings);
  data.suite = suite_from_workload(data.work);
  return data;
}

// One algorithm's result on one (dataset, N); `nullopt` when it cannot plan that N.
using Result = std::optional<Evaluation>;

struct Algorithm {
  std::string name;
  std::function<std::optional<Assignment>(const Dataset&, int)> assign;
};

std::optional<Assignment> shardplan_assignment(const Dataset& data, int shards, bool slicing,
                                               double file_overhead) {
  auto plan = make_plan(data.work, PlanOptions{shards, file_overhead, slicing});
  if (!plan) return std::nullopt;
  Assignment assignment;
  if (const auto error = assignment_from_plan(data.suite, *plan, assignment); !error.empty()) {
    std::fprintf(stderr, "bench_quality: %s N=%d: shardplan plan is wrong: %s\n", data.name.c_str(),
                 shards, error.c_str());
    std::exit(1);
  }
  return assignment;
}

// The pytest-split algorithms, by their anchor names, with the clean-room re-implementations.
struct PytestSplitAlgorithm {
  const char* name;
  Assignment (*clean_room)(const Suite&, int);
};
constexpr PytestSplitAlgorithm kPytestSplit[] = {{"least_duration", least_duration},
                                                 {"duration_based_chunks", duration_based_chunks}};

// The anchor's groups for one (dataset, algorithm, N), as bench/anchor_groups.py wrote them.
Assignment anchor_assignment(const std::string& dir, const Dataset& d, const char* algorithm,
                             int n) {
  const std::string path = fmt::format("{}/{}/{}-{}.txt", dir, d.name, algorithm, n);
  const auto text = read_text(path);
  Assignment out{{}, n};
  std::istringstream lines(text.value_or(""));
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.job_of.push_back(std::atoi(line.c_str()));
  }
  if (!text || out.job_of.size() != d.suite.units.size()) {
    std::fprintf(stderr,
                 "bench_quality: %s: %s (expected one group per unit, %zu lines; run "
                 "bench/anchor_groups.py on the --export-units folder)\n",
                 path.c_str(), text ? "wrong number of lines" : "missing", d.suite.units.size());
    std::exit(1);
  }
  return out;
}

std::vector<Algorithm> algorithms(double file_overhead, const std::string& anchor_dir) {
  std::vector<Algorithm> out = {
      {"shardplan",
       [=](const Dataset& d, int n) { return shardplan_assignment(d, n, true, file_overhead); }},
      {"shardplan --no-split",
       [=](const Dataset& d, int n) { return shardplan_assignment(d, n, false, file_overhead); }},
  };
  for (const PytestSplitAlgorithm& alg : kPytestSplit) {
    if (anchor_dir.empty()) {
      out.push_back(
          {fmt::format("{} (clean-room re-implementation)", alg.name),
           [&alg](const Dataset& d, int n) { return std::optional(alg.clean_room(d.suite, n)); }});
    } else {
      out.push_back({fmt::format("pytest-split 0.11.0 {} (real code)", alg.name),
                     [&alg, anchor_dir](const Dataset& d, int n) {
                       return std::optional(anchor_assignment(anchor_dir, d, alg.name, n));
                     }});
    }
  }
  out.push_back({"dedicated file shards (clean-room)", [](const Dataset& d, int n) {
                   return std::optional(dedicated_file_shards(d.suite, n));
                 }});
  return out;
}

// How often the clean-room re-implementations gave the anchor's very assignment.
void print_anchor_agreement(const std::vector<Dataset>& data, const std::string& anchor_dir) {
  std::vector<std::string> parts;
  for (const PytestSplitAlgorithm& alg : kPytestSplit) {
    int same = 0, cells = 0;
    std::vector<std::string> differ;
    for (const Dataset& d : data) {
      for (const int n : kShardCounts) {
        ++cells;
        if (alg.clean_room(d.suite, n).job_of ==
            anchor_assignment(anchor_dir, d, alg.name, n).job_of)
          ++same;
        else
          differ.push_back(fmt::format("{} N={}", d.name, n));
      }
    }
    parts.push_back(
        fmt::format("`{}` {} of {}{}", alg.name, same, cells,
                    differ.empty() ? "" : fmt::format(" (differs: {})", fmt::join(differ, ", "))));
  }
  fmt::print(
      "\nThe pytest-split columns are the unmodified pytest-split 0.11.0 code "
      "(../shared/anchors, run by bench/anchor_groups.py on the same units); \"dedicated file "
      "shards\" is a clean-room re-implementation (bench/baselines.cc). The clean-room "
      "re-implementations of the two pytest-split algorithms, kept for the unit-level "
      "benchmarks, gave the anchor's exact assignment in: {}.\n",
      fmt::join(parts, "; "));
}

// Writes the dataset's units (id -> seconds, collection order) as DIR/<name>.json, the input
// of bench/anchor_groups.py.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + '"';
}

bool export_units(const Dataset& d, const std::string& dir) {
  std::string text = "{\n";
  for (std::size_t i = 0; i < d.suite.units.size(); ++i) {
    text += fmt::format("{}{}: {}", i ? ",\n" : "", json_string(d.suite.ids[i]),
                        d.suite.units[i].seconds);
  }
  text += "\n}\n";
  const std::string path = dir + "/" + d.name + ".json", temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary);
    if (!(out << text).flush()) {
      std::fprintf(stderr, "bench_quality: cannot write %s\n", temp.c_str());
      return false;
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) std::fprintf(stderr, "bench_quality: cannot rename %s\n", temp.c_str());
  return !error;
}

// results[dataset][n][algorithm]
using Table = std::vector<std::vector<std::vector<Result>>>;

void print_metric(const std::vector<Dataset>& data, const std::vector<Algorithm>& algos,
                  const Table& results, const std::string& title,
                  const std::function<std::string(const Evaluation&)>& cell) {
  fmt::print("\n**{}**\n\n| dataset | N |", title);
  for (const Algorithm& a : algos) fmt::print(" {} |", a.name);
  fmt::print("\n|---|--:|");
  for (std::size_t i = 0; i < algos.size(); ++i) fmt::print("--:|");
  fmt::print("\n");
  for (std::size_t d = 0; d < data.size(); ++d) {
    for (std::size_t n = 0; n < std::size(kShardCounts); ++n) {
      fmt::print("| {} | {} |", data[d].name, kShardCounts[n]);
      for (const Result& r : results[d][n]) fmt::print(" {} |", r ? cell(*r) : "n/a");
      fmt::print("\n");
    }
  }
}

// Issue 3 item 6: shardplan's own predicted makespan over max(total/N, heaviest test +
// its file overhead), without job overhead.
void print_quality(const std::vector<Dataset>& data, double file_overhead) {
  fmt::print("\n| dataset | tests | files | total s |");
  for (const int n : kShardCounts) fmt::print(" N={} |", n);
  fmt::print("\n|---|--:|--:|--:|");
  for (std::size_t i = 0; i < std::size(kShardCounts); ++i) fmt::print("--:|");
  fmt::print("\n");
  std::vector<std::string> misses;
  for (const Dataset& d : data) {
    const CostModel cost{0, file_overhead};
    double total = 0, heaviest = 0;
    for (const Unit& u : d.suite.units)
      total += u.seconds, heaviest = std::max(heaviest, u.seconds);
    fmt::print("| {} | {} | {} | {:.0f} |", d.name, d.work.stats.known_tests, d.work.files.size(),
               total);
    for (const int n : kShardCounts) {
      auto plan = make_plan(d.work, PlanOptions{n, file_overhead, true});
      if (!plan) {
        fmt::print(" n/a |");
        continue;
      }
      const double ratio = plan->makespan / lower_bound(d.suite, n, cost);
      const double share = (total + file_overhead * static_cast<double>(d.suite.files.size())) / n;
      const bool applies = heaviest < share;
      fmt::print(" {:.3f}{} |", ratio, applies ? (ratio > 1.02 + 5e-4 ? " **miss**" : "") : " †");
      if (applies && ratio > 1.02 + 5e-4)
        misses.push_back(fmt::format("{} N={} ({:.3f})", d.name, n, ratio));
    }
    fmt::print("\n");
  }
  fmt::print(
      "\n† the heaviest single test (plus its file overhead) is at least total/N, so the bound "
      "is that test and the 1.02 target does not apply.\n");
  if (misses.empty()) {
    fmt::print(
        "\nTarget (≤ 1.02 wherever the heaviest test is below total/N): met in every applicable "
        "cell.\n");
  } else {
    fmt::print("\nTarget (≤ 1.02 wherever the heaviest test is below total/N) **missed** in: {}.\n",
               fmt::join(misses, ", "));
  }
}

// A stronger bound than the issue's, used only to explain cells above 1.02: of the N+1
// heaviest units (tests; untimed files), two share a shard, which then carries at least both
// plus one file overhead.
double pair_bound(const Suite& suite, int shards, double file_overhead) {
  const auto n = static_cast<std::size_t>(shards);
  if (suite.units.size() <= n) return 0;
  std::vector<double> seconds;
  for (const Unit& u : suite.units) seconds.push_back(u.seconds);
  std::nth_element(seconds.begin(), seconds.begin() + static_cast<std::ptrdiff_t>(n), seconds.end(),
                   std::greater<>());
  const double p_n1 = seconds[n];
  const double p_n =
      *std::min_element(seconds.begin(), seconds.begin() + static_cast<std::ptrdiff_t>(n));
  return p_n + p_n1 + file_overhead;
}

// Another bound the leaves out: with makespan M, a file of w test-seconds needs at least
// ceil(w / (M - overhead)) slices, each paying the file overhead, and the shards must carry that
// extra work too. The smallest M that satisfies M >= (total + extra overheads(M)) / N, found by
// iterating from the bound (the right side only falls as M grows).
double slice_bound(const Workload& work, int shards, double file_overhead, double start) {
  double m = start;
  for (int round = 0; round < 100; ++round) {
    double total = 0;
    for (const FileWork& file : work.files) {
      total += file.seconds + file_overhead;
      if (file.estimated || file.tests.size() < 2 || m <= file_overhead) continue;
      const double pieces = std::min(static_cast<double>(file.tests.size()),
                                     std::ceil(file.seconds / (m - file_overhead) - 1e-12));
      total += (std::max(1.0, pieces) - 1) * file_overhead;
    }
    const double next = total / shards;
    if (next <= m * (1 + 1e-12)) break;
    m = next;
  }
  return m;
}

// Beyond the five N of the issue: every N from 2 to 100, so a reader can see the planner is not
// fitted to those five. Per dataset: the cells where the target applies, their median and
// worst ratio, and every N above 1.02 with its ratio to the pair bound where that is higher.
void print_sweep(const std::vector<Dataset>& data, double file_overhead) {
  constexpr int kLast = 100;
  fmt::print(
      "\n**Every N from 2 to {}** (same ratio; cells where the heaviest test is below "
      "total/N; pair bound: of the N+1 heaviest tests two share a shard; slice bound: each file "
      "heavier than a shard is cut into enough slices and each slice pays the file overhead)\n\n"
      "| dataset | cells | median | worst (N) | mean shard at that N | N above 1.02 (ratio) |\n"
      "|---|--:|--:|--:|--:|---|\n",
      kLast);
  for (const Dataset& d : data) {
    const CostModel cost{0, file_overhead};
    double total = 0, heaviest = 0;
    for (const Unit& u : d.suite.units)
      total += u.seconds, heaviest = std::max(heaviest, u.seconds);
    std::vector<double> ratios;
    double worst = 0, worst_mean = 0;  // at the worst N: its ratio, and the mean shard's
    int worst_n = 0;
    std::vector<std::string> above;
    for (int n = 2; n <= kLast; ++n) {
      const double share = (total + file_overhead * static_cast<double>(d.suite.files.size())) / n;
      if (heaviest >= share) continue;
      auto plan = make_plan(d.work, PlanOptions{n, file_overhead, true});
      if (!plan) continue;
      const double ratio = plan->makespan / lower_bound(d.suite, n, cost);
      ratios.push_back(ratio);
      if (ratio > worst) {
        double sum = 0;
        for (const Shard& shard : plan->shards) sum += shard.predicted_seconds;
        worst = ratio, worst_n = n, worst_mean = sum / n / lower_bound(d.suite, n, cost);
      }
      if (ratio > 1.02 + 5e-4) {
        const double bound = lower_bound(d.suite, n, cost);
        const double pair = pair_bound(d.suite, n, file_overhead);
        const double sliced = slice_bound(d.work, n, file_overhead, bound);
        std::string why;
        if (pair > bound) why += fmt::format("; {:.3f} of the pair bound", plan->makespan / pair);
        if (sliced > bound * (1 + 1e-9))
          why += fmt::format("; {:.3f} of the slice bound", plan->makespan / sliced);
        above.push_back(fmt::format("{} ({:.3f}{})", n, ratio, why));
      }
    }
    if (ratios.empty()) {
      fmt::print("| {} | 0 | | | | |\n", d.name);
      continue;
    }
    std::sort(ratios.begin(), ratios.end());
    fmt::print("| {} | {} | {:.3f} | {:.3f} ({}) | {:.3f} | {} |\n", d.name, ratios.size(),
               ratios[ratios.size() / 2], worst, worst_n, worst_mean,
               above.empty() ? "none" : fmt::format("{}", fmt::join(above, ", ")));
  }
}

struct Options {
  CostModel cost;
  std::string anchor_dir;  // --anchor
  std::string export_dir;  // --export-units
  std::vector<std::string> dirs;
};

int run(const Options& options) {
  const CostModel& cost = options.cost;
  std::vector<Dataset> data;
  for (const std::string& dir : options.dirs) {
    auto d = load_dataset(dir);
    if (!d) return 1;
    data.push_back(std::move(*d));
  }
  if (!options.export_dir.empty()) {
    for (const Dataset& d : data) {
      if (!export_units(d, options.export_dir)) return 1;
    }
    return 0;
  }
  const auto algos = algorithms(cost.file_overhead, options.anchor_dir);
  Table results(data.size());
  for (std::size_t d = 0; d < data.size(); ++d) {
    for (const int n : kShardCounts) {
      auto& row = results[d].emplace_back();
      for (const Algorithm& a : algos) {
        const auto assignment = a.assign(data[d], n);
        row.push_back(assignment ? Result(evaluate(data[d].suite, *assignment, cost))
                                 : std::nullopt);
      }
    }
  }
  fmt::print(
      "### Quality of shardplan's own plans (issue 3, item 6)\n\n"
      "Predicted makespan over the lower bound max(total work / N, heaviest single test + "
      "its file overhead), file overhead {} s, no job overhead.\n",
      cost.file_overhead);
  print_quality(data, cost.file_overhead);
  print_sweep(data, cost.file_overhead);
  fmt::print(
      "\n### Against today's algorithms\n\n"
      "Every plan is charged the same cost model: {} s per job, plus {} s for every file "
      "each job imports, plus the recorded seconds of the tests it runs (untimed files: "
      "shardplan's estimate, for every algorithm). Lower bound = {} s + max(total work / N, "
      "heaviest test + {} s).\n",
      cost.job_overhead, cost.file_overhead, cost.job_overhead, cost.file_overhead);
  print_metric(
      data, algos, results, "Makespan over the lower bound (lower is better; 1.000 is optimal)",
      [](const Evaluation& e) { return fmt::format("{:.3f}", e.makespan / e.lower_bound); });
  print_metric(data, algos, results, "Total job-seconds (the CI bill; lower is better)",
               [](const Evaluation& e) { return fmt::format("{:.0f}", e.job_seconds); });
  print_metric(data, algos, results,
               "File imports: total (job, file) pairs / most jobs importing one file / empty jobs",
               [](const Evaluation& e) {
                 return fmt::format(
                     "{} / {}{}", e.imports, e.max_imports,
                     e.empty_jobs ? fmt::format(" / **{} empty**", e.empty_jobs) : "");
               });
  if (!options.anchor_dir.empty()) {
    print_anchor_agreement(data, options.anchor_dir);
  } else {
    fmt::print(
        "\nAll reference columns are clean-room re-implementations (bench/baselines.cc), not "
        "pytest-split's code: pass --anchor (scripts/bench.sh does) for the real anchor.\n");
  }
  return 0;
}

}  // namespace
}  // namespace shardplan::bench

int main(int argc, char** argv) {
  shardplan::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool valued = arg == "--job-overhead" || arg == "--file-overhead" || arg == "--anchor" ||
                        arg == "--export-units";
    if (valued && i + 1 >= argc) {
      options.dirs.clear();
      break;
    }
    if (arg == "--job-overhead" || arg == "--file-overhead") {
      (arg == "--job-overhead" ? options.cost.job_overhead : options.cost.file_overhead) =
          std::atof(argv[++i]);
    } else if (arg == "--anchor") {
      options.anchor_dir = argv[++i];
    } else if (arg == "--export-units") {
      options.export_dir = argv[++i];
    } else {
      options.dirs.push_back(arg);
    }
  }
  if (options.dirs.empty()) {
    std::fprintf(stderr,
                 "usage: bench_quality [--job-overhead S] [--file-overhead S] [--anchor DIR] "
                 "DATASET_DIR...\n       bench_quality --export-units DIR DATASET_DIR...\n");
    return 2;
  }
  return shardplan::bench::run(options);
}
