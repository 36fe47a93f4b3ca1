"""shardplan's pytest plugin: run one shard of a shardplan plan, record pytest-split durations.

Load it with `-p shardplan_pytest` (python/ on PYTHONPATH); the shardplan binary embeds this
same file. Standard library only, and one self-contained module on purpose.

  --shardplan=PLAN.json --shardplan-shard=I
      Collect only shard I (1-based) of the plan: files of other shards are never imported,
      sliced files keep only this shard's node ids, and files the plan does not know run in
      shard fnv1a64(path) % N + 1. See docs/plan-format.md.
  --shardplan-store-durations=FILE
      Merge the measured seconds of every test (setup + call + teardown) into FILE, a
      pytest-split compatible JSON object {node id: seconds}, written atomically.

Without these options the plugin does nothing.

PYTEST_DONT_REWRITE: nothing here asserts, and tests may import this module before loading it.
"""

import fnmatch
import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

PLAN_VERSION = 1
_FNV64_OFFSET = 0xCBF29CE484222325
_FNV64_PRIME = 0x100000001B3
_MASK64 = (1 << 64) - 1

# What the plan says about one test file, from the point of view of the running shard.
WHOLE = "whole"  # this shard runs the whole file
SLICED = "sliced"  # this shard runs its slice of the file
OTHER = "other"  # another shard runs it: never import it here


def fnv1a64(text):
    """FNV-1a 64 over the UTF-8 bytes of `text`, as the plan format defines it."""
    value = _FNV64_OFFSET
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * _FNV64_PRIME) & _MASK64
    return value


def hash_shard(path, shard_count):
    """The 1-based shard that runs a file the plan does not know."""
    return fnv1a64(path) % shard_count + 1


def path_matches_patterns(path, patterns):
    """True when `path` matches one of the python_files globs, as pytest's fnmatch_ex does."""
    for pattern in patterns:
        if sys.platform.startswith("win") and os.sep not in pattern and "/" in pattern:
            pattern = pattern.replace("/", os.sep)
        if os.sep not in pattern:
            name = path.name
        else:
            name = str(path)
            if path.is_absolute() and not os.path.isabs(pattern):
                pattern = "*" + os.sep + pattern
        if fnmatch.fnmatch(name, pattern):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Reading the plan


class PlanError(Exception):
    """The plan file cannot be used; the message says why."""


class Slice:
    def __init__(self, file, tests, owner):
        self.file = file
        self.tests = tests  # frozenset of node ids
        self.owner = owner


class ShardView:
    """The parts of a plan that shard `shard` needs."""

    def __init__(self, shard, shard_count, inputs_digest):
        self.shard = shard
        self.shard_count = shard_count
        self.inputs_digest = inputs_digest
        self.files = set()  # whole files of this shard
        self.slices = {}  # file -> Slice of this shard
        self.elsewhere = set()  # files (whole or sliced) that only other shards run
        self.listed = {}  # sliced file -> node ids that any slice of it lists

    def verdict(self, rel_path):
        if rel_path in self.files:
            return WHOLE
        if rel_path in self.slices:
            return SLICED
        if rel_path in self.elsewhere:
            return OTHER
        return WHOLE if hash_shard(rel_path, self.shard_count) == self.shard else OTHER

    def is_planned(self, rel_path):
        return rel_path in self.files or rel_path in self.slices or rel_path in self.elsewhere


def _require(condition, message):
    if not condition:
        raise PlanError(message)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _string_list(value, where):
    _require(isinstance(value, list) and all(isinstance(v, str) for v in value),
             "%s must be a list of strings" % where)
    return value


def _read_slice(entry, where):
    _require(isinstance(entry, dict), "%s must be an object" % where)
    _require(isinstance(entry.get("file"), str), "%s.file must be a string" % where)
    _require(isinstance(entry.get("owner"), bool), "%s.owner must be true or false" % where)
    tests = _string_list(entry.get("tests"), "%s.tests" % where)
    return Slice(entry["file"], frozenset(tests), entry["owner"])


def parse_plan(data, shard):
    """Checks a decoded plan and returns the ShardView of `shard` (1-based)."""
    _require(isinstance(data, dict), "the plan must be a JSON object")
    version = data.get("shardplan_plan")
    _require(_is_int(version) and version == PLAN_VERSION,
             "unsupported plan version %s (this plugin reads version %d)"
             % (json.dumps(version), PLAN_VERSION))
    shards = data.get("shards")
    _require(isinstance(shards, list), "'shards' must be a list")
    count = data.get("shard_count")
    _require(_is_int(count) and count >= 1, "'shard_count' must be a positive integer")
    _require(count == len(shards),
             "shard_count is %d but the plan lists %d shards" % (count, len(shards)))
    _require(1 <= shard <= count,
             "--shardplan-shard=%d is outside 1..%d" % (shard, count))
    digest = data.get("inputs_digest")
    _require(isinstance(digest, str), "'inputs_digest' must be a string")

    view = ShardView(shard, count, digest)
    owners = {}
    for position, entry in enumerate(shards, 1):
        where = "shards[%d]" % (position - 1)
        _require(isinstance(entry, dict), "%s must be an object" % where)
        _require(entry.get("index") == position,
                 "%s has index %s, expected %d" % (where, json.dumps(entry.get("index")), position))
        files = _string_list(entry.get("files"), where + ".files")
        slice_entries = entry.get("slices", [])
        _require(isinstance(slice_entries, list), where + ".slices must be a list")
        slices = [_read_slice(s, "%s.slices[%d]" % (where, i)) for i, s in enumerate(slice_entries)]
        for piece in slices:
            view.listed.setdefault(piece.file, set()).update(piece.tests)
            owners[piece.file] = owners.get(piece.file, 0) + piece.owner
        if position == shard:
            view.files.update(files)
            view.slices.update((piece.file, piece) for piece in slices)
        else:
            view.elsewhere.update(files)
            view.elsewhere.update(piece.file for piece in slices)
    for file, count_of_owners in sorted(owners.items()):
        _require(count_of_owners == 1, "sliced file %s has %d owner slices, expected exactly 1"
                 % (file, count_of_owners))
    view.elsewhere.difference_update(view.files, view.slices)
    return view


def load_plan(path, shard):
    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        raise PlanError("cannot read the plan: %s" % (error.strerror or error))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PlanError("not a valid JSON plan: %s" % error)
    return parse_plan(data, shard)


# ---------------------------------------------------------------------------------------------
# Running one shard


def _junit_report(config):
    """pytest's LogXML object when --junitxml is active, else None."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - very old pytest
        return getattr(config, "_xml", None)
    return config.stash.get(xml_key, None)


class ShardPlugin:
    """Registered only when --shardplan is given."""

    def __init__(self, config, view):
        self.config = config
        self.view = view
        self.gone = 0
        self.unplanned = set()  # files collected here that the plan does not know

    def pytest_sessionstart(self, session):
        """Tag the JUnit report (if any) so `shardplan audit` knows which shard and plan wrote it."""
        xml = _junit_report(self.config)
        if xml is not None:
            xml.add_global_property("shardplan_shard", str(self.view.shard))
            xml.add_global_property("shardplan_plan", self.view.inputs_digest)

    def relative(self, path):
        """Root-relative POSIX path, or None when `path` is outside the rootdir."""
        try:
            return Path(path).relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return None

    def is_test_module(self, path):
        return (path.suffix == ".py" and path.name != "conftest.py"
                and path_matches_patterns(path, self.config.getini("python_files")))

    def judge(self, path):
        """The verdict on `path`, or None when it is not a test module under the rootdir."""
        if not self.is_test_module(path):
            return None
        rel = self.relative(path)
        if rel is None:
            return None
        return self.view.verdict(rel)

    def pytest_ignore_collect(self, collection_path, config):
        if collection_path.is_dir():
            return None
        return True if self.judge(collection_path) == OTHER else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session, config, items):
        kept, dropped, seen, seen_files = [], [], set(), set()
        for item in items:
            rel = self.relative(item.path)
            verdict = self.judge(item.path)
            if verdict == OTHER:
                dropped.append(item)  # named on the command line, where pytest never ignores
            elif verdict == SLICED and not self.in_my_slice(rel, item.nodeid):
                dropped.append(item)
            else:
                kept.append(item)
                if verdict == WHOLE and not self.view.is_planned(rel):
                    self.unplanned.add(rel)
            seen.add(item.nodeid)
            seen_files.add(rel)
        self.gone = self.count_gone(seen, seen_files)
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = kept

    def count_gone(self, seen, seen_files):
        """Listed tests of this shard's slices that were not collected. A sliced file that
        exists but was not collected at all (paths given on the command line) is not judged."""
        gone = 0
        for rel, piece in self.view.slices.items():
            if rel in seen_files or not (self.config.rootpath / rel).exists():
                gone += sum(1 for nodeid in piece.tests if nodeid not in seen)
        return gone

    def in_my_slice(self, rel, nodeid):
        piece = self.view.slices[rel]
        if nodeid in piece.tests:
            return True
        return piece.owner and nodeid not in self.view.listed.get(rel, ())

    def summary_line(self, with_results):
        view = self.view
        line = "shardplan: shard %d/%d, plan %s, %d files, %d slices" % (
            view.shard, view.shard_count, view.inputs_digest, len(view.files), len(view.slices))
        if with_results:
            line += ", %d listed tests not found" % self.gone
            if self.unplanned:
                line += ", %d unplanned files" % len(self.unplanned)
        return line

    def pytest_report_header(self, config):
        return self.summary_line(with_results=False)

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(self.summary_line(with_results=True))


# ---------------------------------------------------------------------------------------------
# Recording durations


class DurationStore:
    """Registered only when --shardplan-store-durations is given."""

    def __init__(self, config, path):
        self.config = config
        self.path = path
        self.durations = {}
        self.messages = []  # printed in the terminal summary, after the file is written

    def pytest_runtest_logreport(self, report):
        if report.when in ("setup", "call", "teardown"):
            self.durations[report.nodeid] = (self.durations.get(report.nodeid, 0.0)
                                             + float(getattr(report, "duration", 0.0) or 0.0))

    def pytest_sessionfinish(self, session):
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller sees every report and writes the file
        merged, problem = read_durations(self.path)
        merged.update(self.durations)
        write_atomically(self.path, json.dumps(merged, sort_keys=True, indent=4) + "\n")
        if problem:
            self.messages.append("shardplan: %s; replaced it" % problem)
        self.messages.append("shardplan: stored durations of %d tests in %s (%d entries)"
                             % (len(self.durations), self.path, len(merged)))

    def pytest_terminal_summary(self, terminalreporter):
        for message in self.messages:
            terminalreporter.write_line(message)


def read_durations(path):
    """Entries of an existing durations file, and a problem description or None."""
    try:
        with open(path, "r", encoding="utf-8") as stream:
            data = json.load(stream)
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as error:
        return {}, "could not read %s (%s)" % (path, error)
    if isinstance(data, list):  # pytest-split's old format: [[node id, seconds], ...]
        try:
            data = dict(data)
        except (TypeError, ValueError):
            data = None
    if not isinstance(data, dict):
        return {}, "%s is not a JSON object of durations" % path
    return {k: v for k, v in data.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}, None


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".shardplan-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------------------
# Entry points


def pytest_addoption(parser):
    group = parser.getgroup("shardplan", "run one shard of a shardplan plan")
    group.addoption("--shardplan", metavar="PLAN.json", default=None,
                    help="plan written by `shardplan plan`; requires --shardplan-shard")
    group.addoption("--shardplan-shard", metavar="I", type=int, default=None,
                    help="1-based shard of the plan to run")
    group.addoption("--shardplan-store-durations", metavar="FILE", default=None,
                    help="merge measured test durations into FILE (pytest-split format)")


def _configure_shard(config):
    plan_path = config.getoption("shardplan")
    shard = config.getoption("shardplan_shard")
    if shard is None:
        raise pytest.UsageError("shardplan: --shardplan needs --shardplan-shard=I")
    try:
        view = load_plan(plan_path, shard)
    except PlanError as error:
        raise pytest.UsageError("shardplan: %s: %s" % (plan_path, error))
    config.pluginmanager.register(ShardPlugin(config, view), "shardplan-shard")


def pytest_configure(config):
    if config.getoption("shardplan", None):
        _configure_shard(config)
    durations = config.getoption("shardplan_store_durations", None)
    if durations:
        path = os.path.join(str(config.invocation_params.dir), durations)
        config.pluginmanager.register(DurationStore(config, path), "shardplan-durations")
