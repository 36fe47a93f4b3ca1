"""The promise, end to end with real pytest: every item pytest collects runs in exactly one shard,
whatever collected it and however its id is written, and a plan's scope is exactly what runs.

Each test proves it twice: from pytest's own collection of every shard (`--collect-only` through
`shardplan run`), whose union must be the full collection of the scope with each item once, and,
where the run matters, from the shards' JUnit reports with `shardplan audit`.
"""
import json
import os
import re
import subprocess

import pytest

from conftest import PYTHON, collect, shardplan

PYTEST = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider"]


def shard_ids(root, plan, shard, *pytest_args, cwd=None):
    """Node ids pytest collects for one shard (through `shardplan run`), whatever their prefix."""
    def through_run(command):
        return shardplan("run", "--plan", plan, "--shard", shard, "--", *command, cwd=cwd or root,
                         check=False)
    return collect(cwd or root, *pytest_args, runner=through_run, prefix="")


def union_of_shards(root, plan, shards, *pytest_args, cwd=None):
    every = []
    per_shard = []
    for shard in range(1, shards + 1):
        ids = shard_ids(root, plan, shard, *pytest_args, cwd=cwd)
        assert ids, "shard %d collected nothing" % shard
        per_shard.append(ids)
        every.extend(ids)
    return every, per_shard


def run_shards(root, plan, shards, *pytest_args, cwd=None, reports="reports"):
    for shard in range(1, shards + 1):
        proc = shardplan("run", "--plan", plan, "--shard", shard, "--", *PYTEST, "-q",
                         "--junitxml=%s/shard-%d.xml" % (reports, shard), *pytest_args,
                         cwd=cwd or root, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def assert_exactly_once(every, full):
    duplicates = sorted({i for i in every if every.count(i) > 1})
    assert not duplicates, "ran in more than one shard: %s" % duplicates[:5]
    assert sorted(every) == sorted(full), {
        "missing": sorted(set(full) - set(every))[:5], "extra": sorted(set(every) - set(full))[:5]}


# --- scope --------------------------------------------------------------------------------------


def test_include_runs_only_the_included_tree(demo):
    shardplan("plan", "--shards", 2, "--include", "tests/unit", "--durations", ".test_durations",
              "-o", "plan.json", cwd=demo)
    every, _ = union_of_shards(demo, "plan.json", 2)
    assert_exactly_once(every, collect(demo, "tests/unit"))
    run_shards(demo, "plan.json", 2)
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml", cwd=demo)
    assert "audit ok" in audit.stderr


def test_excluded_files_are_never_imported(demo):
    planted = demo / "tests" / "integration"
    marker = demo / "imported.txt"
    (planted / "conftest.py").write_text(
        "open(%r, 'a').write('conftest\\n')\n" % str(marker))
    (planted / "test_planted.py").write_text(
        "open(%r, 'a').write('module\\n')\ndef test_x():\n    pass\n" % str(marker))
    shardplan("plan", "--shards", 3, "--exclude", "tests/integration", "--durations", ".test_durations",
              "-o", "plan.json", cwd=demo)
    if marker.exists():
        marker.unlink()  # only the shards' imports count
    every, _ = union_of_shards(demo, "plan.json", 3)
    assert_exactly_once(every, collect(demo, "--ignore=tests/integration"))
    assert not marker.exists(), marker.read_text()
    summary = shardplan("run", "--plan", "plan.json", "--shard", 1, "--", *PYTEST, "--collect-only", "-q",
                        cwd=demo).stdout
    assert re.search(r"\d+ paths out of scope left out", summary), summary


def test_audit_fails_on_a_testcase_outside_the_scope(demo):
    shardplan("plan", "--shards", 2, "--include", "tests/unit", "--durations", ".test_durations",
              "-o", "plan.json", cwd=demo)
    run_shards(demo, "plan.json", 2)
    for shard in (1, 2):
        report = demo / "reports" / ("shard-%d.xml" % shard)
        original = report.read_text()
        injected = original.replace(
            "</testsuite>",
            '<testcase classname="tests.integration.test_pipeline" name="test_injected" time="0.1" />'
            "</testsuite>", 1)
        report.write_text(injected)
        audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml",
                          cwd=demo, check=False)
        report.write_text(original)
        assert audit.returncode == 1, audit.stdout + audit.stderr
        assert "tests/integration/test_pipeline.py::test_injected" in audit.stdout
        assert "outside the plan's scope" in audit.stdout


def test_positional_paths_inside_the_scope_run_once_outside_fail(demo):
    shardplan("plan", "--shards", 2, "--exclude", "tests/integration", "--durations", ".test_durations",
              "-o", "plan.json", cwd=demo)
    every, _ = union_of_shards(demo, "plan.json", 2, "tests/unit", "tests/algo")
    assert_exactly_once(every, collect(demo, "tests/unit", "tests/algo"))
    proc = shardplan("run", "--plan", "plan.json", "--shard", 1, "--", *PYTEST, "-q",
                     "tests/integration", cwd=demo, check=False)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # pytest's usage error
    assert "outside the plan's scope" in proc.stdout + proc.stderr


# --- every collector ----------------------------------------------------------------------------


DOCTEST_MODULE = '''"""Helpers with doctests: not a test file, collected only by --doctest-modules."""


def double(x):
    """
    >>> double(2)
    4
    """
    return 2 * x


def triple(x):
    """
    >>> triple(2)
    6
    """
    return 3 * x
'''


def test_doctest_items_run_in_exactly_one_shard(demo):
    (demo / "pytest.ini").write_text("[pytest]\ntestpaths = tests toylib\naddopts = --doctest-modules\n")
    (demo / "tests" / "helpers_doc.py").write_text(DOCTEST_MODULE)
    (demo / "tests" / "unit" / "helpers_doc2.py").write_text(DOCTEST_MODULE)
    (demo / "tests" / "test_readme.txt").write_text(">>> 1 + 1\n2\n")
    full = collect(demo)
    assert any("helpers_doc.py::" in i for i in full) and any(i.endswith(".txt") or ".txt::" in i for i in full)
    for shards in (2, 3, 5):
        shardplan("plan", "--shards", shards, "--durations", ".test_durations", "-o", "plan.json", cwd=demo)
        every, _ = union_of_shards(demo, "plan.json", shards)
        assert_exactly_once(every, full)
    run_shards(demo, "plan.json", 5)
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml", cwd=demo)
    assert "audit ok" in audit.stderr


# --- xdist ids ----------------------------------------------------------------------------------


def suffixed(durations, heavy_file):
    """The timings as pytest-xdist --dist loadgroup records them: '@group' on one file's ids."""
    return {(k + "@heavy" if k.split("::")[0] == heavy_file else k): v for k, v in durations.items()}


def test_group_suffixed_timings_slice_like_plain_ones(demo):
    durations = json.loads((demo / ".test_durations").read_text())
    (demo / "suffixed.json").write_text(json.dumps(suffixed(durations, "tests/test_heavy.py")))
    shardplan("plan", "--shards", 6, "--durations", "suffixed.json", "-o", "suffixed-plan.json", cwd=demo)
    shardplan("plan", "--shards", 6, "--durations", ".test_durations", "-o", "plain-plan.json", cwd=demo)
    suffixed_plan = json.loads((demo / "suffixed-plan.json").read_text())
    plain_plan = json.loads((demo / "plain-plan.json").read_text())
    assert suffixed_plan["shards"] == plain_plan["shards"]
    assert any(s["slices"] for s in suffixed_plan["shards"]), "the heavy file should be sliced"
    every, _ = union_of_shards(demo, "suffixed-plan.json", 6)
    assert_exactly_once(every, collect(demo))


XDIST_GROUPED = '''import time
import pytest


@pytest.mark.xdist_group("db")
@pytest.mark.parametrize("n", range(8))
def test_grouped(n):
    time.sleep(0.05)


@pytest.mark.parametrize("mail", ["a@b.c", "d@e.f"])
def test_mail(mail):
    pass
'''


@pytest.mark.parametrize("dist", ["load", "loadfile", "loadscope", "loadgroup", "worksteal"])
def test_under_xdist_every_item_runs_once(demo, dist):
    xdist = pytest.importorskip("xdist")
    if dist == "worksteal" and tuple(int(p) for p in xdist.__version__.split(".")[:2]) < (3, 2):
        pytest.skip("--dist worksteal needs pytest-xdist 3.2; this machine has %s" % xdist.__version__)
    (demo / "tests" / "test_grouped.py").write_text(XDIST_GROUPED)
    durations = json.loads((demo / ".test_durations").read_text())
    for n in range(8):
        durations["tests/test_grouped.py::test_grouped[%d]@db" % n] = 3.0
    durations["tests/test_grouped.py::test_mail[a@b.c]"] = 0.1
    (demo / "xdist.json").write_text(json.dumps(durations))
    shardplan("plan", "--shards", 3, "--durations", "xdist.json", "-o", "plan.json", cwd=demo)
    plan = json.loads((demo / "plan.json").read_text())
    sliced = [s for shard in plan["shards"] for s in shard["slices"] if s["file"] == "tests/test_grouped.py"]
    assert sliced and all("@db" not in t for s in sliced for t in s["tests"])
    run_shards(demo, "plan.json", 3, "-n", "2", "--dist", dist)
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml", cwd=demo)
    assert "audit ok" in audit.stderr
    ran = sum(int(m) for m in re.findall(r'tests="(\d+)"', "".join(
        (demo / "reports" / ("shard-%d.xml" % s)).read_text() for s in (1, 2, 3))))
    assert ran == len(collect(demo))


# --- stale ids ----------------------------------------------------------------------------------


def stale_project(tmp_path):
    root = tmp_path / "stale"
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "tests" / "test_big.py").write_text(
        "def test_kept_1(): pass\ndef test_kept_2(): pass\ndef test_kept_3(): pass\n")
    timings = {"tests/test_big.py::test_kept_%d" % i: 1.0 for i in (1, 2, 3)}
    timings.update({"tests/test_big.py::test_gone_%d" % i: 10.0 for i in range(4)})
    (root / ".test_durations").write_text(json.dumps(timings))
    return root


def test_stale_ids_are_warned_about_and_refused_with_collected(tmp_path):
    root = stale_project(tmp_path)
    plan = shardplan("plan", "--shards", 4, "--durations", ".test_durations", "-o", "plan.json", cwd=root)
    assert "--collected" in plan.stderr  # shards that depend only on listed tests are named
    check = shardplan("check", "--plan", "plan.json", cwd=root)
    assert "runs only" in check.stderr and "--collected" in check.stderr
    # A shard made only of gone tests explains itself and does not fail the job (pytest's exit
    # status 5 becomes 0: nothing it lists exists any more).
    outputs = [shardplan("run", "--plan", "plan.json", "--shard", s, "--", *PYTEST, "-q", cwd=root,
                         check=False) for s in range(1, 5)]
    assert all(p.returncode == 0 for p in outputs), [p.stdout for p in outputs]
    empty = [p for p in outputs if "collected no tests" in p.stdout]
    assert empty, "expected a shard of gone tests only"
    assert all("renamed or deleted" in p.stdout and "--collected" in p.stdout for p in empty)
    # With the collection, no slice is made of gone tests: 4 shards cannot be filled, 3 can.
    (root / "collected.txt").write_text(subprocess.run(
        PYTEST + ["--collect-only", "-q"], cwd=root, capture_output=True, text=True).stdout)
    refused = shardplan("plan", "--shards", 4, "--durations", ".test_durations", "--collected",
                        "collected.txt", "-o", "plan.json", cwd=root, check=False)
    assert refused.returncode == 2 and "at most 3" in refused.stderr, refused.stderr
    shardplan("plan", "--shards", 3, "--durations", ".test_durations", "--collected", "collected.txt",
              "-o", "plan.json", cwd=root)
    every, _ = union_of_shards(root, "plan.json", 3)
    assert sorted(every) == ["tests/test_big.py::test_kept_%d" % i for i in (1, 2, 3)]


# --- rootdir ------------------------------------------------------------------------------------


def test_plan_root_above_pytest_rootdir(demo, tmp_path):
    """Planned at the repository root; pytest's rootdir is the subproject with the ini."""
    repo = tmp_path / "repo"
    repo.mkdir()
    demo.rename(repo / "demo")
    sub = repo / "demo"
    durations = json.loads((sub / ".test_durations").read_text())
    (repo / ".test_durations").write_text(json.dumps({"demo/" + k: v for k, v in durations.items()}))
    (repo / "files.txt").write_text("\n".join("demo/" + i.split("::")[0] for i in collect(sub)) + "\n")
    shardplan("plan", "--shards", 3, "--files-from", "files.txt", "--durations", ".test_durations",
              "-o", "plan.json", cwd=repo)
    every, _ = union_of_shards(sub, str(repo / "plan.json"), 3)
    assert_exactly_once(every, collect(sub))
    run_shards(sub, str(repo / "plan.json"), 3, reports=str(repo / "reports"))
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml",
                      "--files-from", "files.txt", cwd=repo)
    assert "audit ok" in audit.stderr


def test_plan_root_below_pytest_rootdir(demo, tmp_path):
    """Planned in a subdirectory; pytest runs from the parent, where the ini is."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pytest.ini").write_text("[pytest]\n")
    demo.rename(repo / "demo")
    sub = repo / "demo"
    (sub / "pytest.ini").unlink()
    (sub / "files.txt").write_text(
        "\n".join(sorted({i.split("::")[0][len("demo/"):] for i in collect(repo, "demo/tests", prefix="")})) + "\n")
    shardplan("plan", "--shards", 2, "--files-from", "files.txt", "--durations", ".test_durations",
              "-o", "plan.json", cwd=sub)
    every, _ = union_of_shards(repo, str(sub / "plan.json"), 2, "demo/tests")
    assert_exactly_once(every, collect(repo, "demo/tests", prefix=""))
    run_shards(repo, str(sub / "plan.json"), 2, "demo/tests", reports=str(sub / "reports"))
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml",
                      "--files-from", "files.txt", cwd=sub)
    assert "audit ok" in audit.stderr


def test_a_plan_for_another_tree_is_refused(demo, tmp_path):
    other = tmp_path / "other"
    (other / "tests").mkdir(parents=True)
    (other / "pytest.ini").write_text("[pytest]\n")
    (other / "tests" / "test_x.py").write_text("def test_x(): pass\n")
    shardplan("plan", "--shards", 2, "--durations", ".test_durations", "-o", str(other / "plan.json"),
              cwd=demo)
    proc = shardplan("run", "--plan", str(other / "plan.json"), "--shard", 1, "--", *PYTEST, "-q",
                     cwd=other, check=False)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "none of the plan's" in proc.stdout + proc.stderr
