"""Stale ids cannot empty a shard (issue #11, item 3), with real pytest: when the plan has at
least as many test files as shards, every shard holds a whole file or the owner slice of a
file, so even if every test the timings list for a heavy file is gone, each shard still runs
something, and together they run every collected test exactly once."""
import json
import re
import xml.etree.ElementTree as ET

from conftest import PYTHON, shardplan

PYTEST = [PYTHON, "-m", "pytest", "-p", "no:cacheprovider"]


def stale_project(root):
    """A fine-grained heavy file whose timed tests were all renamed, next to five whole files
    whose timings make the balanced plan put slices of the heavy file alone in some shards."""
    (root / "tests").mkdir(parents=True)
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "tests" / "test_fine.py").write_text(
        "".join("def test_renamed_%d(): pass\n" % i for i in range(6)))
    timings = {"tests/test_fine.py::test_old_%03d" % i: 1.0 for i in range(120)}
    for name, seconds in (("a", 37.0), ("b", 23.0), ("c", 19.5), ("d", 11.25), ("e", 7.75)):
        (root / "tests" / ("test_%s.py" % name)).write_text("def test_one(): pass\n")
        timings["tests/test_%s.py::test_one" % name] = seconds
    (root / ".test_durations").write_text(json.dumps(timings))


def junit_ids(path):
    ids = []
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname").replace(".", "/") + ".py"
        ids.append(module + "::" + case.get("name"))
    return ids


def test_every_shard_runs_something_when_all_listed_tests_of_a_sliced_file_are_gone(tmp_path):
    stale_project(tmp_path)
    shards = 6  # six files: the heavy file is sliced, and no shard may hold only its slices
    plan = shardplan("plan", "--shards", shards, "--durations", ".test_durations",
                     "--file-overhead", "0", "-o", "plan.json", cwd=tmp_path)
    assert "runs only" not in plan.stderr, plan.stderr
    document = json.loads((tmp_path / "plan.json").read_text())
    assert any(shard.get("slices") for shard in document["shards"]), "expected a sliced file"
    check = shardplan("check", "--plan", "plan.json", cwd=tmp_path)
    assert "runs only" not in check.stderr, check.stderr
    every = []
    for shard in range(1, shards + 1):
        report = tmp_path / ("shard-%d.xml" % shard)
        proc = shardplan("run", "--plan", "plan.json", "--shard", shard, "--", *PYTEST, "-q",
                         "--junitxml=%s" % report, cwd=tmp_path, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert not re.search(r"collected no tests|no tests ran", proc.stdout), proc.stdout
        ids = junit_ids(report)
        assert ids, "shard %d ran nothing:\n%s" % (shard, proc.stdout)
        every.extend(ids)
    expected = ["tests/test_fine.py::test_renamed_%d" % i for i in range(6)] + [
        "tests/test_%s.py::test_one" % name for name in "abcde"]
    assert sorted(every) == sorted(expected)
    audit = shardplan("audit", "--plan", "plan.json", "--junit", "shard-{shard}.xml", cwd=tmp_path,
                      check=False)
    assert audit.returncode == 0, audit.stdout + audit.stderr
