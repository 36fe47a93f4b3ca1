// Speed of the planning pipeline on generated suites, split into its stages so the balance
// between reading and planning is visible: parse (.test_durations text -> Timings), workload
// (files from the timings + per-file work), plan (make_plan), emit (plan JSON), and all four.
// Arguments: tests, files[, shards].
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <utility>

#include "core/emit/plan_json.h"
#include "core/plan/planner.h"
#include "core/plan/workload.h"
#include "core/timings/durations.h"
#include "synthetic.h"

namespace shardplan::bench {
namespace {

struct Prepared {
  std::string text;
  Timings timings;
  Workload work;
};

// Suites are generated once per size and shared by every benchmark that uses that size.
const Prepared& prepared(std::size_t tests, std::size_t files) {
  static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<Prepared>> cache;
  auto& slot = cache[{tests, files}];
  if (!slot) {
    slot = std::make_unique<Prepared>();
    SyntheticSuite suite = make_suite(tests, files);
    slot->text = to_durations_json(suite.timings);
    slot->timings = std::move(suite.timings);
    slot->work = build_workload(files_in_timings(slot->timings), &slot->timings);
  }
  return *slot;
}

std::size_t arg(const benchmark::State& state, int index) {
  return static_cast<std::size_t>(state.range(index));
}

void label(benchmark::State& state, std::size_t tests) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * tests));
  state.counters["tests"] = static_cast<double>(tests);
}

void BM_Parse(benchmark::State& state) {
  const Prepared& input = prepared(arg(state, 0), arg(state, 1));
  for (auto _ : state) {
    auto timings = parse_durations(input.text, "bench.json");
    benchmark::DoNotOptimize(timings);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.text.size()));
  label(state, arg(state, 0));
}

void BM_Workload(benchmark::State& state) {
  const Prepared& input = prepared(arg(state, 0), arg(state, 1));
  for (auto _ : state) {
    Workload work = build_workload(files_in_timings(input.timings), &input.timings);
    benchmark::DoNotOptimize(work);
  }
  label(state, arg(state, 0));
}

void BM_Plan(benchmark::State& state) {
  const Prepared& input = prepared(arg(state, 0), arg(state, 1));
  const PlanOptions options{static_cast<int>(state.range(2))};
  double ratio = 0;
  for (auto _ : state) {
    auto plan = make_plan(input.work, options);
    if (!plan) {
      state.SkipWithError(plan.error().message.c_str());
      return;
    }
    ratio = plan->makespan / plan->lower_bound;
    benchmark::DoNotOptimize(plan);
  }
  label(state, arg(state, 0));
  state.counters["makespan_over_lb"] = ratio;
}

void BM_Emit(benchmark::State& state) {
  const Prepared& input = prepared(arg(state, 0), arg(state, 1));
  const auto plan = make_plan(input.work, PlanOptions{static_cast<int>(state.range(2))});
  for (auto _ : state) {
    auto json = plan_to_json(*plan);
    benchmark::DoNotOptimize(json);
  }
  label(state, arg(state, 0));
}

// What `shardplan plan --files-from-timings` does between reading the file and writing it.
void BM_All(benchmark::State& state) {
  const Prepared& input = prepared(arg(state, 0), arg(state, 1));
  const PlanOptions options{static_cast<int>(state.range(2))};
  for (auto _ : state) {
    auto timings = parse_durations(input.text, "bench.json");
    const Workload work = build_workload(files_in_timings(*timings), &*timings);
    auto json = plan_to_json(*make_plan(work, options));
    benchmark::DoNotOptimize(json);
  }
  label(state, arg(state, 0));
}

// Growth with tests (files = tests / 10, 38 shards; 500 at the 1M size, as in the target).
// 300k / 30k / 38 is left out: its improvement pass takes minutes (see docs/benchmarks.md).
void size_args(benchmark::internal::Benchmark* b) {
  for (const std::int64_t tests : {1'000, 10'000, 30'000, 100'000}) {
    b->Args({tests, tests / 10, 38});
  }
  b->Args({1'000'000, 100'000, 500});
}

// Growth with shards at a fixed 30k tests / 3k files. (Larger sizes at few shards take
// seconds to minutes per iteration today; see docs/benchmarks.md.)
void shard_args(benchmark::internal::Benchmark* b) {
  for (const std::int64_t shards : {4, 16, 38, 100, 500, 2000}) b->Args({30'000, 3'000, shards});
}

void parse_args(benchmark::internal::Benchmark* b) {
  for (const std::int64_t tests : {1'000, 10'000, 30'000, 100'000, 300'000, 1'000'000}) {
    b->Args({tests, tests / 10});
  }
  b->Args({1'000'000, 1'000});  // the same tests in far fewer, far bigger files
}

BENCHMARK(BM_Parse)->Apply(parse_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Workload)->Apply(parse_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan)->Apply(size_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan)->Name("BM_PlanShards")->Apply(shard_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Plan)
    ->Name("BM_PlanFewFiles")
    ->Args({1'000'000, 1'000, 500})
    ->Args({100'000, 100, 38})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Emit)->Apply(size_args)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_All)->Apply(size_args)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shardplan::bench

BENCHMARK_MAIN();
