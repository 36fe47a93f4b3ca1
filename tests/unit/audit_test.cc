#include "core/verify/audit.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace shardplan {
namespace {

Plan two_shard_plan() {
  Plan plan;
  plan.shard_count = 2;
  Shard one;
  one.index = 1;
  one.files = {"a.py"};
  one.slices = {Slice{"big.py", 1, 2, true, 4, {"big.py::t1", "big.py::t2"}}};
  one.predicted_seconds = 10;
  Shard two;
  two.index = 2;
  two.files = {"b.py"};
  two.slices = {Slice{"big.py", 2, 2, false, 3, {"big.py::t3"}}};
  two.predicted_seconds = 12;
  plan.shards = {one, two};
  return plan;
}

JunitReport report(std::string source, std::vector<std::string> ids) {
  JunitReport out;
  out.source = std::move(source);
  int line = 1;
  for (const std::string& id : ids) out.add(id, 1.5, Outcome::passed, ++line, 5);
  return out;
}

// A file the plan does not know, and the shard the plugin runs it in.
const std::string kNewFile = "new_test.py";
const int kNewShard = shard_for_unknown_file(kNewFile, 2);

struct Reports {
  JunitReport one = report("r1.xml", {"a.py::x", "big.py::t1", "big.py::t2", "big.py::t_added"});
  JunitReport two = report("r2.xml", {"b.py::y", "big.py::t3"});
  JunitReport extra = report("new.xml", {kNewFile + "::t"});
  std::vector<std::vector<const JunitReport*>> by_shard() const {
    std::vector<std::vector<const JunitReport*>> out = {{&one}, {&two}};
    out[static_cast<std::size_t>(kNewShard - 1)].push_back(&extra);
    return out;
  }
};

TEST(Audit, ExactlyOnceInItsShardPasses) {
  const Reports run;
  const AuditReport report = audit_run(two_shard_plan(), run.by_shard());
  EXPECT_TRUE(report.ok());
  EXPECT_TRUE(report.not_run.empty() && report.ran_twice.empty() && report.wrong_shard.empty());
  ASSERT_EQ(report.shards.size(), 2u);
  EXPECT_EQ(report.shards[0].predicted, 10);
  EXPECT_EQ(report.shards[1].tests, kNewShard == 2 ? 3u : 2u);
  EXPECT_EQ(report.shards[1].measured, kNewShard == 2 ? 4.5 : 3.0);
}

TEST(Audit, MissingReportIsNamedWithWhatDidNotRun) {
  const Reports run;
  const AuditReport report = audit_run(two_shard_plan(), {{&run.one, &run.extra}, {}});
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.missing_reports, (std::vector<int>{2}));
  EXPECT_EQ(report.not_run, (std::vector<std::string>{"b.py (shard 2): no testcase of this file",
                                                      "big.py::t3 (shard 2, slice 2/2)"}));
}

TEST(Audit, TestThatRanTwiceIsListedWithBothPlaces) {
  Reports run;
  run.two.cases.push_back({"a.py::x", 2, Outcome::passed, 9, 5});
  const AuditReport report = audit_run(two_shard_plan(), run.by_shard());
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.ran_twice,
            (std::vector<std::string>{"a.py::x: shard 1 (r1.xml:2:5), shard 2 (r2.xml:9:5)"}));
  EXPECT_EQ(report.wrong_shard,
            (std::vector<std::string>{
                "a.py::x ran in shard 2 (r2.xml:9:5); the plan runs it in shard 1"}));
}

TEST(Audit, DeselectedSliceTestDidNotRun) {
  Reports run;
  run.one.cases.erase(run.one.cases.begin() + 2);  // big.py::t2
  const AuditReport report = audit_run(two_shard_plan(), run.by_shard());
  EXPECT_EQ(report.not_run, (std::vector<std::string>{"big.py::t2 (shard 1, slice 1/2)"}));
}

TEST(Audit, UnlistedTestMustRunInTheOwnerSlice) {
  Reports run;
  run.one.cases.pop_back();  // big.py::t_added moves to shard 2, which is not the owner
  run.two.cases.push_back({"big.py::t_added", 1, Outcome::passed, 7, 5});
  const AuditReport report = audit_run(two_shard_plan(), run.by_shard());
  EXPECT_EQ(report.wrong_shard,
            (std::vector<std::string>{
                "big.py::t_added ran in shard 2 (r2.xml:7:5); the plan runs it in shard 1"}));
}

TEST(Audit, UnknownFileMustRunInItsHashShard) {
  Reports run;
  const int other = kNewShard == 1 ? 2 : 1;
  std::vector<std::vector<const JunitReport*>> by_shard = {{&run.one}, {&run.two}};
  by_shard[static_cast<std::size_t>(other - 1)].push_back(&run.extra);
  const AuditReport report = audit_run(two_shard_plan(), by_shard);
  EXPECT_EQ(report.wrong_shard,
            (std::vector<std::string>{
                fmt::format("{}::t ran in shard {} (new.xml:2:5); the plan runs it in shard {}",
                            kNewFile, other, kNewShard)}));
}

TEST(Audit, DeletedFilesAndTestsAreNotRequired) {
  Reports run;
  run.one.cases = {run.one.cases[1], run.one.cases[3]};  // a.py and big.py::t2 did not run
  const std::vector<std::string> universe = {"b.py", "big.py", kNewFile};
  const std::vector<std::string> collected = {"big.py::t1", "big.py::t3", "big.py::t_added"};
  EXPECT_TRUE(audit_run(two_shard_plan(), run.by_shard(), AuditScope{&universe, &collected}).ok());
  EXPECT_FALSE(audit_run(two_shard_plan(), run.by_shard(), AuditScope{&universe, nullptr}).ok());
}

TEST(Audit, CollectionErrorOfASlicedFileMayShowInEverySliceShard) {
  const JunitReport one = report("r1.xml", {"a.py::x", "big.py"});
  const JunitReport two = report("r2.xml", {"b.py::y", "big.py"});
  const std::vector<std::string> collected = {"a.py::x", "b.py::y"};
  const AuditReport result =
      audit_run(two_shard_plan(), {{&one}, {&two}}, AuditScope{nullptr, &collected});
  EXPECT_TRUE(result.ok()) << (result.ran_twice.empty() ? "" : result.ran_twice[0]);
}

TEST(Audit, UnresolvedTestcasesFailTheAudit) {
  Reports run;
  run.two.unresolved = 3;
  const AuditReport report = audit_run(two_shard_plan(), run.by_shard());
  EXPECT_EQ(report.unresolved, 3u);
  EXPECT_FALSE(report.ok());
}

}  // namespace
}  // namespace shardplan
