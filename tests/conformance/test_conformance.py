"""Conformance of shardplan with real pytest (7.2, 8.4.2 or 9.1.1: SHARDPLAN_PYTEST) on the
corpus in layouts.py.

For every layout:
  test_files   `shardplan files` equals the set of files of the node ids that
               `pytest --collect-only -q` prints;
  test_shards  for N in 2, 3, 5, 8 (no timings; timings; stale timings; stale timings with
               xdist-style `id@group` keys): `shardplan plan`, every shard run through
               `shardplan run` with --junitxml; every shard exits 0 (not 5: no shard empty), the
               union of the JUnit testcases is exactly pytest's full collection, each once, and
               `shardplan audit` passes.
test_xdist runs the shards of one layout with `-n 2 --dist MODE`.

Timings are synthesized from the full collection with deterministic pseudo-random seconds.
A failing case lists the files or node ids that differ.
"""
import concurrent.futures
import json
import os
import subprocess

import pytest

from layouts import NOT_A_TEST

import harness
import layouts
from conftest import TARGET

LAYOUTS = {layout.name: layout for layout in layouts.corpus()}
SHARD_VARIANTS = {2: None, 3: "timed", 5: "stale", 8: "xdist"}
DIST_MODES = ["load", "loadfile", "loadscope", "loadgroup", "worksteal"]

_prepared = {}


def prepare(layout, tmp_path_factory):
    """Writes the layout once per session and collects it with pytest; cached."""
    if layout.name not in _prepared:
        base = tmp_path_factory.mktemp(layout.name)
        project, work = str(base / "project"), str(base / "work")
        harness.write_tree(project, layout.files, layouts.TEST_MODULE)
        os.makedirs(work)
        runner = harness.Runner(TARGET, layout, project, work)
        try:
            _prepared[layout.name] = (runner, runner.collect(), None)
        except AssertionError as error:
            _prepared[layout.name] = (runner, None, str(error))
    runner, ids, error = _prepared[layout.name]
    if error:
        pytest.fail(f"pytest itself cannot collect layout {layout.name}: {error}")
    return runner, ids


def describe(layout):
    extra = []
    if layout.args:
        extra.append("args " + " ".join(layout.args))
    if layout.env:
        extra.append("env " + " ".join(f"{k}={v!r}" for k, v in layout.env.items()))
    if layout.cwd != ".":
        extra.append("cwd " + layout.cwd)
    return f"layout {layout.name} under pytest {TARGET.version}" + (f" ({'; '.join(extra)})" if extra else "")


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_files(name, tmp_path_factory):
    layout = LAYOUTS[name]
    runner, ids = prepare(layout, tmp_path_factory)
    expected = sorted({harness.file_of(i) for i in ids})
    # pytest's ids are relative to its rootdir, shardplan's paths to where it runs (--root): in
    # a layout whose ini lies in a parent directory the two differ by the path between them.
    below = os.path.relpath(runner.cwd, runner.root)
    if below != "." and all(f.startswith(below + "/") for f in expected):
        expected = sorted(f[len(below) + 1:] for f in expected)
    found = runner.files()
    # A module that matches python_files but defines no test is visited by pytest and yields no
    # node id: shardplan cannot tell without running Python, lists it, and the plugin and the
    # audit account for it (the shard reports it as a file with no item). Only such modules may
    # be listed beyond pytest's ids.
    prefix = "" if below == "." else below + "/"
    no_tests = {path[len(prefix):] for path, content in layout.files.items()
                if content == NOT_A_TEST and path.startswith(prefix)}
    found_checked = [f for f in found if f not in no_tests or f in expected]
    problems = harness.set_diff("shardplan files", found_checked, "pytest --collect-only", expected)
    if len(found) != len(set(found)):
        problems.append("shardplan files printed duplicates")
    assert not problems, describe(layout) + ":\n  " + "\n  ".join(problems)


def plan_and_run(runner, ids, shards, variant, extra=()):
    """Plans, runs every shard and audits; returns the list of problems."""
    work = os.path.join(runner.work, f"n{shards}" + ("-" + "-".join(extra) if extra else ""))
    os.makedirs(work, exist_ok=True)
    plan = os.path.join(work, "plan.json")
    args = ["--shards", shards, "-o", plan]
    if variant:
        timings = os.path.join(work, ".test_durations")
        harness.write_json(timings, harness.durations(ids, variant))
        args += ["--durations", timings]
    proc = runner.shardplan("plan", *args)
    if proc.returncode != 0:
        return [f"{' '.join(map(str, proc.argv))} exited {proc.returncode}: {proc.stderr.strip()}"]

    problems, per_shard = [], {}
    results = run_shards(runner, plan, shards, os.path.join(work, "reports"), extra)
    for index, shard in sorted(results.items()):
        report = os.path.join(work, "reports", f"shard-{index}.xml")
        if shard.returncode != 0:
            why = " (5: no tests collected: the shard is empty)" if shard.returncode == 5 else ""
            problems.append(f"shard {index} exited {shard.returncode}{why}:\n"
                            + indent(shard.stdout[-1500:] + shard.stderr[-1500:]))
        if not os.path.exists(report):
            problems.append(f"shard {index} wrote no JUnit report")
            continue
        per_shard[index] = harness.junit_cases(report)
        # A shard may run nothing only when the plan has more shards than files, so that some
        # shard holds nothing but listed tests (secure.h), and every one of those is gone: the
        # plugin proves it from pytest's collection, says so and exits 0. Anything else is an
        # empty shard.
        if not per_shard[index] and not (
                universe_files(plan) < int(shards)
                and "every test it lists is gone" in shard.stdout):
            problems.append(f"shard {index} ran no test")
    problems += harness.compare_union(ids, per_shard)

    audit = runner.shardplan("audit", "--plan", plan, "--junit",
                             os.path.join(work, "reports", "shard-{shard}.xml"))
    if audit.returncode != 0:
        problems.append(f"shardplan audit exited {audit.returncode}:\n"
                        + indent(audit.stdout[-2000:] + audit.stderr[-2000:]))
    return problems


def universe_files(plan):
    with open(plan, encoding="utf-8") as f:
        return json.load(f)["universe"]["files"]


def run_shards(runner, plan, shards, reports, extra):
    os.makedirs(reports, exist_ok=True)

    def one(index):
        argv = [harness.BIN, "run", "--plan", plan, "--shard", str(index), "--",
                *TARGET.command(), f"--junitxml={reports}/shard-{index}.xml", *extra,
                *runner.layout.args]
        return index, subprocess.run(argv, cwd=runner.cwd, capture_output=True, text=True,
                                     env=runner.env, timeout=300)

    with concurrent.futures.ThreadPoolExecutor(harness.PARALLEL) as pool:
        return dict(pool.map(one, range(1, shards + 1)))


def indent(text):
    return "\n".join("      " + line for line in text.strip().splitlines())


@pytest.mark.parametrize("shards", sorted(SHARD_VARIANTS))
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_shards(name, shards, tmp_path_factory):
    layout = LAYOUTS[name]
    runner, ids = prepare(layout, tmp_path_factory)
    variant = SHARD_VARIANTS[shards]
    problems = plan_and_run(runner, ids, shards, variant)
    assert not problems, (f"{describe(layout)}, {shards} shards, timings: {variant or 'none'}:\n  "
                          + "\n  ".join(problems))


_xdist_modes = {}


def xdist_supports(runner, mode):
    if not _xdist_modes:
        text = runner.pytest("--help").stdout
        _xdist_modes["text"] = text
    text = _xdist_modes["text"]
    if "--numprocesses" not in text:
        return "pytest-xdist is not installed for this pytest (Debian: apt-get install python3-pytest-xdist)"
    if mode not in text:
        return f"this pytest-xdist has no --dist {mode} (Debian 12's xdist 3.1; worksteal came in 3.2)"
    return None


@pytest.mark.parametrize("mode", DIST_MODES)
def test_xdist(mode, tmp_path_factory):
    layout = layouts.xdist_layout()
    runner, ids = prepare(layout, tmp_path_factory)
    reason = xdist_supports(runner, mode)
    if reason:
        pytest.skip(reason)
    problems = plan_and_run(runner, ids, 3, "xdist", extra=("-n", "2", "--dist", mode))
    assert not problems, f"{describe(layout)}, 3 shards, -n 2 --dist {mode}:\n  " + "\n  ".join(problems)
