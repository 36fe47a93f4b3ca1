"""The order log and the shuffle (docs/order-log.md): what each process ran, in order, with
outcomes, so a failing shard can be replayed; and a seeded shuffle that the log records."""
import json

import pytest

from test_shardplan_pytest import plan_json, write_plan

TESTS = """
import pytest

def test_a(): pass
def test_b(): assert False
@pytest.mark.skip
def test_c(): pass
def test_d(): pass

@pytest.fixture
def broken():
    raise RuntimeError("setup fails")

def test_e(broken): pass
"""


@pytest.fixture
def project(pytester):
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_x=TESTS, test_other="def test_o(): pass\n")
    return pytester


def order_of(path):
    data = json.loads(path.read_text())
    assert data["format"] == "shardplan-order" and data["version"] == 1
    return data


def test_the_log_holds_the_order_and_each_outcome(project):
    project.runpytest("-p", "shardplan_pytest", "test_x.py", "--shardplan-order-log=logs/o.json")
    data = order_of(project.path / "logs" / "o.json")
    assert data["seed"] is None and data["plan"] is None
    assert data["processes"] == {"main": [
        ["test_x.py::test_a", "passed"], ["test_x.py::test_b", "failed"],
        ["test_x.py::test_c", "skipped"], ["test_x.py::test_d", "passed"],
        ["test_x.py::test_e", "error"]]}


def test_a_shard_with_junit_logs_beside_the_report(project):
    plan = write_plan(project, plan_json([(["test_x.py"], []), (["test_other.py"], [])]))
    project.runpytest("-p", "shardplan_pytest", "--shardplan=%s" % plan, "--shardplan-shard=2",
                      "--junitxml=reports/shard-2.xml")
    data = order_of(project.path / "reports" / "shard-2.order.json")
    assert data["shard"] == 2 and data["plan"] == plan_json([])["inputs_digest"]
    assert data["processes"] == {"main": [["test_other.py::test_o", "passed"]]}


def test_a_seed_gives_one_shuffled_order_and_is_logged(project):
    orders = []
    for name in ("one", "two"):
        result = project.runpytest("-p", "shardplan_pytest", "test_x.py",
                                   "--shardplan-shuffle=12345", f"--shardplan-order-log={name}.json")
        result.stdout.fnmatch_lines(["shardplan: tests shuffled with seed 12345 *"])
        data = order_of(project.path / f"{name}.json")
        assert data["seed"] == 12345
        orders.append([nodeid for nodeid, _ in data["processes"]["main"]])
    assert orders[0] == orders[1]
    unshuffled = sorted(orders[0])
    seeds_that_move = [seed for seed in range(1, 20)
                       if _shuffled(project, seed) != unshuffled]
    assert seeds_that_move, "no seed changed the order of five tests"


def _shuffled(project, seed):
    project.runpytest("-p", "shardplan_pytest", "test_x.py", f"--shardplan-shuffle={seed}",
                      "--shardplan-order-log=s.json")
    return [nodeid for nodeid, _ in order_of(project.path / "s.json")["processes"]["main"]]


def test_a_bad_seed_is_a_usage_error(project):
    result = project.runpytest("-p", "shardplan_pytest", "--shardplan-shuffle=soon")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shardplan-shuffle=soon: give a whole number*"])


def test_under_xdist_each_worker_has_its_order_and_one_seed(project, plugin_on_path):
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess("-p", "shardplan_pytest", "-n", "2",
                                          "--shardplan-shuffle=random",
                                          "--shardplan-order-log=x.json")
    assert "Different tests were collected" not in result.stdout.str() + result.stderr.str()
    data = order_of(project.path / "x.json")
    assert isinstance(data["seed"], int)
    ran = [nodeid for entries in data["processes"].values() for nodeid, _ in entries]
    assert sorted(ran) == sorted(["test_x.py::test_%s" % c for c in "abcde"]
                                 + ["test_other.py::test_o"])
    assert set(data["processes"]) <= {"gw0", "gw1"}
