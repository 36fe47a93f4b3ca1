"""Behaviour of the shardplan pytest plugin, one test per behaviour.

Every test builds a tiny project with `pytester`, writes a hand-made plan and runs pytest in
process with `-p shardplan_pytest`, then looks at the node ids that ran.
"""

import json

import pytest

import shardplan_pytest

DIGEST = "fnv1a64:00000000000000aa"


def plan_json(shards, *, shard_count=None, version=1):
    """A version-1 plan. `shards` is a list of (files, slices); a slice is (file, owner, ids)."""
    return {
        "shardplan_plan": version,
        "shard_count": len(shards) if shard_count is None else shard_count,
        "lower_bound_seconds": 1.0,
        "makespan_seconds": 1.0,
        "file_overhead_seconds": 0.25,
        "estimated": False,
        "universe": {"files": 0, "digest": "fnv1a64:0000000000000000"},
        "inputs_digest": DIGEST,
        "stats": {"timed_files": 0, "estimated_files": 0, "stale_entries": 0,
                  "skipped_invalid": 0, "known_tests": 0},
        "scope": {"source": "walk", "config": "", "root_from_config": ".", "paths": [],
                  "include": [], "exclude": []},
        "shards": [
            {"index": i, "predicted_seconds": 1.0, "files": sorted(files),
             "slices": [{"file": f, "slice": n, "of": len(slices), "owner": owner,
                         "predicted_seconds": 0.5, "tests": sorted(ids)}
                        for n, (f, owner, ids) in enumerate(slices, 1)]}
            for i, (files, slices) in enumerate(shards, 1)
        ],
    }


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\n")
    return pytester


def write_plan(pytester, plan):
    path = pytester.path / "plan.json"
    text = plan if isinstance(plan, str) else json.dumps(plan, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def run_shard(pytester, plan_path, shard, *args):
    """Runs one shard in process; returns (sorted node ids that ran, HookRecorder)."""
    reprec = pytester.inline_run("-p", "shardplan_pytest", "--shardplan=%s" % plan_path,
                                 "--shardplan-shard=%d" % shard, *args)
    passed, skipped, failed = reprec.listoutcomes()
    assert not failed, [r.nodeid for r in failed]
    return sorted(r.nodeid for r in passed + skipped), reprec


def collected_ids(pytester):
    """Node ids pytest collects without the plugin (a clean in-process session)."""
    reprec = pytester.inline_run("--collect-only")
    return sorted(i.nodeid for i in reprec.getcall("pytest_collection_finish").session.items)


def ran_in(nodeids, file):
    return [n for n in nodeids if n.split("::")[0] == file]


# --- whole files ------------------------------------------------------------------------------


def test_whole_files_run_only_in_their_shard(project):
    project.makepyfile(test_a="def test_1(): pass\ndef test_2(): pass\n",
                       test_b="def test_1(): pass\n",
                       test_c="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["test_a.py"], []), (["test_b.py", "test_c.py"], [])]))

    first, _ = run_shard(project, plan, 1)
    second, _ = run_shard(project, plan, 2)

    assert first == ["test_a.py::test_1", "test_a.py::test_2"]
    assert second == ["test_b.py::test_1", "test_c.py::test_1"]


def test_file_of_another_shard_is_never_imported(project):
    project.makepyfile(test_mine="def test_ok(): pass\n",
                       test_theirs="raise RuntimeError('imported in the wrong shard')\n")
    plan = write_plan(project, plan_json([(["test_mine.py"], []), (["test_theirs.py"], [])]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.assert_outcomes(passed=1)
    assert result.ret == 0
    assert "wrong shard" not in result.stdout.str()


def test_files_in_subdirectories_use_root_relative_posix_paths(project):
    project.mkpydir("pkg")
    (project.path / "pkg" / "test_deep.py").write_text("def test_x(): pass\n")
    (project.path / "plain").mkdir()
    (project.path / "plain" / "test_flat.py").write_text("def test_y(): pass\n")
    plan = write_plan(project, plan_json([(["pkg/test_deep.py"], []),
                                          (["plain/test_flat.py"], [])]))

    assert run_shard(project, plan, 1)[0] == ["pkg/test_deep.py::test_x"]
    assert run_shard(project, plan, 2)[0] == ["plain/test_flat.py::test_y"]


def test_other_shards_file_named_on_command_line_is_deselected(project):
    project.makepyfile(test_a="def test_1(): pass\n", test_b="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["test_a.py"], []), (["test_b.py"], [])]))

    ran, reprec = run_shard(project, plan, 1, "test_a.py", "test_b.py")

    assert ran == ["test_a.py::test_1"]
    assert [i.nodeid for i in reprec.getcall("pytest_deselected").items] == ["test_b.py::test_1"]


def test_conftest_and_non_test_modules_are_not_judged(project):
    project.makeconftest("import helper\n")
    project.makepyfile(helper="VALUE = 1\n",
                       test_a="import helper\ndef test_1(): assert helper.VALUE == 1\n")
    # helper.py and conftest.py are unknown to the plan; whatever their hash shard, they load.
    plan = write_plan(project, plan_json([([], []), (["test_a.py"], []), ([], [])]))

    assert run_shard(project, plan, 2)[0] == ["test_a.py::test_1"]
    for shard in (1, 3):
        assert run_shard(project, plan, shard)[0] == []


def test_python_files_ini_patterns_decide_what_is_a_test_module(project):
    project.makeini("[pytest]\npython_files = check_*.py\n")
    project.makepyfile(check_a="def test_1(): pass\n", check_b="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["check_a.py"], []), (["check_b.py"], [])]))

    assert run_shard(project, plan, 1)[0] == ["check_a.py::test_1"]
    assert run_shard(project, plan, 2)[0] == ["check_b.py::test_1"]


# --- slices -----------------------------------------------------------------------------------

BIG = """
import pytest

class TestA:
    def test_x(self): pass
    def test_y(self): pass

@pytest.mark.parametrize("n", [1, 2, 3])
def test_p(n): pass
"""


def test_slices_split_a_file_by_node_id(project):
    project.makepyfile(test_big=BIG)
    slices1 = [("test_big.py", True, ["test_big.py::TestA::test_x", "test_big.py::test_p[1]"])]
    slices2 = [("test_big.py", False, ["test_big.py::TestA::test_y", "test_big.py::test_p[2]",
                                       "test_big.py::test_p[3]"])]
    plan = write_plan(project, plan_json([([], slices1), ([], slices2)]))

    first, reprec = run_shard(project, plan, 1)
    second, _ = run_shard(project, plan, 2)

    assert first == ["test_big.py::TestA::test_x", "test_big.py::test_p[1]"]
    assert second == ["test_big.py::TestA::test_y", "test_big.py::test_p[2]",
                      "test_big.py::test_p[3]"]
    assert len(reprec.getcall("pytest_deselected").items) == 3


def test_tests_no_slice_lists_run_only_in_the_owner_slice(project):
    project.makepyfile(test_big=BIG + "\ndef test_new(): pass\n")
    slices1 = [("test_big.py", False, ["test_big.py::TestA::test_x", "test_big.py::test_p[1]"])]
    slices2 = [("test_big.py", True, ["test_big.py::TestA::test_y", "test_big.py::test_p[2]"])]
    # test_p[3] and test_new are unknown to the plan: only the owner (shard 2) runs them.
    plan = write_plan(project, plan_json([([], slices1), ([], slices2)]))

    first, _ = run_shard(project, plan, 1)
    second, _ = run_shard(project, plan, 2)

    assert first == ["test_big.py::TestA::test_x", "test_big.py::test_p[1]"]
    assert second == ["test_big.py::TestA::test_y", "test_big.py::test_new",
                      "test_big.py::test_p[2]", "test_big.py::test_p[3]"]


def test_listed_tests_that_no_longer_exist_are_counted_not_errors(project):
    project.makepyfile(test_big=BIG)
    slices1 = [("test_big.py", True, ["test_big.py::TestA::test_x", "test_big.py::test_gone",
                                      "test_big.py::test_p[9]"])]
    slices2 = [("test_big.py", False, ["test_big.py::TestA::test_y", "test_big.py::test_old"])]
    plan = write_plan(project, plan_json([([], slices1), ([], slices2)]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.assert_outcomes(passed=4)  # test_x plus the unlisted test_p[1..3]
    result.stdout.fnmatch_lines(["shardplan: shard 1/2, plan %s, 0 files, 1 slices, "
                                 "2 listed tests not found" % DIGEST])


def test_sliced_file_that_was_deleted_counts_all_its_tests_as_gone(project):
    project.makepyfile(test_a="def test_1(): pass\n")
    slices = [("test_removed.py", True, ["test_removed.py::test_1", "test_removed.py::test_2"])]
    plan = write_plan(project, plan_json([(["test_a.py"], slices)]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 files, 1 slices, 2 listed tests not found"])


def test_file_only_sliced_on_other_shards_is_ignored(project):
    project.makepyfile(test_big="raise RuntimeError('imported in the wrong shard')\n",
                       test_a="def test_1(): pass\n")
    slices = [("test_big.py", True, ["test_big.py::test_1"])]
    plan = write_plan(project, plan_json([(["test_a.py"], []), ([], slices)]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    assert result.ret == 0
    result.assert_outcomes(passed=1)


# --- awkward node ids -------------------------------------------------------------------------

AWKWARD = """
import pytest

LABELS = ["a b", "x::y", "ünï", "[br]"]

class TestX:
    @pytest.mark.parametrize("n", [1, 2])
    @pytest.mark.parametrize("label", LABELS, ids=LABELS)
    def test_y(self, label, n):
        pass

def test_grüße():
    pass
"""


@pytest.mark.parametrize("escaping", ["default", "disabled"])
def test_awkward_node_ids_are_matched_exactly(project, escaping):
    if escaping == "disabled":
        project.makeini("[pytest]\n"
                        "disable_test_id_escaping_and_forfeit_all_rights_to_community_support"
                        " = true\n")
    project.makepyfile(test_odd=AWKWARD)
    collected = collected_ids(project)
    assert "test_odd.py::TestX::test_y[x::y-1]" in collected
    assert "test_odd.py::test_grüße" in collected
    assert ("test_odd.py::TestX::test_y[ünï-2]" in collected) == (escaping == "disabled")
    mine = [n for n in collected if "[br]" in n or "x::y" in n or "n\\xef" in n or "ünï" in n]
    theirs = [n for n in collected if n not in mine]
    plan = write_plan(project, plan_json([([], [("test_odd.py", False, mine)]),
                                          ([], [("test_odd.py", True, theirs)])]))

    assert run_shard(project, plan, 1)[0] == sorted(mine)
    assert run_shard(project, plan, 2)[0] == sorted(theirs)
    assert len(mine) == 6 and len(theirs) == 3


# --- files the plan does not know -------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("", 0xCBF29CE484222325),
    ("a", 0xAF63DC4C8601EC8C),
    ("foobar", 0x85944171F73967E8),
])
def test_fnv1a64_reference_vectors(text, expected):
    assert shardplan_pytest.fnv1a64(text) == expected


def test_fnv1a64_hashes_utf8_bytes():
    expected = 0xCBF29CE484222325
    for byte in "ü".encode("utf-8"):
        expected = ((expected ^ byte) * 0x100000001B3) % 2 ** 64
    assert shardplan_pytest.fnv1a64("ü") == expected


def test_unknown_files_run_exactly_once_in_their_hash_shard(project):
    names = ["test_new_%d" % i for i in range(12)]
    project.makepyfile(test_known="def test_1(): pass\n",
                       **{name: "def test_1(): pass\n" for name in names})
    project.mkdir("sub")
    (project.path / "sub" / "test_ünï.py").write_text("def test_1(): pass\n", encoding="utf-8")
    count = 3
    plan = write_plan(project, plan_json([(["test_known.py"], []), ([], []), ([], [])]))

    ran = {shard: run_shard(project, plan, shard)[0] for shard in range(1, count + 1)}

    unknown = [name + ".py" for name in names] + ["sub/test_ünï.py"]
    for path in unknown:
        shards = [s for s in ran if ran_in(ran[s], path)]
        assert shards == [shardplan_pytest.fnv1a64(path) % count + 1], path
    assert sorted(len(ran[s]) for s in ran) != [0, 0, 14]  # the hash does spread them
    assert sum(len(r) for r in ran.values()) == 1 + len(unknown)


def test_summary_mentions_unplanned_files(project):
    project.makepyfile(test_a="def test_1(): pass\n")
    plan = write_plan(project, plan_json([([], [])]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["shardplan: shard 1/1, plan %s, 0 files, 0 slices, "
                                 "0 listed tests not found, 1 unplanned files" % DIGEST])


# --- reporting and inactivity -----------------------------------------------------------------


def test_header_names_the_shard_and_the_plan_digest(project):
    project.makepyfile(test_a="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["test_a.py"], []), ([], [])]))

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.stdout.fnmatch_lines([
        "shardplan: shard 1/2, plan %s, 1 files, 0 slices" % DIGEST,
        "*",
        "shardplan: shard 1/2, plan %s, 1 files, 0 slices, 0 listed tests not found" % DIGEST,
    ])


def test_summary_line_is_printed_in_quiet_mode(project):
    project.makepyfile(test_a="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["test_a.py"], [])]))

    result = project.runpytest("-q", "-p", "shardplan_pytest", "--shardplan=%s" % plan,
                               "--shardplan-shard=1")

    result.stdout.fnmatch_lines(["shardplan: shard 1/1, plan %s, *" % DIGEST])


def test_without_options_the_plugin_does_nothing(project):
    project.makepyfile(test_a="def test_1(): pass\n", test_b="def test_1(): pass\n")

    result = project.runpytest("-p", "shardplan_pytest")

    result.assert_outcomes(passed=2)
    assert "shardplan" not in result.stdout.str()
    assert not list(project.path.glob("*.json"))


# --- bad plans ---------------------------------------------------------------------------------


def run_expecting_usage_error(pytester, plan, *options):
    path = write_plan(pytester, plan)
    result = pytester.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % path, *options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    return result.stderr.str()


@pytest.mark.parametrize("plan, shard, message", [
    (plan_json([([], [])], version=2), 1,
     "unsupported plan version 2 (this plugin reads version 1)"),
    (plan_json([([], [])], version="1"), 1,
     'unsupported plan version "1" (this plugin reads version 1)'),
    (plan_json([([], []), ([], [])]), 3, "--shardplan-shard=3 is outside 1..2"),
    (plan_json([([], []), ([], [])]), 0, "--shardplan-shard=0 is outside 1..2"),
    (plan_json([([], []), ([], [])], shard_count=3), 1,
     "shard_count is 3 but the plan lists 2 shards"),
    ("{\"shardplan_plan\": 1,", 1, "not a valid JSON plan: "),
    ("[1, 2]", 1, "the plan must be a JSON object"),
    (plan_json([([], [("test_a.py", False, ["test_a.py::t"])]),
                ([], [("test_a.py", False, ["test_a.py::u"])])]), 1,
     "sliced file test_a.py has 0 owner slices, expected exactly 1"),
], ids=["version 2", "version string", "shard too big", "shard zero", "count mismatch",
        "invalid JSON", "not an object", "no owner"])
def test_bad_plan_is_a_usage_error(project, plan, shard, message):
    project.makepyfile(test_a="def test_1(): pass\n")

    stderr = run_expecting_usage_error(project, plan, "--shardplan-shard=%d" % shard)

    assert "ERROR: shardplan: " in stderr
    assert message in stderr


def test_missing_plan_file_is_a_usage_error(project):
    result = project.runpytest("-p", "shardplan_pytest", "--shardplan=nowhere.json",
                               "--shardplan-shard=1")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*shardplan: nowhere.json: cannot read the plan: *"])


def test_plan_without_shard_number_is_a_usage_error(project):
    stderr = run_expecting_usage_error(project, plan_json([([], [])]))

    assert "shardplan: --shardplan needs --shardplan-shard=I" in stderr


# --- durations ----------------------------------------------------------------------------------

TIMED = """
import time
import pytest

@pytest.fixture
def slow_fixture():
    time.sleep(0.05)
    yield
    time.sleep(0.05)

def test_phases(slow_fixture):
    time.sleep(0.05)

@pytest.mark.parametrize("x", ["a b", "x::y"])
def test_fast(x):
    pass
"""


def test_store_durations_writes_sorted_indented_json(project):
    project.makepyfile(test_t=TIMED)

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json")

    result.assert_outcomes(passed=3)
    text = (project.path / "d.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, sort_keys=True, indent=4) + "\n"
    assert sorted(data) == ["test_t.py::test_fast[a b]", "test_t.py::test_fast[x::y]",
                            "test_t.py::test_phases"]
    assert data["test_t.py::test_phases"] >= 0.15  # setup + call + teardown
    assert all(isinstance(v, float) for v in data.values())
    assert [p.name for p in project.path.iterdir() if p.name.startswith(".shardplan-")] == []


def test_store_durations_merges_into_existing_file(project):
    project.makepyfile(test_t=TIMED)
    old = {"test_other.py::test_kept": 1.5, "test_t.py::test_phases": 99.0}
    (project.path / "d.json").write_text(json.dumps(old))

    project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json", "-k", "phases")

    data = json.loads((project.path / "d.json").read_text())
    assert data["test_other.py::test_kept"] == 1.5
    assert 0.15 <= data["test_t.py::test_phases"] < 99.0
    assert sorted(data) == ["test_other.py::test_kept", "test_t.py::test_phases"]


def test_store_durations_replaces_unreadable_file(project):
    project.makepyfile(test_t="def test_1(): pass\n")
    (project.path / "d.json").write_text("not json")

    result = project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json")

    result.stdout.fnmatch_lines(["shardplan: could not read *d.json*; replaced it"])
    assert sorted(json.loads((project.path / "d.json").read_text())) == ["test_t.py::test_1"]


def test_store_durations_only_records_tests_of_this_shard(project):
    project.makepyfile(test_a="def test_1(): pass\n", test_b="def test_1(): pass\n")
    plan = write_plan(project, plan_json([(["test_a.py"], []), (["test_b.py"], [])]))

    project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan, "--shardplan-shard=2",
                      "--shardplan-store-durations=d.json")

    assert sorted(json.loads((project.path / "d.json").read_text())) == ["test_b.py::test_1"]
