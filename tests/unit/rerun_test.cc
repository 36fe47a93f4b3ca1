#include "core/verify/rerun.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

JunitReport report(std::vector<JunitCase> cases) {
  JunitReport out;
  out.source = "r.xml";
  out.cases = std::move(cases);
  return out;
}

TEST(Rerun, FailuresAndErrorsSortedOnce) {
  const auto items = failed_tests({report({{"b.py::t", 1, Outcome::failed, 1, 1},
                                           {"a.py::ok", 1, Outcome::passed, 1, 1},
                                           {"a.py::skip", 1, Outcome::skipped, 1, 1},
                                           {"a.py::err", 2, Outcome::error, 1, 1}}),
                                   report({{"c.py::t[x y]", 3, Outcome::failed, 1, 1}})});
  EXPECT_EQ(items, (std::vector<RerunItem>{{"a.py::err", 2}, {"b.py::t", 1}, {"c.py::t[x y]", 3}}));
}

TEST(Rerun, CollectionErrorYieldsTheWholeFile) {
  const auto items = failed_tests(
      {report({{"a.py", 0.5, Outcome::error, 1, 1}}),
       report({{"a.py::t", 1, Outcome::failed, 1, 1}, {"b.py::t", 1, Outcome::failed, 1, 1}})});
  EXPECT_EQ(items, (std::vector<RerunItem>{{"a.py", 0.5}, {"b.py::t", 1}}));
}

TEST(Rerun, PartsKeepFilesTogetherAndCoverEverythingOnce) {
  const std::vector<RerunItem> items = {
      {"a.py::1", 5}, {"a.py::2", 5}, {"b.py::1", 4}, {"c.py::1", 3}, {"d.py::1", 3}};
  const auto one = rerun_part(items, 2, 1);
  const auto two = rerun_part(items, 2, 2);
  EXPECT_EQ(one, (std::vector<RerunItem>{{"a.py::1", 5}, {"a.py::2", 5}}));
  EXPECT_EQ(two, (std::vector<RerunItem>{{"b.py::1", 4}, {"c.py::1", 3}, {"d.py::1", 3}}));
  EXPECT_EQ(rerun_part(items, 3, 3), (std::vector<RerunItem>{{"c.py::1", 3}, {"d.py::1", 3}}));
  EXPECT_TRUE(rerun_part({}, 2, 1).empty());
}

}  // namespace
}  // namespace shardplan
