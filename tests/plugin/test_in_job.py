"""Planning in the job (--shardplan-splits/--shardplan-group), with a stand-in binary.

The stand-in records how the plugin called it (arguments, directory, PYTEST_ADDOPTS) and prints
a fixed plan, so these tests pin the plugin's side of the contract: which binary, which command
line, which timings file, what happens with the plan and with a failure. tests/e2e/test_in_pytest.py
runs the real binary."""

import json
import os
import sys

import pytest

import shardplan_pytest

DIGEST = "wfnv64:00000000000000bb"


def plan_bytes(shards):
    """A version-1 plan of test_a.py .. test_<shards>.py, one file per shard."""
    plan = {
        "shardplan_plan": 1, "shard_count": len(shards), "lower_bound_seconds": 1.0,
        "makespan_seconds": 1.0, "file_overhead_seconds": 0.25, "shard_overhead_seconds": 0.0,
        "estimated": False, "universe": {"files": len(shards), "digest": "fnv1a64:0"},
        "inputs_digest": DIGEST,
        "stats": {"timed_files": 0, "estimated_files": 0, "stale_entries": 0,
                  "skipped_invalid": 0, "known_tests": 0},
        "scope": {"source": "walk", "config": "", "root_from_config": ".", "paths": [],
                  "include": [], "exclude": []},
        "shards": [{"index": i, "predicted_seconds": 1.0, "files": files, "slices": []}
                   for i, files in enumerate(shards, 1)],
    }
    return (json.dumps(plan, indent=1) + "\n").encode()


def make_binary(path, log, plan=b"", code=0, stderr=""):
    """An executable that records its call in `log` and prints `plan`."""
    path.write_text(
        "#!%s\nimport json, os, sys\n"
        "with open(%r, 'a') as f:\n"
        "    f.write(json.dumps({'argv': sys.argv[1:], 'cwd': os.getcwd(),\n"
        "                        'addopts': os.environ.get('PYTEST_ADDOPTS')}) + '\\n')\n"
        "sys.stdout.buffer.write(%r)\nsys.stderr.write(%r)\nsys.exit(%d)\n"
        % (sys.executable, str(log), plan, stderr, code))
    path.chmod(0o755)
    return path


def calls(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.fixture
def project(pytester, monkeypatch):
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_a="def test_1(): pass\n", test_b="def test_1(): pass\n")
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)
    monkeypatch.delenv("SHARDPLAN_BINARY", raising=False)
    monkeypatch.delenv(shardplan_pytest.ALIASES_ENV, raising=False)
    return pytester


@pytest.fixture
def binary(project, monkeypatch):
    """The stand-in in SHARDPLAN_BINARY; its log of calls."""
    log = project.path / "calls.log"
    make_binary(project.path / "fake-shardplan", log, plan_bytes([["test_a.py"], ["test_b.py"]]))
    monkeypatch.setenv("SHARDPLAN_BINARY", str(project.path / "fake-shardplan"))
    return log


def ran(pytester, *args):
    reprec = pytester.inline_run("-p", "shardplan_pytest", *args)
    passed, skipped, failed = reprec.listoutcomes()
    assert not failed
    return sorted(r.nodeid for r in passed + skipped)


def usage_error(pytester, *args):
    result = pytester.runpytest("-p", "shardplan_pytest", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str() + result.stderr.str()
    return result.stderr.str()


@pytest.mark.parametrize("args, kept", [
    (["--shardplan-splits", "4", "-k", "x"], ["-k", "x"]),
    (["--shardplan-splits=4", "--shardplan-group=1", "tests"], ["tests"]),
    (["--splits", "2", "--group", "1", "--durations-path", "d", "-q"], ["-q"]),
    (["--store-durations", "--clean-durations", "-x"], ["-x"]),
    (["--shardplan-write-plan", "p.json", "--shardplan-binary=b", "--shardplan-durations", "d"],
     []),
    (["-p", "shardplan_pytest", "--", "--shardplan-splits"], ["-p", "shardplan_pytest", "--",
                                                              "--shardplan-splits"]),
])
def test_own_options_are_not_passed_to_the_planner(args, kept):
    assert shardplan_pytest.without_own_options(args) == kept


def test_the_group_runs_its_files_of_the_plan(project, binary):
    assert ran(project, "--shardplan-splits=2", "--shardplan-group=1") == ["test_a.py::test_1"]
    assert ran(project, "--shardplan-splits=2", "--shardplan-group=2") == ["test_b.py::test_1"]


def test_the_planner_sees_pytests_arguments_without_ours(project, binary, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "-v --shardplan-group 1 -rA")
    (project.path / ".test_durations").write_text("{}")
    ran(project, "--shardplan-splits", "2", "-k", "test_1", "--shardplan-write-plan=w.json")
    call, = calls(binary)
    major = min(max(int(pytest.__version__.split(".")[0]), 7), 9)
    assert call["argv"][:9] == ["plan", "--shards", "2", "--root", ".", "--pytest-version",
                                str(major), "--durations", str(project.path / ".test_durations")]
    rest = call["argv"][9:]
    assert rest[0] == "--" and "-k" in rest and "test_1" in rest
    assert not [a for a in rest if a.startswith("--shardplan")]
    assert call["cwd"] == str(project.path)
    assert call["addopts"] == "-v -rA"


def test_the_written_plan_is_the_planners_output(project, binary):
    ran(project, "--shardplan-splits=2", "--shardplan-group=2", "--shardplan-write-plan=w.json")
    assert (project.path / "w.json").read_bytes() == plan_bytes([["test_a.py"], ["test_b.py"]])
    assert not [p for p in os.listdir(project.path) if p.startswith(".shardplan-")]


def test_the_header_names_the_digest_and_how_it_was_planned(project, binary):
    result = project.runpytest("-p", "shardplan_pytest", "--shardplan-splits=2",
                               "--shardplan-group=2")
    result.stdout.fnmatch_lines(["shardplan: planned here: 2 groups of 2 files from no timings*",
                                 "shardplan: shard 2/2, plan %s, 1 files, 0 slices" % DIGEST])


def test_timings_default_to_the_rootdir_then_the_invocation_directory(project, binary):
    sub = project.mkdir("sub")
    (sub / "test_c.py").write_text("def test_1(): pass\n")
    (sub / ".test_durations").write_text("{}")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sub)
        project.inline_run("-p", "shardplan_pytest", "--shardplan-splits=2", "--shardplan-group=1")
        assert calls(binary)[-1]["argv"][7:9] == ["--durations", str(sub / ".test_durations")]
        (project.path / ".test_durations").write_text("{}")
        project.inline_run("-p", "shardplan_pytest", "--shardplan-splits=2", "--shardplan-group=1")
        assert calls(binary)[-1]["argv"][7:9] == ["--durations",
                                                  str(project.path / ".test_durations")]


def test_the_binary_option_wins_over_the_environment(project, binary):
    other_log = project.path / "other.log"
    make_binary(project.path / "other", other_log, plan_bytes([["test_a.py", "test_b.py"]]))
    assert ran(project, "--shardplan-splits=1", "--shardplan-group=1",
               "--shardplan-binary=other") == ["test_a.py::test_1", "test_b.py::test_1"]
    assert calls(other_log) and not calls(binary)


def test_the_wheels_binary_comes_before_path(project, monkeypatch):
    wheel, on_path = project.mkdir("site"), project.mkdir("bin")
    (wheel / "shardplan" / "_bin").mkdir(parents=True)
    (wheel / "shardplan" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    make_binary(wheel / "shardplan" / "_bin" / "shardplan", project.path / "wheel.log",
                plan_bytes([["test_a.py", "test_b.py"]]))
    make_binary(on_path / "shardplan", project.path / "path.log",
                plan_bytes([["test_a.py", "test_b.py"]]))
    monkeypatch.setenv("PATH", str(on_path) + os.pathsep + os.environ.get("PATH", ""))
    ran(project, "--shardplan-splits=1", "--shardplan-group=1")
    assert calls(project.path / "path.log")
    monkeypatch.syspath_prepend(str(wheel))
    ran(project, "--shardplan-splits=1", "--shardplan-group=1")
    assert len(calls(project.path / "wheel.log")) == 1
    assert len(calls(project.path / "path.log")) == 1


def test_no_binary_is_a_usage_error_that_says_what_to_do(project, monkeypatch):
    monkeypatch.setenv("PATH", str(project.path))
    stderr = usage_error(project, "--shardplan-splits=2", "--shardplan-group=1")
    assert "pip install shardplan" in stderr and "SHARDPLAN_BINARY=/path/to/shardplan" in stderr
    monkeypatch.setenv("SHARDPLAN_BINARY", "missing/shardplan")
    stderr = usage_error(project, "--shardplan-splits=2", "--shardplan-group=1")
    assert "SHARDPLAN_BINARY=missing/shardplan is not an executable file" in stderr


def test_a_failed_plan_is_a_usage_error_with_the_planners_message(project, monkeypatch):
    make_binary(project.path / "failing", project.path / "f.log", code=2,
                stderr="shardplan: error: cannot fill 9 shards\n")
    monkeypatch.setenv("SHARDPLAN_BINARY", str(project.path / "failing"))
    stderr = usage_error(project, "--shardplan-splits=9", "--shardplan-group=1")
    assert "planning in this job failed (the planner exited 2)" in stderr
    assert "shardplan: error: cannot fill 9 shards" in stderr
    assert "the command was: cd " in stderr


def test_a_broken_plan_is_a_usage_error(project, monkeypatch):
    make_binary(project.path / "broken", project.path / "b.log", plan=b"{not json")
    monkeypatch.setenv("SHARDPLAN_BINARY", str(project.path / "broken"))
    stderr = usage_error(project, "--shardplan-splits=2", "--shardplan-group=1")
    assert "the plan made in this job: not a valid JSON plan" in stderr


@pytest.mark.parametrize("args, message", [
    (["--shardplan-splits=2"], "--shardplan-splits=2 needs --shardplan-group=G"),
    (["--group=2"], "--group=2 needs --shardplan-splits=N"),
    (["--shardplan-splits=2", "--shardplan-group=3"], "--shardplan-group=3 is outside 1..2"),
    (["--splits=-1", "--group=1"], "--splits=-1: the number of groups must be at least 1"),
    (["--shardplan-splits=2", "--shardplan-group=1", "--shardplan-shard=1"], "use one form"),
    (["--splitting-algorithm=duration_based_chunks"], "cannot be honoured"),
    (["--group=1", "--shardplan-group=2", "--splits=2"], "disagree"),
    (["--store-durations", "--shardplan-store-durations=d.json"], "give one of them"),
])
def test_bad_combinations_are_usage_errors(project, binary, args, message):
    assert message in usage_error(project, *args)
    assert not calls(binary)


def test_split_aliases_step_aside_for_pytest_split(project, binary, monkeypatch):
    fake = project.mkdir("site")
    (fake / "pytest_split").mkdir()
    (fake / "pytest_split" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(fake))
    result = project.runpytest("-p", "shardplan_pytest", "--splits=2", "--group=1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unrecognized arguments: --splits=2 --group=1" in result.stderr.str()


def test_split_aliases_can_be_switched_off(project, binary, monkeypatch):
    monkeypatch.setenv(shardplan_pytest.ALIASES_ENV, "0")
    result = project.runpytest("-p", "shardplan_pytest", "--splits=2", "--group=1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert ran(project, "--shardplan-splits=2", "--shardplan-group=1") == ["test_a.py::test_1"]


def test_store_durations_alias_merges_or_cleans(project):
    durations = project.path / ".test_durations"
    durations.write_text(json.dumps({"gone.py::test_x": 3.0}))
    ran(project, "--store-durations")
    assert sorted(json.loads(durations.read_text())) == [
        "gone.py::test_x", "test_a.py::test_1", "test_b.py::test_1"]
    ran(project, "--store-durations", "--clean-durations", "--durations-path=other.json")
    assert sorted(json.loads((project.path / "other.json").read_text())) == [
        "test_a.py::test_1", "test_b.py::test_1"]
    ran(project, "--store-durations", "--clean-durations")
    assert "gone.py::test_x" not in json.loads(durations.read_text())


class _SeesPendingPlan:
    """Records whether the planner was started when pytest loads the initial conftests."""

    started = None

    @pytest.hookimpl(trylast=True)
    def pytest_load_initial_conftests(self, early_config):
        self.started = early_config.stash.get(shardplan_pytest._PENDING_PLAN, None) is not None


def test_the_planner_starts_before_the_conftests_are_loaded(project, binary):
    seen = _SeesPendingPlan()
    project.inline_run("-p", "shardplan_pytest", "--shardplan-splits=2", "--shardplan-group=1",
                       plugins=[seen])
    assert seen.started is True and len(calls(binary)) == 1


def test_an_xdist_worker_process_never_starts_the_planner_early(project, binary, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")  # outside xdist: planned at configure
    seen = _SeesPendingPlan()
    assert ran(project, "--shardplan-splits=2", "--shardplan-group=2") == ["test_b.py::test_1"]
    project.inline_run("-p", "shardplan_pytest", "--shardplan-splits=2", "--shardplan-group=1",
                       plugins=[seen])
    assert seen.started is False and len(calls(binary)) == 2
