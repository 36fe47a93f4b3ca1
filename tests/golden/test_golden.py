"""Golden CLI cases: each folder under cases/ holds `args.json` (the command line after
`shardplan`), its input files, and the expected `stdout`, `stderr` and `exit` of the real
binary run inside that folder.

SHARDPLAN_UPDATE_GOLDEN rewrites expectations: `1` or `all` for every case, or a comma-separated
list of case names (`SHARDPLAN_UPDATE_GOLDEN=plan_slices,check_ok`) for those only; every
rewritten file's diff is printed. Nothing is blessed that breaks an invariant: a plan on stdout
must cover every file once (whole, or as consistent slices) in exactly N non-empty shards with
a makespan no lower than its lower bound, and the binary must not have died of a signal."""
import difflib
import json
import os
import pathlib
import re
import subprocess

import pytest

# Wall-clock readings differ from run to run; golden files hold a placeholder instead.
MEASURED = re.compile(rb"measured [0-9]+\.[0-9]+ s")
# run-all also prints each shard's wall time, the clock, and its temporary log directory.
RUN_ALL_WALL = [
    (re.compile(rb"(?m)^( +[0-9]+ +[0-9]+\.[0-9]+ s) +[0-9]+\.[0-9]+ s"), rb"\1   <wall> s"),
    (re.compile(rb"(passed|failed) in [0-9]+\.[0-9]+ s"), rb"\1 in <wall> s"),
    (re.compile(rb"[0-9]+:[0-9]{2} elapsed, ~[0-9]+:[0-9]{2} predicted"),
     rb"<clock> elapsed, ~<clock> predicted"),
    (re.compile(rb"/[^ \n]*/shardplan-run-all-[A-Za-z0-9]+"), rb"<logs>"),
]

CASES = pathlib.Path(__file__).parent / "cases"
BIN = os.environ.get("SHARDPLAN_BIN", "")
OUTPUTS = ("stdout", "stderr", "exit")


def normalized(output, command):
    output = MEASURED.sub(b"measured <wall> s", output)
    if command == "run-all":
        for pattern, placeholder in RUN_ALL_WALL:
            output = pattern.sub(placeholder, output)
    return output


def case_names():
    return sorted(p.name for p in CASES.iterdir() if (p / "args.json").exists())


def cases_to_update(setting):
    """The case names SHARDPLAN_UPDATE_GOLDEN asks to rewrite (all of them for 1 or all)."""
    setting = setting.strip()
    if not setting or setting == "0":
        return set()
    if setting in ("1", "all"):
        return set(case_names())
    names = {name.strip() for name in setting.split(",") if name.strip()}
    unknown = names - set(case_names())
    if unknown:
        raise pytest.UsageError("SHARDPLAN_UPDATE_GOLDEN names no such case: "
                                + ", ".join(sorted(unknown)))
    return names


UPDATE = cases_to_update(os.environ.get("SHARDPLAN_UPDATE_GOLDEN", ""))


# --- invariants of a plan (docs/plan-format.md) ------------------------------------------------


def plan_problems(plan):
    """What is wrong with `plan` (a parsed plan JSON), as sentences; empty when nothing is."""
    problems = []
    count = plan["shard_count"]
    shards = plan["shards"]
    if [shard["index"] for shard in shards] != list(range(1, count + 1)):
        problems.append(f"shards are not 1..{count} in order: "
                        f"{[shard['index'] for shard in shards]}")
    for shard in shards:
        if not shard["files"] and not shard["slices"]:
            problems.append(f"shard {shard['index']} is empty")
    whole, sliced = {}, {}
    for shard in shards:
        for path in shard["files"]:
            whole.setdefault(path, []).append(shard["index"])
        for piece in shard["slices"]:
            sliced.setdefault(piece["file"], []).append((shard["index"], piece))
    for path, where in sorted(whole.items()):
        if len(where) > 1:
            problems.append(f"{path} is planned whole in shards {where}")
        if path in sliced:
            problems.append(f"{path} is planned whole and as slices")
    for path, pieces in sorted(sliced.items()):
        problems += slice_problems(path, pieces)
    predicted = max((shard["predicted_seconds"] for shard in shards), default=0.0)
    if abs(plan["makespan_seconds"] - predicted) > 1e-9 * max(1.0, predicted):
        problems.append(f"makespan {plan['makespan_seconds']} is not the slowest shard's "
                        f"{predicted}")
    if plan["makespan_seconds"] < plan["lower_bound_seconds"] * (1 - 1e-9):
        problems.append(f"makespan {plan['makespan_seconds']} is below the lower bound "
                        f"{plan['lower_bound_seconds']}")
    return problems


def slice_problems(path, pieces):
    """A sliced file: slices 1..count once each, in distinct shards, one owner, every listed
    test of this file and in one slice only."""
    problems = []
    count = pieces[0][1]["of"]
    if sorted(piece["slice"] for _, piece in pieces) != list(range(1, count + 1)):
        problems.append(f"{path}: slices {sorted(p['slice'] for _, p in pieces)}, "
                        f"expected 1..{count}")
    if any(piece["of"] != count for _, piece in pieces):
        problems.append(f"{path}: slices disagree on their count")
    if len({shard for shard, _ in pieces}) != len(pieces):
        problems.append(f"{path}: two slices share a shard")
    if sum(1 for _, piece in pieces if piece["owner"]) != 1:
        problems.append(f"{path}: not exactly one owner slice")
    tests = [test for _, piece in pieces for test in piece["tests"]]
    if len(tests) != len(set(tests)):
        problems.append(f"{path}: a test is listed in two slices")
    problems += [f"{path}: slice lists {test} of another file"
                 for test in tests if test.split("::", 1)[0] != path]
    return problems


def plan_on_stdout(stdout):
    """The plan `stdout` holds, or None when it is not a plan."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    return data if isinstance(data, dict) and "shardplan_plan" in data else None


def test_plan_invariants_catch_a_broken_plan():
    plan = plan_on_stdout((CASES / "plan_slices" / "stdout").read_bytes())
    assert plan is not None and plan_problems(plan) == []
    plan["shards"][0]["files"] += plan["shards"][1]["files"]
    plan["shards"][1]["slices"][0]["owner"] = not plan["shards"][1]["slices"][0]["owner"]
    plan["lower_bound_seconds"] = plan["makespan_seconds"] + 1
    problems = plan_problems(plan)
    assert any("planned whole in shards" in problem for problem in problems), problems
    assert any("not exactly one owner slice" in problem for problem in problems), problems
    assert any("below the lower bound" in problem for problem in problems), problems


# --- the cases ----------------------------------------------------------------------------------


def show_diff(capsys, name, key, old, new):
    diff = difflib.unified_diff(old.decode(errors="replace").splitlines(keepends=True),
                                new.decode(errors="replace").splitlines(keepends=True),
                                f"a/{name}/{key}", f"b/{name}/{key}")
    text = "".join(diff)
    if text:
        with capsys.disabled():
            print(f"\n{text}", end="" if text.endswith("\n") else "\n")


@pytest.mark.parametrize("name", case_names())
def test_golden(name, tmp_path, capsys):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    case = CASES / name
    args = json.loads((case / "args.json").read_text(encoding="utf-8"))
    stdin = case / "stdin"
    env = dict(os.environ, SHARDPLAN_PLUGIN_DIR=str(tmp_path / "plugin"))
    proc = subprocess.run([BIN, *args], cwd=case, capture_output=True, env=env,
                          input=stdin.read_bytes() if stdin.exists() else b"")
    assert proc.returncode >= 0, f"shardplan died of signal {-proc.returncode}: {proc.stderr!r}"
    plan = plan_on_stdout(proc.stdout)
    if plan is not None:
        assert plan_problems(plan) == [], "the plan on stdout breaks an invariant"
    command = args[0] if args else ""
    actual = {"stdout": normalized(proc.stdout, command),
              "stderr": normalized(proc.stderr, command),
              "exit": f"{proc.returncode}\n".encode()}
    for key in OUTPUTS:
        expected_path = case / key
        expected = expected_path.read_bytes() if expected_path.exists() else b""
        if name in UPDATE:
            show_diff(capsys, name, key, expected, actual[key])
            expected_path.write_bytes(actual[key])
        else:
            assert actual[key].decode(errors="replace") == expected.decode(errors="replace"), key
    for leftover in case.glob(".*.tmp-*"):
        pytest.fail(f"temporary file left behind: {leftover}")
