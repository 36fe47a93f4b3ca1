"""The costs sidecar (docs/costs-format.md): with --shardplan-store-durations the plugin also
records what a test's own time does not say. A slow session fixture and a slow module fixture,
a file that is slow to import, and a file that uses neither prove where each second goes."""
import json

import pytest

CONFTEST = """
import time
import pytest

@pytest.fixture(scope="session")
def database():
    time.sleep(0.3)
    return "db"

@pytest.fixture(scope="module")
def module_data():
    time.sleep(0.2)
    return 2

@pytest.fixture(scope="class")
def class_data():
    time.sleep(0.1)
    return 3

@pytest.fixture
def per_test():
    time.sleep(0.05)
"""

HEAVY = """
import time
time.sleep(0.15)  # a slow import

def test_first(database, module_data, per_test):
    pass

def test_second(database, module_data):
    pass

class TestGrouped:
    def test_in_class(self, class_data):
        pass
"""


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_heavy=HEAVY, test_light="def test_light():\n    pass\n")
    return pytester


def costs_of(project, durations="d.json"):
    data = json.loads((project.path / (durations + ".costs.json")).read_text())
    assert data["format"] == "shardplan-costs" and data["version"] == 1
    return data


def test_each_cost_is_charged_where_it_is_paid(project):
    result = project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["shardplan: stored the costs of 2 files and 1 once-per-process "
                                 "fixtures in *d.json.costs.json"])
    costs = costs_of(project)
    heavy, light = costs["files"]["test_heavy.py"], costs["files"]["test_light.py"]
    assert heavy["collect"] >= 0.15 and light["collect"] < 0.15
    assert 0.3 <= heavy["setup"] < 0.5  # module (0.2) + class (0.1), not the session fixture
    assert light["setup"] == 0.0
    assert heavy["uses"] == ["database"] and light["uses"] == []
    assert 0.3 <= costs["fixtures"]["database"] < 0.5
    # The first test paid the session and module setups; the class's first test the class
    # setup; the function-scoped fixture stays the test's own time.
    assert set(costs["moved"]) == {"test_heavy.py::test_first",
                                   "test_heavy.py::TestGrouped::test_in_class"}
    assert 0.5 <= costs["moved"]["test_heavy.py::test_first"] < 0.7
    durations = json.loads((project.path / "d.json").read_text())
    assert durations["test_heavy.py::test_first"] >= 0.55  # pytest-split's file: unchanged
    assert durations["test_heavy.py::test_first"] - costs["moved"]["test_heavy.py::test_first"] \
        < 0.2  # what is left is the test's own time, function fixture included


def test_the_sidecar_merges_like_the_durations(project):
    old = {"format": "shardplan-costs", "version": 1,
           "files": {"test_gone.py": {"collect": 1.0, "setup": 0.0, "uses": []},
                     "test_light.py": {"collect": 9.0, "setup": 0.0, "uses": []}},
           "fixtures": {"browser": 5.0}, "moved": {"test_gone.py::test_x": 1.0}}
    (project.path / "d.json.costs.json").write_text(json.dumps(old))
    project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json",
                      "test_light.py")
    costs = costs_of(project)
    assert costs["files"]["test_gone.py"]["collect"] == 1.0  # not measured now: kept
    assert costs["files"]["test_light.py"]["collect"] < 9.0  # measured now: replaced
    assert costs["fixtures"] == {"browser": 5.0}
    assert costs["moved"] == {"test_gone.py::test_x": 1.0}


def test_clean_durations_keep_only_this_run(project):
    (project.path / ".test_durations.costs.json").write_text(json.dumps(
        {"format": "shardplan-costs", "version": 1, "files": {}, "fixtures": {"browser": 5.0},
         "moved": {}}))
    (project.path / ".test_durations").write_text("{}")
    result = project.runpytest("-p", "shardplan_pytest", "--store-durations", "--clean-durations")
    result.assert_outcomes(passed=4)
    assert costs_of(project, ".test_durations")["fixtures"].keys() == {"database"}


def test_an_unreadable_sidecar_is_replaced(project):
    (project.path / "d.json.costs.json").write_text("not json")
    project.runpytest("-p", "shardplan_pytest", "--shardplan-store-durations=d.json")
    assert "database" in costs_of(project)["fixtures"]


def test_under_xdist_each_worker_reports_to_the_controller(project, plugin_on_path):
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess("-p", "shardplan_pytest", "-n", "2",
                                          "--shardplan-store-durations=d.json")
    result.assert_outcomes(passed=4)
    costs = costs_of(project)
    # Every worker imports every file: a file keeps one import, not the sum over workers.
    assert 0.15 <= costs["files"]["test_heavy.py"]["collect"] < 0.3
    assert 0.3 <= costs["fixtures"]["database"] < 0.5
    assert costs["files"]["test_heavy.py"]["uses"] == ["database"]
