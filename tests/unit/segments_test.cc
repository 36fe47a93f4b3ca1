// Project configuration: named segments in shardplan.toml or [tool.shardplan] (docs/segments.md).
#include "core/plan/segments.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

constexpr const char* kToml = R"(durations = "ci/.test_durations"

[segments.unit]
include = ["tests/unit"]
exclude = ["tests/unit/slow_*"]
pytest-args = ["-m", "not slow"]
shards = 4
file-overhead = 0.5

[segments.integration]
include = "tests/integration"
durations = "ci/integration.durations"
shards = "auto"
target = "15m"
shard-overhead = 30
)";

TEST(Segments, ReadsEverySettingAndSortsByName) {
  auto config = parse_project_config(kToml, "/repo/shardplan.toml", false);
  ASSERT_TRUE(config.ok()) << config.error().format();
  EXPECT_EQ(config->root, "/repo");
  EXPECT_EQ(config->durations, "ci/.test_durations");
  ASSERT_EQ(config->segments.size(), 2u);
  const Segment& integration = config->segments[0];
  EXPECT_EQ(integration.name, "integration");
  EXPECT_EQ(integration.include, std::vector<std::string>{"tests/integration"});
  EXPECT_FALSE(integration.shards.has_value());  // auto
  EXPECT_EQ(integration.target_seconds, 900.0);
  EXPECT_EQ(integration.shard_overhead, 30.0);
  EXPECT_EQ(integration.line, 10);
  EXPECT_EQ(integration.durations, "ci/integration.durations");
  const Segment& unit = config->segments[1];
  EXPECT_EQ(unit.shards, 4);
  EXPECT_EQ(unit.pytest_args, (std::vector<std::string>{"-m", "not slow"}));
  EXPECT_EQ(unit.exclude, std::vector<std::string>{"tests/unit/slow_*"});
  EXPECT_EQ(unit.file_overhead, 0.5);
  EXPECT_FALSE(unit.target_seconds.has_value());
  auto found = find_segment(*config, "unit");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->name, "unit");
  auto missing = find_segment(*config, "e2e");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().format(),
            "/repo/shardplan.toml: no segment e2e (the segments are: integration, unit)");
}

TEST(Segments, PyprojectReadsOnlyItsToolTable) {
  auto config = parse_project_config(
      "[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n\n"
      "[tool.shardplan.segments.all]\nshards = 2\n",
      "pyproject.toml", true);
  ASSERT_TRUE(config.ok()) << config.error().format();
  EXPECT_EQ(config->source, "pyproject.toml");
  ASSERT_EQ(config->segments.size(), 1u);
  EXPECT_EQ(config->segments[0].shards, 2);
  auto without = parse_project_config("[tool.pytest.ini_options]\n", "pyproject.toml", true);
  ASSERT_TRUE(without.ok());
  EXPECT_TRUE(without->source.empty());  // not configured there
}

struct BadConfig {
  const char* text;
  const char* message;
};

class SegmentErrors : public testing::TestWithParam<BadConfig> {};

TEST_P(SegmentErrors, NameThePlaceAndTheFix) {
  auto config = parse_project_config(GetParam().text, "shardplan.toml", false);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().format(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SegmentErrors,
    testing::Values(
        BadConfig{"[segments.a]\nshards = 0\n",
                  "shardplan.toml:2:10: shards must be a whole number from 1 to 10000, or "
                  "\"auto\" (then give target, the wall-clock goal, e.g. target = \"15m\")"},
        BadConfig{"[segments.a]\nshards = \"auto\"\n",
                  "shardplan.toml:1:1: segment a has shards = \"auto\" but no target: add the "
                  "wall-clock goal, e.g. target = \"15m\""},
        BadConfig{"[segments.a]\ninclude = [1]\n",
                  "shardplan.toml:2:12: every entry of include must be a string"},
        BadConfig{"[segments.a]\nshard = 3\n",
                  "shardplan.toml:2:9: unknown key shard in segment a; the keys are: include, "
                  "exclude, pytest-args, shards, target, file-overhead, shard-overhead, "
                  "durations"},
        BadConfig{"[segments.a]\ntarget = \"15 minutes\"\n",
                  "shardplan.toml:2:10: target: '15 minutes' is not a duration; write e.g. 900, "
                  "90s, 15m or 1h30m"},
        BadConfig{"[segments.\"a b\"]\nshards = 2\n",
                  "shardplan.toml:1:1: segment name \"a b\": use letters, digits, '-', '_' and "
                  "'.' only (it names CI jobs and goes on command lines)"},
        BadConfig{"segment = 1\n",
                  "shardplan.toml:1:11: unknown key segment; the keys are: durations, segments "
                  "(segments go in [segments.NAME])"},
        BadConfig{"[segments\n",
                  "shardplan.toml:1:10: invalid TOML: Error while parsing table header: expected "
                  "']', saw '\\n'; fix the syntax (TOML readers cannot read this file either)"}));

TEST(Segments, FoundHereOrAboveAsPytestFindsItsConfig) {
  MemoryFileSystem fs;
  fs.set_current_directory("");  // relative paths stay relative: the walk is lexical
  fs.add_dir("sub/deeper");
  fs.add_file("sub/pyproject.toml", "[project]\nname = \"x\"\n");  // no [tool.shardplan]
  fs.add_file("shardplan.toml", "[segments.all]\nshards = 3\n");
  fs.add_file("pyproject.toml", "[tool.shardplan.segments.other]\nshards = 2\n");
  auto config = find_project_config(fs, "sub/deeper");
  ASSERT_TRUE(config.ok()) << config.error().format();
  EXPECT_EQ(config->source, "shardplan.toml");  // named as the user would
  ASSERT_EQ(config->segments.size(), 1u);
  EXPECT_EQ(config->segments[0].name, "all");  // shardplan.toml first in its directory
  MemoryFileSystem empty;
  auto none = find_project_config(empty, ".");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->source.empty());
  EXPECT_FALSE(find_segment(*none, "all").ok());
}

}  // namespace
}  // namespace shardplan
