"""Runs pytest and shardplan on a generated layout and compares what they see.

Every comparison returns a list of human-readable problems (empty: conformant) naming the files
or node ids that differ, so a failing case says exactly what is wrong.
"""
import collections
import hashlib
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest_versions

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SHARDPLAN_BIN", "")
PARALLEL = int(os.environ.get("SHARDPLAN_CONFORMANCE_JOBS", "4"))


def write_tree(root, files, default_text):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(default_text if text is None else text)


class Runner:
    """pytest (the target version) and shardplan for one layout written under `root`."""

    def __init__(self, target, layout, root, work):
        self.target, self.layout, self.root, self.work = target, layout, root, work
        self.cwd = os.path.normpath(os.path.join(root, layout.cwd))
        env = target.env()
        env.pop("PYTEST_ADDOPTS", None)
        env.update(layout.env)
        self.env = env

    # --- pytest ---------------------------------------------------------------------------
    def pytest(self, *args, env=None):
        return subprocess.run(self.target.command() + list(args), cwd=self.cwd, capture_output=True,
                              text=True, env=env or self.env, timeout=300)

    def collect(self):
        """pytest's own full collection: node ids printed by `--collect-only -q`. The config
        may add -v (pymc-marketing, scout), which would turn -q's id list into a tree, so more
        q's are added until the output is the id list (a net verbosity of -1)."""
        for quiet in ("-q", "-qq", "-qqq"):
            proc = self.pytest("--collect-only", quiet, *self.layout.args)
            ids = parse_collect_only(proc.stdout)
            if ids is not None:
                break
        if proc.returncode != 0 or ids is None:
            raise AssertionError(f"pytest --collect-only exited {proc.returncode} in {self.cwd}:\n"
                                 f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return ids

    # --- shardplan ------------------------------------------------------------------------
    def shardplan(self, command, *args, pytest_args=True):
        """`shardplan COMMAND ARGS` in the layout's cwd, with --pytest-version and the case's
        pytest arguments after `--` when the binary's COMMAND accepts them."""
        caps = capabilities(command)
        argv = [BIN, command, *map(str, args)]
        if caps["pytest_version"]:
            argv += ["--pytest-version", self.target.version]
        if pytest_args and self.layout.args and caps["pytest_args"]:
            argv += ["--", *self.layout.args]
        proc = subprocess.run(argv, cwd=self.cwd, capture_output=True, text=True, env=self.env,
                              timeout=300)
        proc.argv = argv
        return proc

    def files(self):
        """`shardplan files`, asked for the modules that only --doctest-modules collects too
        (pytest's node ids include them), when this shardplan has that flag."""
        flags = ["--with-doctest-modules"] if capabilities("files")["doctest_modules"] else []
        proc = self.shardplan("files", *flags)
        if proc.returncode != 0:
            raise AssertionError(f"{' '.join(proc.argv)} exited {proc.returncode}:\n{proc.stderr}")
        return [line for line in proc.stdout.splitlines() if line.strip()]


_CAPS = {}


def capabilities(command):
    """What this shardplan's COMMAND accepts, read from its --help."""
    if command not in _CAPS:
        text = subprocess.run([BIN, command, "--help"], capture_output=True, text=True).stdout
        _CAPS[command] = {
            "pytest_version": "--pytest-version" in text,
            "pytest_args": bool(re.search(r"^Positionals:", text, re.M)) or "after --" in text,
            "doctest_modules": "--with-doctest-modules" in text,
        }
    return _CAPS[command]


def parse_collect_only(stdout):
    """Node ids from `pytest --collect-only -q` (7.2, 8.4 and 9.1 print the same: one id per
    line, a blank line, the summary). None when the output is not an id list: the tree that a
    net verbosity of 0 prints, or the `file: count` lines of -2."""
    stdout = re.sub(r"\x1b\[[0-9;]*m", "", stdout)  # --color=yes in addopts
    if re.search(r"^=+ test session starts =+$", stdout, re.M):
        return None  # verbosity 0: header and tree
    ids = []
    for line in stdout.splitlines():
        if not line.strip():
            break
        if line.lstrip().startswith("<") or line.startswith(" "):
            return None
        ids.append(line)
    if ids and all(re.search(r"\.\w+: \d+$", line) for line in ids):
        return None
    if not ids and not re.search(r"no tests (collected|ran)|\d+ tests? collected", stdout):
        return None
    return ids


def file_of(node_id):
    return node_id.split("::", 1)[0]


# --- durations -----------------------------------------------------------------------------
def seconds_for(node_id):
    """Deterministic pseudo-random seconds in [0.01, 3.0]."""
    digest = hashlib.sha256(node_id.encode()).digest()
    return round(0.01 + int.from_bytes(digest[:4], "big") % 2990 / 1000, 3)


def durations(ids, variant):
    """A .test_durations for `ids`. variant: 'timed', 'stale' (adds tests and files that no
    longer exist) or 'xdist' (stale too, and parametrized / every third id written the way
    pytest-split records them under xdist's loadgroup: `id@group`)."""
    out = {}
    for n, node in enumerate(ids):
        key = node
        if variant == "xdist" and ("[" in node or n % 3 == 0):
            key = node + "@group" + str(n % 2)
        out[key] = seconds_for(node)
    if variant in ("stale", "xdist") and ids:
        files = sorted({file_of(i) for i in ids})
        for n, f in enumerate(files[:4]):
            out[f"{f}::test_deleted_{n}"] = 1.5
            out[f"{f}::TestGone::test_x[{n}]"] = 0.5
        out["tests/removed_dir/test_removed.py::test_gone"] = 4.0
        out["old_file_test.py::test_old[a b]"] = 2.0
    return out


# --- JUnit ---------------------------------------------------------------------------------
def junit_key(node_id):
    """(classname, name) that pytest's junitxml writes for a node id (mangle_test_address)."""
    path, bracket, params = node_id.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def junit_cases(report):
    tree = ET.parse(report)
    cases = []
    for case in tree.iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
        # xdist's loadgroup appends @group to the node ids it runs (test_x[1]@db)
        name = re.sub(r"@[^@\[\]]*$", "", case.get("name", ""))
        cases.append((case.get("classname", ""), name, outcome))
    return cases


def compare_union(expected_ids, per_shard):
    """Problems with the shards' JUnit testcases against pytest's full collection: ids that
    never ran, ran more than once (with their shards), or are not in the collection."""
    problems = []
    want = collections.Counter(junit_key(i) for i in expected_ids)
    name_of = {junit_key(i): i for i in expected_ids}
    seen = collections.defaultdict(list)
    for shard, cases in sorted(per_shard.items()):
        for classname, name, outcome in cases:
            seen[(classname, name)].append(shard)
            if outcome != "passed":
                problems.append(f"{name_of.get((classname, name), classname + '::' + name)}: "
                                f"{outcome} in shard {shard}")
    for key, count in sorted(want.items()):
        got = len(seen.get(key, []))
        if got < count:
            problems.append(f"never ran: {name_of[key]}")
        elif got > count:
            problems.append(f"ran {got} times (shards {seen[key]}): {name_of[key]}")
    for key in sorted(set(seen) - set(want)):
        problems.append(f"ran but pytest does not collect it: classname={key[0]!r} "
                        f"name={key[1]!r} (shards {seen[key]})")
    return problems


def set_diff(label_a, a, label_b, b):
    a, b = set(a), set(b)
    lines = []
    if a - b:
        lines.append(f"only in {label_a}: " + ", ".join(sorted(a - b)))
    if b - a:
        lines.append(f"only in {label_b}: " + ", ".join(sorted(b - a)))
    return lines


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)
