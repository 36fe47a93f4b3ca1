"""In-pytest planning (`pytest --shardplan-splits N --shardplan-group G`) against the two-step flow
(`shardplan plan` by hand, then `pytest --shardplan=plan.json --shardplan-shard=G`), with real
pytest on the bundled example and on a layout whose universe depends on the pytest config
(testpaths, an --ignore in the ini addopts, a conftest.py collect_ignore, positional paths).

Each job's plan (--shardplan-write-plan) must be byte-identical to the hand-made one, every
group must run exactly the ids of the same shard of the two-step flow, and the groups' JUnit
reports must pass `shardplan audit`. The plugin finds the dev binary through SHARDPLAN_BINARY."""
import collections
import json
import os
import subprocess
import textwrap

import pytest

from conftest import BIN, PYTEST_TARGET, PYTHON, shardplan


@pytest.fixture
def plugin_env():
    """The environment of a launched pytest: the binary's embedded plugin on PYTHONPATH and
    the binary in SHARDPLAN_BINARY, as the wheel would provide them."""
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    plugin_dir = shardplan("plugin-path").stdout.strip()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (plugin_dir, env.get("PYTHONPATH")) if p)
    env["SHARDPLAN_BINARY"] = BIN
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_pytest(cwd, env, *args):
    command = [PYTHON, "-m", "pytest", "-p", "shardplan_pytest", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def collected(proc):
    """Node ids of `pytest --collect-only -q`: the lines before the first blank one."""
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ids = []
    for line in proc.stdout.splitlines():
        if not line.strip():
            break
        if "::" in line:
            ids.append(line)
    return ids


def hand_plan(cwd, shards, *pytest_args, durations=".test_durations"):
    path = cwd / f"hand-{shards}.json"
    shardplan("plan", "--shards", shards, "--durations", durations, "--pytest-version",
              PYTEST_TARGET.version, "-o", path, "--", *pytest_args, cwd=cwd)
    return path


def compare_with_two_step(cwd, env, shards, *pytest_args):
    """Per group: the in-job plan's bytes and the ids it collects, against the two-step flow."""
    plan = hand_plan(cwd, shards, *pytest_args)
    full = collected(run_pytest(cwd, env, "--collect-only", "-q", *pytest_args))
    per_group = []
    for group in range(1, shards + 1):
        written = cwd / f"job-{group}.json"
        in_job = run_pytest(cwd, env, "--collect-only", "-q", f"--shardplan-splits={shards}",
                            f"--shardplan-group={group}", f"--shardplan-write-plan={written}",
                            *pytest_args)
        ids = collected(in_job)
        assert written.read_bytes() == plan.read_bytes(), f"group {group}: the plans differ"
        digest = json.loads(plan.read_text())["inputs_digest"]
        assert f"shardplan: shard {group}/{shards}, plan {digest}" in in_job.stdout
        assert "shardplan: planned here: " in in_job.stdout
        two_step = collected(run_pytest(cwd, env, "--collect-only", "-q", f"--shardplan={plan}",
                                        f"--shardplan-shard={group}", *pytest_args))
        assert ids == two_step, f"group {group} collects other ids than shard {group}"
        per_group.append(ids)
    counts = collections.Counter(node for ids in per_group for node in ids)
    assert sorted(counts) == sorted(full) and set(counts.values()) == {1}
    return plan


LAYOUT = {
    "tox.ini": """\
        [pytest]
        testpaths = tests src
        addopts = --ignore=tests/legacy
        """,
    "tests/conftest.py": """\
        collect_ignore = ["test_not_collected.py"]
        """,
    "tests/test_not_collected.py": "def test_never(): pass\n",
    "tests/legacy/test_old.py": "def test_old(): pass\n",
    "outside/test_outside.py": "def test_outside(): pass\n",
    "src/pkg/test_inline.py": "def test_inline(): pass\n",
}


def write_layout(root):
    """The layout, its test files (one heavy file that the plan cuts into slices) and timings."""
    for name, text in LAYOUT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    durations = {}
    for index in range(8):
        lines = []
        for test in range(5):
            lines.append(f"def test_{test}(): pass\n")
            durations[f"tests/unit/test_m{index}.py::test_{test}"] = 0.1 * (index + 1)
        (root / "tests" / "unit").mkdir(exist_ok=True)
        (root / "tests" / "unit" / f"test_m{index}.py").write_text("".join(lines))
    heavy = ["import pytest\n\n\nclass TestHeavy:\n"]
    heavy.append("    @pytest.mark.parametrize('n', range(12))\n    def test_p(self, n): pass\n")
    for n in range(12):
        durations[f"tests/test_heavy.py::TestHeavy::test_p[{n}]"] = 2.0
    (root / "tests" / "test_heavy.py").write_text("".join(heavy))
    durations["tests/legacy/test_old.py::test_old"] = 50.0  # outside the universe: stale
    durations["src/pkg/test_inline.py::test_inline"] = 0.5
    (root / ".test_durations").write_text(json.dumps(durations, indent=4))
    return root


@pytest.fixture
def layout(tmp_path):
    return write_layout(tmp_path / "layout")


@pytest.mark.parametrize("shards", [1, 4])
def test_demo_groups_equal_the_two_step_flow(demo, plugin_env, shards):
    compare_with_two_step(demo, plugin_env, shards)


@pytest.mark.parametrize("paths", [(), ("tests",), ("tests/unit", "src")])
def test_config_dependent_layout_equals_the_two_step_flow(layout, plugin_env, paths):
    plan = compare_with_two_step(layout, plugin_env, 3, *paths)
    data = json.loads(plan.read_text())
    files = {f for shard in data["shards"] for f in shard["files"]}
    files |= {s["file"] for shard in data["shards"] for s in shard["slices"]}
    assert not {"tests/legacy/test_old.py", "tests/test_not_collected.py",
                "outside/test_outside.py"} & files
    if not paths:
        assert any(shard["slices"] for shard in data["shards"]), "the heavy file is not sliced"


def run_groups_and_audit(cwd, env, shards, *extra):
    for group in range(1, shards + 1):
        proc = run_pytest(cwd, env, "-q", f"--shardplan-splits={shards}",
                          f"--shardplan-group={group}",
                          f"--shardplan-write-plan=job-{group}.json",
                          f"--junitxml=reports/shard-{group}.xml", *extra)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len({(cwd / f"job-{g}.json").read_bytes() for g in range(1, shards + 1)}) == 1
    audited = shardplan("audit", "--plan", "job-1.json", "--junit", "reports/shard-*.xml",
                        cwd=cwd, check=False)
    assert audited.returncode == 0, audited.stdout + audited.stderr


def test_every_test_runs_once_over_the_groups(layout, plugin_env):
    run_groups_and_audit(layout, plugin_env, 3)


def test_xdist_controller_plans_once_and_the_audit_passes(demo, plugin_env):
    pytest.importorskip("xdist")
    run_groups_and_audit(demo, plugin_env, 2, "-n", "2")
    proc = run_pytest(demo, plugin_env, "--collect-only", "-q", "-n", "2", "--shardplan-splits=2",
                      "--shardplan-group=1")
    assert proc.stdout.count("shardplan: planned here: ") == 1, proc.stdout


def test_xdist_workers_never_plan(demo, plugin_env, tmp_path):
    """A binary that counts its runs: one plan per job, whatever the number of workers."""
    pytest.importorskip("xdist")
    counter = tmp_path / "runs"
    wrapper = tmp_path / "shardplan-counting"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{counter}"\nexec "{BIN}" "$@"\n')
    wrapper.chmod(0o755)
    env = dict(plugin_env, SHARDPLAN_BINARY=str(wrapper))
    proc = run_pytest(demo, env, "--collect-only", "-q", "-n", "2", "--shardplan-splits=4",
                      "--shardplan-group=4")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert counter.read_text().count("run") == 1


def test_pytest_split_flags_are_aliases(demo, plugin_env):
    """pytest-split's --splits/--group/--durations-path, with pytest-split not installed."""
    plan = hand_plan(demo, 3)
    for group in (1, 3):
        split = collected(run_pytest(demo, plugin_env, "--collect-only", "-q", "--splits", "3",
                                     "--group", str(group), "--durations-path", ".test_durations"))
        ours = collected(run_pytest(demo, plugin_env, "--collect-only", "-q",
                                    f"--shardplan={plan}", f"--shardplan-shard={group}"))
        assert split == ours


def test_options_in_pytest_addopts_and_the_ini(layout, plugin_env):
    """Our options may come from PYTEST_ADDOPTS or the ini addopts; the binary must not take
    their values for paths."""
    plan = hand_plan(layout, 2)
    env = dict(plugin_env, PYTEST_ADDOPTS="--shardplan-splits 2 --shardplan-group 2 "
                                          "--shardplan-write-plan env.json")
    ids = collected(run_pytest(layout, env, "--collect-only", "-q"))
    assert (layout / "env.json").read_bytes() == plan.read_bytes()
    ini = (layout / "tox.ini").read_text().replace(
        "addopts = --ignore=tests/legacy",
        "addopts = --ignore=tests/legacy --shardplan-splits 2 --shardplan-group 2 "
        "--shardplan-write-plan ini.json")
    (layout / "tox.ini").write_text(ini)
    assert collected(run_pytest(layout, plugin_env, "--collect-only", "-q")) == ids
    assert (layout / "ini.json").read_bytes() == plan.read_bytes()


def test_without_timings_the_plan_is_an_estimate(layout, plugin_env):
    (layout / ".test_durations").unlink()
    proc = run_pytest(layout, plugin_env, "--collect-only", "-q", "--shardplan-splits=2",
                      "--shardplan-group=1", "--shardplan-write-plan=p.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no timings (" in proc.stdout
    assert json.loads((layout / "p.json").read_text())["estimated"] is True


def usage_error(cwd, env, *args):
    proc = run_pytest(cwd, env, "--collect-only", "-q", *args)
    assert proc.returncode == 4, proc.stdout + proc.stderr  # pytest's usage error
    return proc.stderr


@pytest.mark.parametrize("args, message", [
    (["--shardplan-splits=3"], "--shardplan-splits=3 needs --shardplan-group=G"),
    (["--shardplan-group=2"], "--shardplan-group=2 needs --shardplan-splits=N"),
    (["--shardplan-splits=3", "--shardplan-group=4"], "--shardplan-group=4 is outside 1..3"),
    (["--shardplan-splits=3", "--shardplan-group=0"], "--shardplan-group=0 is outside 1..3"),
    (["--shardplan-splits=0", "--shardplan-group=1"], "must be at least 1"),
    (["--shardplan-splits=2", "--shardplan-group=1", "--shardplan=plan.json"], "use one form"),
    (["--splits=2", "--group=1", "--splitting-algorithm=least_duration"],
     "--splitting-algorithm=least_duration cannot be honoured"),
    (["--splits=2", "--shardplan-splits=3", "--group=1"], "disagree"),
    (["--shardplan-splits=9999", "--shardplan-group=1"], "cannot fill 9999 shards"),
    (["--shardplan-splits=2", "--shardplan-group=1", "tests/missing"],
     "tests/missing: file or directory not found"),
])
def test_usage_errors(layout, plugin_env, args, message):
    stderr = usage_error(layout, plugin_env, *args)
    assert message in stderr


def test_a_missing_binary_says_what_to_do(layout, plugin_env):
    env = dict(plugin_env, PATH="/usr/bin:/bin")
    del env["SHARDPLAN_BINARY"]
    stderr = usage_error(layout, env, "--shardplan-splits=2", "--shardplan-group=1")
    assert "pip install shardplan" in stderr and "SHARDPLAN_BINARY" in stderr
    env["SHARDPLAN_BINARY"] = str(layout / "no-such-binary")
    stderr = usage_error(layout, env, "--shardplan-splits=2", "--shardplan-group=1")
    assert "SHARDPLAN_BINARY=" in stderr and "is not an executable file" in stderr


def test_a_failed_plan_shows_the_planners_message(layout, plugin_env):
    (layout / ".test_durations").write_text('{"tests/unit/test_m0.py::test_0": 1,')
    stderr = usage_error(layout, plugin_env, "--shardplan-splits=2", "--shardplan-group=1")
    assert "planning in this job failed (the planner exited 1)" in stderr
    assert ".test_durations:1:" in stderr and "the command was: cd " in stderr


def write_packages(root, with_yaml_collector):
    """Four packages, one test file each, equally heavy: four groups take one package each.
    pkg_d holds a conftest.py; pkg_b/data.yaml is a test only a conftest collector knows."""
    files = {"pkg_a/test_a.py": "def test_a(): pass\n",
             "pkg_b/test_b.py": "def test_b(): pass\n",
             "pkg_b/data.yaml": "yaml test\n",
             "pkg_c/sub/test_c.py": "def test_c(): pass\n",
             "pkg_d/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef d():\n    return 1\n",
             "pkg_d/test_d.py": "def test_d(d): assert d == 1\n",
             "pytest.ini": "[pytest]\n"}
    if with_yaml_collector:
        files["conftest.py"] = textwrap.dedent("""\
            import pytest


            class YamlItem(pytest.Item):
                def runtest(self):
                    pass


            class YamlFile(pytest.File):
                def collect(self):
                    yield YamlItem.from_parent(self, name="case")


            def pytest_collect_file(parent, file_path):
                if file_path.suffix == ".yaml":
                    return YamlFile.from_parent(parent, path=file_path)
            """)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    durations = {"pkg_a/test_a.py::test_a": 1.0, "pkg_b/test_b.py::test_b": 1.0,
                 "pkg_c/sub/test_c.py::test_c": 1.0, "pkg_d/test_d.py::test_d": 1.0}
    (root / ".test_durations").write_text(json.dumps(durations))
    return root


def skipped_directories(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in proc.stdout.splitlines():
        if line.startswith("shardplan: shard ") and "directories without its files" in line:
            return int(line.split(", ")[-1].split()[0])
    return 0


def test_a_fresh_plan_lets_a_group_skip_other_groups_directories(tmp_path, plugin_env):
    """In-job plans are made from this tree, so a group need not walk a directory that holds
    none of its files: pytest visits no file there. Not where a conftest.py lies at or below it
    (it may collect what the planner does not know), and the result is the two-step flow's."""
    root = write_packages(tmp_path / "packages", with_yaml_collector=False)
    compare_with_two_step(root, plugin_env, 4)
    for group in range(1, 5):
        proc = run_pytest(root, plugin_env, "-q", "--shardplan-splits=4",
                          f"--shardplan-group={group}", "--shardplan-write-plan=p.json")
        shard = json.loads((root / "p.json").read_text())["shards"][group - 1]
        mine = {path.split("/")[0] for path in shard["files"]}
        assert len(mine) == 1, shard
        # pkg_a, pkg_b, pkg_c are skipped unless they are this group's; pkg_d has a conftest.py.
        expected = len({"pkg_a", "pkg_b", "pkg_c"} - mine)
        assert skipped_directories(proc) == expected, proc.stdout
    two_step = run_pytest(root, plugin_env, "-q", f"--shardplan={root / 'hand-4.json'}",
                          "--shardplan-shard=1")
    assert skipped_directories(two_step) == 0, "a two-step plan may be stale: it never skips"


def test_a_foreign_collector_turns_skipping_off(tmp_path, plugin_env):
    """A conftest that collects .yaml files: the planner does not know pkg_b/data.yaml, which
    then runs in the group its path hashes to; no directory may be skipped, and every item
    runs exactly once over the groups."""
    root = write_packages(tmp_path / "yaml", with_yaml_collector=True)
    full = collected(run_pytest(root, plugin_env, "--collect-only", "-q"))
    assert "pkg_b/data.yaml::case" in full
    seen = []
    for group in range(1, 5):
        proc = run_pytest(root, plugin_env, "--collect-only", "-q", "--shardplan-splits=4",
                          f"--shardplan-group={group}")
        assert skipped_directories(proc) == 0, proc.stdout
        seen.extend(collected(proc))
    assert sorted(seen) == sorted(full)


def test_a_segment_is_planned_and_run_alone(layout, plugin_env):
    """--shardplan-segment NAME plans the segment of shardplan.toml in every job, exactly as
    `shardplan plan --segment NAME` does; the groups run its files and nothing else."""
    (layout / "shardplan.toml").write_text('[segments.unit]\ninclude = ["tests/unit"]\n'
                                           'shards = 2\n')
    plan = layout / "unit.json"
    shardplan("plan", "--segment", "unit", "--shards", 3, "--durations", ".test_durations",
              "--pytest-version", PYTEST_TARGET.version, "-o", plan, cwd=layout)
    seen = []
    for group in range(1, 4):
        written = layout / f"job-{group}.json"
        seen += collected(run_pytest(layout, plugin_env, "--collect-only", "-q",
                                     "--shardplan-splits=3", f"--shardplan-group={group}",
                                     "--shardplan-segment=unit",
                                     f"--shardplan-write-plan={written}"))
        assert written.read_bytes() == plan.read_bytes(), f"group {group}: the plans differ"
    unit = collected(run_pytest(layout, plugin_env, "--collect-only", "-q", "tests/unit"))
    assert sorted(seen) == sorted(unit) and len(unit) == 40
