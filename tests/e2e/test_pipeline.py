"""The timing pipeline with real pytest: plan a subset of the bundled example into 3 shards,
run every shard with --junitxml in both JUnit dialects (xunit1 names files, xunit2 does not),
then `merge` and `audit`; the audit must fail when a shard's report is missing, a test ran
twice or a planned test was deselected. `failed` lists exact ids that pytest re-runs."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import PYTHON, SOURCE, collect, shardplan

SUBSET = ["tests/unit", "tests/test_heavy.py"]
INCLUDE = [arg for path in SUBSET for arg in ("--include", path)]
SHARDS = 3
DIALECTS = ["xunit1", "xunit2"]


def run_shard(root, plan, shard, report, *pytest_args):
    report.parent.mkdir(parents=True, exist_ok=True)
    return shardplan("run", "--plan", plan, "--shard", shard, "--", PYTHON, "-m", "pytest", "-q",
                     "-p", "no:cacheprovider", *pytest_args, f"--junitxml={report}", *SUBSET,
                     cwd=root)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline") / "demo"
    shutil.copytree(os.path.join(SOURCE, "examples", "demo"), root,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    shardplan("plan", "-n", SHARDS, "--durations", ".test_durations", *INCLUDE, "-o", "plan.json",
              cwd=root)
    for dialect in DIALECTS:
        for shard in range(1, SHARDS + 1):
            run_shard(root, "plan.json", shard, root / "reports" / dialect / f"shard-{shard}" / "r.xml",
                      "-o", f"junit_family={dialect}")
    return root


def audit(root, pattern, *extra):
    return shardplan("audit", "--plan", "plan.json", "--junit", pattern, *INCLUDE, *extra,
                     cwd=root, check=False)


def copy_reports(root, dialect, name):
    target = root / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(root / "reports" / dialect, target)
    return target


def test_plan_slices_a_file(pipeline):
    plan = json.loads((pipeline / "plan.json").read_text())
    assert any(shard["slices"] for shard in plan["shards"]), "the audit should also cover slices"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_audit_passes_in_both_dialects(pipeline, dialect):
    proc = audit(pipeline, f"reports/{dialect}/shard-{{shard}}/*.xml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()[1:] if line.strip()]
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert "audit ok" in proc.stderr


def test_merge_gives_the_same_tests_in_both_dialects(pipeline):
    expected = set(collect(pipeline, *SUBSET))
    merged = {}
    for dialect in DIALECTS:
        out = pipeline / f"{dialect}.test_durations"
        shardplan("merge", "--junit", f"reports/{dialect}/**/*.xml", *INCLUDE, "-o", out, cwd=pipeline)
        text = out.read_text()
        merged[dialect] = json.loads(text)
        assert list(merged[dialect]) == sorted(merged[dialect]), "keys are sorted"
        assert len(text.splitlines()) == len(merged[dialect]) + 2, "one entry per line"
    assert set(merged["xunit1"]) == expected
    assert set(merged["xunit2"]) == expected
    assert all(value >= 0 for value in merged["xunit2"].values())


def test_merge_across_runs_and_history(pipeline):
    out = pipeline / "history.test_durations"
    shardplan("merge", "--durations", ".test_durations", "--junit", "reports/xunit1/**/*.xml",
              "--junit", "reports/xunit2/**/*.xml", "--smooth", "ema:0.5", *INCLUDE, "-o", out,
              cwd=pipeline)
    merged = json.loads(out.read_text())
    # Tests outside the subset did not run in the newest run: pruned, unless --keep-stale.
    assert all(key.startswith(tuple(SUBSET)) for key in merged)
    shardplan("merge", "--durations", ".test_durations", "--junit", "reports/xunit2/**/*.xml",
              "--keep-stale", *INCLUDE, "-o", out, cwd=pipeline)
    assert set(json.loads(out.read_text())) >= set(json.loads((pipeline / ".test_durations").read_text()))


def test_failed_merge_leaves_the_durations_file_untouched(pipeline):
    runs = copy_reports(pipeline, "xunit1", "broken-run")
    (runs / "shard-2" / "r.xml").write_text('<?xml version="1.0"?>\n<testsuites><testsuite name="pytest">\n<testcase ')
    out = pipeline / "kept.test_durations"
    out.write_text("{}\n")
    proc = shardplan("merge", "--junit", "broken-run/**/*.xml", *INCLUDE, "-o", out, cwd=pipeline,
                     check=False)
    assert proc.returncode == 1
    assert "broken-run/shard-2/r.xml:3:1: invalid XML: unclosed token" in proc.stderr
    assert out.read_text() == "{}\n"


def test_audit_fails_when_a_shard_left_no_report(pipeline):
    runs = copy_reports(pipeline, "xunit2", "missing-run")
    shutil.rmtree(runs / "shard-2")
    proc = audit(pipeline, "missing-run/shard-{shard}/*.xml")
    assert proc.returncode == 1
    assert "shards that left no report (1):\n  shard 2\n" in proc.stdout
    assert "planned but did not run" in proc.stdout


def test_audit_fails_when_a_test_ran_twice(pipeline):
    runs = copy_reports(pipeline, "xunit2", "twice-run")
    # Shard 2's job also ran shard 1's tests: same testcases, tagged by the plugin as shard 2.
    again = (runs / "shard-1" / "r.xml").read_text(encoding="utf-8")
    again = again.replace('name="shardplan_shard" value="1"', 'name="shardplan_shard" value="2"')
    (runs / "shard-2" / "again.xml").write_text(again, encoding="utf-8")
    proc = audit(pipeline, "twice-run/shard-{shard}/*.xml")
    assert proc.returncode == 1
    assert "ran more than once" in proc.stdout
    assert "twice-run/shard-2/again.xml" in proc.stdout


def test_audit_refuses_a_report_filed_under_another_shard(pipeline):
    runs = copy_reports(pipeline, "xunit2", "moved-run")
    shutil.copy(runs / "shard-1" / "r.xml", runs / "shard-2" / "moved.xml")
    proc = audit(pipeline, "moved-run/shard-{shard}/*.xml")
    assert proc.returncode == 1
    assert "matches the pattern of shard 2 but its property shardplan_shard says 1" in proc.stderr


def test_audit_fails_when_a_planned_test_was_deselected(pipeline):
    plan = json.loads((pipeline / "plan.json").read_text())
    shard = next(s for s in plan["shards"] if s["slices"])
    victim = shard["slices"][0]["tests"][0]
    runs = copy_reports(pipeline, "xunit2", "deselect-run")
    report = runs / f"shard-{shard['index']}" / "r.xml"
    run_shard(pipeline, "plan.json", shard["index"], report, f"--deselect={victim}")
    proc = audit(pipeline, "deselect-run/shard-{shard}/*.xml")
    assert proc.returncode == 1
    assert f"planned but did not run (1):\n  {victim} (shard {shard['index']}, slice" in proc.stdout


FAILING = '''
import pytest

def test_ok():
    pass

def test_bad():
    assert False

@pytest.mark.parametrize("value", ["a b", "c"])
def test_param(value):
    assert value == "c"

@pytest.fixture
def broken():
    raise RuntimeError("setup")

def test_setup_error(broken):
    pass
'''


@pytest.mark.parametrize("dialect", DIALECTS)
def test_failed_prints_ids_that_pytest_reruns(tmp_path, dialect):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_fail.py").write_text(FAILING)
    (tmp_path / "tests" / "test_broken.py").write_text("import no_such_module\n")
    subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", f"junit_family={dialect}",
                    "--continue-on-collection-errors", "--junitxml=r.xml", "tests"], cwd=tmp_path, capture_output=True, check=False)
    proc = shardplan("failed", "--junit", "r.xml", cwd=tmp_path)
    assert proc.stdout.splitlines() == ["tests/test_broken.py", "tests/test_fail.py::test_bad",
                                        "tests/test_fail.py::test_param[a b]",
                                        "tests/test_fail.py::test_setup_error"]
    (tmp_path / "rerun.txt").write_text(proc.stdout)
    ids = (tmp_path / "rerun.txt").read_text().splitlines()
    rerun = subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "--continue-on-collection-errors", *ids],
                           cwd=tmp_path, capture_output=True, text=True)
    assert "2 failed" in rerun.stdout and "2 errors" in rerun.stdout, rerun.stdout
    part = shardplan("failed", "--junit", "r.xml", "--shards", "2", "--shard", "2", cwd=tmp_path)
    other = shardplan("failed", "--junit", "r.xml", "--shards", "2", "--shard", "1", cwd=tmp_path)
    assert sorted(part.stdout.splitlines() + other.stdout.splitlines()) == proc.stdout.splitlines()


def test_audit_names_an_unreadable_report(pipeline):
    runs = copy_reports(pipeline, "xunit1", "bad-run")
    (runs / "shard-3" / "r.xml").write_text("<html></html>\n")
    proc = audit(pipeline, "bad-run/shard-{shard}/*.xml")
    assert proc.returncode == 1
    assert ("bad-run/shard-3/r.xml:1:1: the root element is <html>, expected <testsuites> or "
            "<testsuite>: is this a JUnit XML report?") in proc.stderr
