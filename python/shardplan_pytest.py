"""shardplan's pytest plugin: run one shard of a shardplan plan, record pytest-split durations.

Load it with `-p shardplan_pytest` (python/ on PYTHONPATH); the shardplan binary embeds this
same file. Standard library only, and one self-contained module on purpose.

  --shardplan=PLAN.json --shardplan-shard=I
      Collect only shard I (1-based) of the plan: files of other shards and files outside the
      plan's scope (its --include/--exclude) are never imported, sliced files keep only this
      shard's node ids, and files inside the scope that the plan does not know run in shard
      fnv1a64(path) % N + 1. Every collected item gets one shard, whichever collector made it
      (test modules, doctest modules and text files, other plugins' files). See
      docs/plan-format.md.
  --shardplan-splits=N --shardplan-group=G
      Plan in this job, then run group G (1-based) of N exactly as --shardplan=PLAN
      --shardplan-shard=G would: the shardplan binary plans the files pytest would collect here
      (same invocation directory, arguments, PYTEST_ADDOPTS, ini addopts) from
      --shardplan-durations (default .test_durations at the rootdir). No plan artifact is needed;
      every job prints the plan's digest, and --shardplan-write-plan=PATH keeps the plan for
      `shardplan audit`. Under pytest-xdist the controller plans once and hands the plan to
      its workers. Without pytest-split installed, pytest-split's --splits, --group,
      --durations-path, --store-durations and --clean-durations mean the same
      (docs/pytest-split.md).
  --shardplan-store-durations=FILE
      Merge the measured seconds of every test (setup + call + teardown) into FILE, a
      pytest-split compatible JSON object {node id: seconds}, written atomically; and the costs
      that are paid once per file or per process rather than per test (each file's collection
      and import, module- and class-scoped fixture setups, session-scoped fixture setups and
      which files use them) into the sidecar FILE.costs.json (docs/costs-format.md).

  --shardplan-order-log=PATH (automatic beside --junitxml when a shard runs)
      Write the order in which each process ran its tests, with their outcomes, the plan's
      digest and the shuffle seed (docs/order-log.md), so a failing shard can be replayed.
  --shardplan-shuffle=SEED|random
      Run the tests in a shuffled order (seeded; the seed is printed and logged), to surface
      tests that depend on the order before a new split does.

Without these options the plugin does nothing.

PYTEST_DONT_REWRITE: nothing here asserts, and tests may import this module before loading it.
"""

import fnmatch
import importlib.util
import json
import posixpath
import random
import re
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PLAN_VERSION = 1
# The oldest pytest this plugin supports (ArgsSource, collection_path hooks); tested with 7.2,
# 8.4 and 9.1.
MIN_PYTEST = (7, 2)
SCOPE_SOURCES = ("walk", "files-from", "files-from-timings")
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


def without_xdist_group(nodeid):
    """The node id without pytest-xdist's "@group" suffix (added under --dist loadgroup). The
    suffix follows the test's name, and its closing ']' when it has parameters, so
    "t.py::test_mail[a@b.c]" has none. Same rule as shardplan's C++ readers."""
    names = nodeid.find("::")
    if names < 0:
        return nodeid
    start = nodeid.rfind("::") + 2
    opening = nodeid.find("[", names)
    if opening >= 0:
        closing = nodeid.rfind("]")
        if closing < opening:
            return nodeid
        start = closing + 1
    at = nodeid.find("@", start)
    if at < 0 or at + 1 == len(nodeid):
        return nodeid
    return nodeid[:at]


def is_at_or_under(path, directory):
    return directory == "" or path == directory or path.startswith(directory + "/")


def _has_glob_magic(text):
    return any(c in text for c in "*?[")


def is_excluded(path, exclude):
    """--exclude: a path drops itself and everything under it; a glob drops what it matches and
    everything under directories it matches (fnmatch, '*' spans '/'). As src/core/scope.cc."""
    for pattern in exclude:
        if pattern and is_at_or_under(path, pattern):
            return True
        if not _has_glob_magic(pattern):
            continue
        prefix = path
        while prefix:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            prefix = prefix.rpartition("/")[0]
    return False


def _ancestor_dirs(paths):
    """Every directory above the '/'-separated `paths` ("" not included)."""
    dirs = set()
    for path in paths:
        while "/" in path:
            path = path.rpartition("/")[0]
            if path in dirs:
                break  # its own ancestors are in already
            dirs.add(path)
    return dirs


class Scope:
    """The plan's scope (docs/plan-format.md, "scope"): which root-relative paths a job may run
    at all. The same rule as ScopeRule in src/core/scope.cc."""

    def __init__(self, data, planned_files):
        self.source = data["source"]
        self.paths = data["paths"]
        self.include = data["include"]
        self.exclude = data["exclude"]
        self.config = data["config"]
        self.root_from_config = data["root_from_config"]
        self.planned = frozenset(planned_files) if self.source == "files-from" else None
        self.planned_dirs = _ancestor_dirs(planned_files)

    def contains(self, rel):
        """Whether the test file `rel` may run in some shard."""
        if self.planned is not None:
            return rel in self.planned
        return ((not self.paths or any(is_at_or_under(rel, p) for p in self.paths))
                and (not self.include or any(is_at_or_under(rel, p) for p in self.include))
                and not is_excluded(rel, self.exclude))

    def may_hold(self, rel_dir):
        """Whether the directory `rel_dir` ("" is the root) may hold files in scope."""
        if self.planned is not None:
            return rel_dir == "" or rel_dir in self.planned_dirs
        for narrowing in (self.paths, self.include):
            if narrowing and not any(is_at_or_under(rel_dir, p) or is_at_or_under(p, rel_dir)
                                     for p in narrowing):
                return False
        return not is_excluded(rel_dir, self.exclude) if rel_dir else True

    def describe(self):
        parts = []
        if self.planned is not None:
            parts.append("exactly the planned files (--files-from)")
        for name, values in (("paths", self.paths), ("include", self.include),
                             ("exclude", self.exclude)):
            if values:
                parts.append("%s %s" % (name, ", ".join(values)))
        return "; ".join(parts) or "the whole root"


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

    def __init__(self, shard, shard_count, inputs_digest, scope=None):
        self.scope = scope
        self.shard = shard
        self.shard_count = shard_count
        self.inputs_digest = inputs_digest
        self.files = set()  # whole files of this shard
        self.slices = {}  # file -> Slice of this shard
        self.elsewhere = set()  # files (whole or sliced) that only other shards run
        self.listed = {}  # sliced file -> node ids that any slice of it lists
        self.universe_files = None  # how many files the plan knows, as it says

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

    def planned_files(self):
        return sorted(self.files | set(self.slices) | self.elsewhere)


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


def _read_scope(data):
    scope = data.get("scope")
    _require(isinstance(scope, dict),
             "'scope' is missing: the plan was written by an older shardplan; regenerate it")
    _require(scope.get("source") in SCOPE_SOURCES,
             "scope.source must be one of %s" % ", ".join(SCOPE_SOURCES))
    for key in ("config", "root_from_config"):
        _require(isinstance(scope.get(key), str), "scope.%s must be a string" % key)
    for key in ("paths", "include", "exclude"):
        _string_list(scope.get(key), "scope." + key)
    return scope


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
    scope = _read_scope(data)

    view = ShardView(shard, count, digest)
    universe = data.get("universe")
    view.universe_files = universe.get("files") if isinstance(universe, dict) else None
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
    view.scope = Scope(scope, view.planned_files())
    return view


def read_plan(path):
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        raise PlanError("cannot read the plan: %s" % (error.strerror or error))


def load_plan(path, shard):
    return decode_plan(read_plan(path), shard)


def decode_plan(raw, shard):
    """The ShardView of `shard` from the plan's bytes."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise PlanError("not a valid JSON plan: %s" % error)
    return parse_plan(data, shard)


# ---------------------------------------------------------------------------------------------
# Running one shard


def _junit_report(config):
    """pytest's LogXML object when --junitxml is active, else None."""
    from _pytest.junitxml import xml_key  # pytest >= 7.0; MIN_PYTEST is 7.2

    return config.stash.get(xml_key, None)


class ShardPlugin:
    """Registered only when --shardplan is given."""

    def __init__(self, config, view, root, fresh=False):
        self.config = config
        self.view = view
        self.root = root  # the plan's root: plan paths are relative to it
        # fresh: the plan was made from this very tree a moment ago (in-job planning), so every
        # test file pytest's own collectors can find is in it; see may_skip_directory.
        self.pruner = DirectoryPruner(config, view) if fresh else None
        # relative() runs for every path pytest walks: plain string work, no Path objects.
        self.root_text = str(root)
        self.root_prefix = self.root_text.rstrip(os.sep) + os.sep
        self.gone = {}  # sliced file of this shard -> listed ids that were not collected
        self.unplanned = set()  # files collected here that the plan does not know
        self.out_of_scope = set()  # paths left out because the plan's scope excludes them
        self.known_seen = False  # whether any collected path was one the plan knows
        self.kept = None  # plan ids of the items this shard kept (None until collected)

    def pytest_sessionstart(self, session):
        """Tag the JUnit report (if any) so `shardplan audit` knows which shard and plan wrote it."""
        xml = _junit_report(self.config)
        if xml is not None:
            xml.add_global_property("shardplan_shard", str(self.view.shard))
            xml.add_global_property("shardplan_plan", self.view.inputs_digest)
            # Node ids are relative to pytest's rootdir, the plan's paths to its root: the audit
            # maps one to the other with these two (docs/plan-format.md).
            xml.add_global_property("shardplan_rootdir", _relative_posix(self.config.rootpath, self.root))
            xml.add_global_property("shardplan_root", _relative_posix(self.root, self.config.rootpath))

    def empty_files(self):
        """Whole files of this shard that exist but gave pytest no item (no tests in them)."""
        if self.kept is None:
            return []
        ran = {nodeid.partition("::")[0] for nodeid in self.kept}
        return sorted(rel for rel in self.view.files
                      if rel not in ran and (self.root / rel).is_file())

    def only_gone_work(self):
        """True when this shard holds no whole file and every test its slices list is gone."""
        if self.view.files or any(piece.owner for piece in self.view.slices.values()):
            return False
        listed = sum(len(piece.tests) for piece in self.view.slices.values())
        return listed > 0 and sum(len(ids) for ids in self.gone.values()) == listed

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        """Before the JUnit report is written: record what pytest showed cannot run here, so the
        audit tells a gone test from a lost one; and a shard whose every listed test is gone
        has nothing to run, which is not a failure of the run (its output says why)."""
        if hasattr(self.config, "workerinput"):
            return
        xml = _junit_report(self.config)
        if xml is not None:
            gone = sorted(nodeid for ids in self.gone.values() for nodeid in ids)
            xml.add_global_property("shardplan_gone", json.dumps(gone))
            xml.add_global_property("shardplan_empty", json.dumps(self.empty_files()))
        if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and self.only_gone_work():
            session.exitstatus = pytest.ExitCode.OK

    def relative(self, path):
        """Plan-root-relative POSIX path, or None when `path` (absolute and normalized, as
        pytest's paths are) is outside the plan's root. Lexical, as Path.relative_to."""
        text = str(path)
        if text == self.root_text:
            return "."
        if not text.startswith(self.root_prefix):
            return None
        rel = text[len(self.root_prefix):]
        return rel if os.sep == "/" else rel.replace(os.sep, "/")

    def judge(self, rel):
        """What this shard does with the collected file `rel` (plan-root-relative, or None):
        WHOLE, SLICED or OTHER; None when it is outside the plan's scope."""
        if rel is None or rel == "." or not self.view.scope.contains(rel):
            return None
        if self.view.is_planned(rel):
            self.known_seen = True
        return self.view.verdict(rel)

    def pytest_ignore_collect(self, collection_path, config):
        path = collection_path
        rel = self.relative(path)
        if os.path.isdir(path):
            if rel is None:  # outside the plan's root: ancestors of the root stay walkable
                return None if _is_ancestor(path, self.root) else self.leave_out(path)
            rel_dir = "" if rel == "." else rel
            if not self.view.scope.may_hold(rel_dir):
                return self.leave_out(path)
            if self.pruner is not None and self.pruner.may_skip(path, rel_dir):
                return True
            return None
        if os.path.basename(path) in ("__init__.py", "conftest.py"):
            return None  # packages and conftests are judged by their items, never skipped
        verdict = self.judge(rel)
        if verdict is None:
            return self.leave_out(path)
        return True if verdict == OTHER else None

    def leave_out(self, path):
        self.out_of_scope.add(str(path))
        return True

    def plan_id(self, item):
        """The item's id as the plan writes it: relative to the plan's root, no xdist suffix."""
        nodeid = without_xdist_group(item.nodeid)
        rel = self.relative(item.path)
        if rel is None:
            return nodeid
        _, sep, rest = nodeid.partition("::")
        return rel + sep + rest

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session, config, items):
        kept, dropped, seen, seen_files = [], [], set(), set()
        for item in items:
            rel = self.relative(item.path)
            verdict = self.judge(rel)
            plan_id = self.plan_id(item)
            if verdict is None:
                self.out_of_scope.add(str(item.path))
                dropped.append(item)
            elif verdict == OTHER:
                dropped.append(item)  # named on the command line, or a package/conftest module
            elif verdict == SLICED and not self.in_my_slice(rel, plan_id):
                dropped.append(item)
            else:
                kept.append(plan_id)
                if verdict == WHOLE and not self.view.is_planned(rel):
                    self.unplanned.add(rel)
            if verdict is not None:
                seen.add(plan_id)
                seen_files.add(rel)
        self.check_known(seen_files)
        self.gone = self.find_gone(seen, seen_files)
        self.kept = kept
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            drop = set(map(id, dropped))
            items[:] = [item for item in items if id(item) not in drop]

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        """Under xdist the controller collects nothing itself: it learns the kept ids here."""
        if self.kept is not None:
            return
        self.kept, seen_files = [], set()
        for nodeid in ids:
            file_part, sep, rest = without_xdist_group(nodeid).partition("::")
            rel = self.relative(Path(self.config.rootpath) / file_part)
            if rel is not None:
                self.kept.append(rel + sep + rest)
                seen_files.add(rel)
        # The workers dropped other slices' items already: a sliced file with no kept item was
        # still collected unless the command line named other paths.
        if getattr(self.config, "args_source", None) != pytest.Config.ArgsSource.ARGS:
            seen_files.update(self.view.slices)
        self.gone = self.find_gone(set(self.kept), seen_files)

    def check_known(self, seen_files):
        """A plan that knows none of the files this run looked at was made for another root."""
        if self.known_seen or not seen_files or not self.view.planned_files():
            return
        raise pytest.UsageError(
            "shardplan: none of the %d files pytest collected here is in the plan (e.g. %s), so "
            "every one would be hash-sharded: the plan was made for another root or scope. The "
            "plan's root resolved to %s; plan from the directory pytest runs in, or pass the "
            "same paths" % (len(seen_files), sorted(seen_files)[0], self.root))

    def find_gone(self, seen, seen_files):
        """Listed tests of this shard's slices that were not collected. A sliced file that
        exists but was not collected at all (paths given on the command line) is not judged."""
        gone = {}
        for rel, piece in self.view.slices.items():
            if rel in seen_files or not (self.root / rel).exists():
                missing = sorted(nodeid for nodeid in piece.tests if nodeid not in seen)
                if missing:
                    gone[rel] = missing
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
            line += ", %d listed tests not found" % sum(len(ids) for ids in self.gone.values())
            if self.unplanned:
                line += ", %d unplanned files" % len(self.unplanned)
            if self.out_of_scope:
                line += ", %d paths out of scope left out" % len(self.out_of_scope)
            if self.pruner is not None and self.pruner.skipped:
                line += ", %d directories without its files not walked" % self.pruner.skipped
        return line

    def empty_explanation(self):
        """Why a shard that pytest left empty has nothing, and what to do about it."""
        if self.kept is None or self.kept or hasattr(self.config, "workerinput"):
            return []
        lines = ["shardplan: shard %d collected no tests%s." % (
            self.view.shard, " (exit status 0: every test it lists is gone)" if self.only_gone_work() else "")]
        for rel, missing in sorted(self.gone.items()):
            lines.append("shardplan:   %s: the plan lists %d test(s) here that pytest did not "
                         "collect (renamed or deleted since the timings were recorded), e.g. %s"
                         % (rel, len(missing), missing[0]))
        if self.gone:
            lines.append("shardplan:   refresh the timings (pytest --shardplan-store-durations="
                         ".test_durations, or `shardplan merge`) and re-plan with `shardplan plan "
                         "--collected FILE`, FILE being the output of `pytest --collect-only -q`")
        else:
            lines.append("shardplan:   its files were not collected here (paths given on the "
                         "command line, or an ignore in the pytest configuration); `shardplan "
                         "check --plan PLAN` compares the plan with the test files")
        return lines

    def pytest_report_header(self, config):
        return self.summary_line(with_results=False)

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(self.summary_line(with_results=True))
        for line in self.empty_explanation():
            terminalreporter.write_line(line)


class DirectoryPruner:
    """Which directories a shard of a fresh plan need not walk at all.

    Walking a big tree costs pytest a hook call per file even for files another shard runs
    (about 0.1 ms each: 300 ms for 3,000 files). With a plan made from this very tree a moment
    ago (in-job planning; xdist workers get the controller's), a directory that holds none of
    this shard's files can only hold other shards' files, so skipping it changes nothing,
    unless something other than pytest's own Python and doctest collectors could collect a
    file there that the planner does not know of. So a directory is skipped only when

    - it holds no whole file or slice of this shard (at any depth),
    - no plugin or loaded conftest implements pytest_collect_file or pytest_collect_directory
      besides pytest's own modules, and
    - no conftest.py lies in it or below it (one would be loaded there, and may collect).

    Two-step plans (--shardplan PLAN) never prune: files added since the plan was made run in
    the shard their path hashes to, wherever they are."""

    def __init__(self, config, view):
        self.config = config
        self.mine = _ancestor_dirs(list(view.files) + list(view.slices)) | {""}
        patterns = [str(pattern) for pattern in config.getini("norecursedirs")]
        self.norecurse = re.compile("|".join(fnmatch.translate(p) for p in patterns)) \
            if patterns else None
        self.conftest_below = {}  # directory path -> whether a conftest.py is in or below it
        self.skipped = 0

    def may_skip(self, path, rel_dir):
        if rel_dir in self.mine or self.foreign_collectors():
            return False
        if self.has_conftest(str(path)):
            return False
        self.skipped += 1
        return True

    def foreign_collectors(self):
        hooks = self.config.pluginmanager.hook
        for name in ("pytest_collect_file", "pytest_collect_directory"):
            caller = getattr(hooks, name, None)
            for impl in caller.get_hookimpls() if caller is not None else ():
                plugin = impl.plugin
                module = getattr(plugin, "__name__", None) or type(plugin).__module__
                if not module.startswith("_pytest."):
                    return True
        return False

    def has_conftest(self, directory):
        known = self.conftest_below.get(directory)
        if known is not None:
            return known
        found = False
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name == "conftest.py":
                        found = True
                    elif entry.is_dir(follow_symlinks=False):
                        if self.norecurse is None or not self.norecurse.match(entry.name):
                            found = self.has_conftest(entry.path)
                    elif entry.is_symlink() and entry.is_dir():
                        found = True  # not followed here: assume it may hold one
                    if found:
                        break
        except OSError:
            found = True  # unreadable: let pytest walk it and say what it finds
        self.conftest_below[directory] = found
        return found


def _relative_posix(path, base):
    """`path` relative to `base` as a POSIX string, with '..' where it lies above it."""
    return Path(os.path.relpath(str(path), str(base))).as_posix()


def _is_ancestor(path, of):
    try:
        Path(of).relative_to(path)
        return True
    except ValueError:
        return False


def locate_root(config, view):
    """The directory the plan's paths are relative to. Candidates, in order: what the plan
    recorded about its pytest config file, pytest's rootdir, the invocation directory, the paths
    given to pytest, and the parents of rootdir and invocation directory; the first that holds
    the most of the plan's files wins."""
    planned = view.planned_files()
    rootpath = Path(config.rootpath)
    invocation = Path(config.invocation_params.dir)
    candidates = []
    inipath = getattr(config, "inipath", None)
    if inipath is not None and view.scope.config:
        hinted = posixpath.normpath((Path(inipath).parent / view.scope.root_from_config).as_posix())
        candidates.append(Path(hinted))
    for start in (rootpath, invocation):
        candidates.append(start)
    # Paths given to pytest, and their parents up to the invocation directory: a plan made in a
    # subdirectory that pytest is pointed at.
    for arg in config.args:
        path = Path(os.path.normpath(str(invocation / str(arg).split("::")[0])))
        while path != invocation and _is_ancestor(invocation, path):
            candidates.append(path)
            path = path.parent
    for start in (rootpath, invocation):
        candidates.extend(start.parents)
    if not planned:
        return rootpath
    sample = planned[:: max(1, len(planned) // 200)]
    best, best_score = None, 0
    seen = set()
    for candidate in candidates:
        if candidate in seen:
            continue
        seen.add(candidate)
        base = str(candidate)
        score = sum(1 for rel in sample if os.path.exists(os.path.join(base, rel)))
        if score > best_score:
            best, best_score = candidate, score
            if score == len(sample):
                break  # no later candidate can hold more
    if best is None:
        raise PlanError(
            "none of the plan's %d files (e.g. %s) exists under pytest's rootdir %s, the "
            "current directory or their parents: run pytest in the checkout the plan was made "
            "for, or re-plan with --root set to the directory pytest runs in"
            % (len(planned), planned[0], rootpath))
    return best


# ---------------------------------------------------------------------------------------------
# Recording durations


class DurationStore:
    """Registered only when --shardplan-store-durations is given."""

    def __init__(self, config, path, clean=False):
        self.config = config
        self.path = path
        self.clean = clean  # pytest-split's --clean-durations: keep only this run's tests
        self.durations = {}
        self.messages = []  # printed in the terminal summary, after the file is written

    def pytest_runtest_logreport(self, report):
        if report.when in ("setup", "call", "teardown"):
            nodeid = without_xdist_group(report.nodeid)
            self.durations[nodeid] = (self.durations.get(nodeid, 0.0)
                                             + float(getattr(report, "duration", 0.0) or 0.0))

    def pytest_sessionfinish(self, session):
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller sees every report and writes the file
        merged, problem = ({}, None) if self.clean else read_durations(self.path)
        merged.update(self.durations)
        write_atomically(self.path, json.dumps(merged, sort_keys=True, indent=4) + "\n")
        if problem:
            self.messages.append("shardplan: %s; replaced it" % problem)
        self.messages.append("shardplan: stored durations of %d tests in %s (%d entries)"
                             % (len(self.durations), self.path, len(merged)))

    def pytest_terminal_summary(self, terminalreporter):
        for message in self.messages:
            terminalreporter.write_line(message)


COSTS_SUFFIX = ".costs.json"  # the sidecar beside the durations file
COSTS_FORMAT = "shardplan-costs"
COSTS_VERSION = 1
WORKER_COSTS_KEY = "shardplan_costs"  # xdist workeroutput: a worker's measured costs, as text
_ONCE_PER_PROCESS = ("session", "package")


def _file_of(nodeid):
    return without_xdist_group(nodeid).partition("::")[0]


def _fixture_key(fixturedef):
    """A session fixture by its name; a package fixture by its name and package."""
    if fixturedef.scope == "package":
        return "%s@%s" % (fixturedef.argname, fixturedef.baseid or ".")
    return fixturedef.argname


class CostRecorder:
    """Registered with --shardplan-store-durations: measures what a test's own time does not
    say (docs/costs-format.md). Per file: collection (import included) and the setup of module-
    and class-scoped fixtures; per process: the setup of session- and package-scoped fixtures,
    and which files use each; per test: how many of its recorded seconds were such setups."""

    def __init__(self, config, path, clean=False):
        self.config = config
        self.path = path
        self.clean = clean
        self.collect = {}  # file -> seconds collecting it (import, parametrization)
        self.file_setup = {}  # file -> seconds of module/class fixture setups
        self.process_setup = {}  # fixture key -> seconds of one setup in one process
        self.uses = {}  # file -> set of fixture keys paid once per process
        self.moved = {}  # node id -> seconds of those setups inside its recorded time
        self.current = None  # the item whose protocol runs now
        self.message = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector):
        start = time.perf_counter()
        yield
        took = time.perf_counter() - start
        if isinstance(collector, (pytest.File, pytest.Class)) and not isinstance(
                collector, pytest.Package):
            file = _file_of(collector.nodeid)
            self.collect[file] = self.collect.get(file, 0.0) + took

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item
        file = _file_of(item.nodeid)
        defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
        for name in getattr(item, "fixturenames", ()):
            chain = defs.get(name)
            if chain and chain[-1].scope in _ONCE_PER_PROCESS:
                self.uses.setdefault(file, set()).add(_fixture_key(chain[-1]))
        try:
            yield
        finally:
            self.current = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        start = time.perf_counter()
        yield
        took = time.perf_counter() - start
        scope = fixturedef.scope
        if scope == "function" or self.current is None:
            return
        nodeid = without_xdist_group(self.current.nodeid)
        self.moved[nodeid] = self.moved.get(nodeid, 0.0) + took
        if scope in _ONCE_PER_PROCESS:
            key = _fixture_key(fixturedef)
            self.process_setup[key] = max(self.process_setup.get(key, 0.0), took)
        else:
            file = _file_of(nodeid)
            self.file_setup[file] = self.file_setup.get(file, 0.0) + took

    def measured(self):
        files = {}
        for file in set(self.collect) | set(self.file_setup) | set(self.uses):
            files[file] = {"collect": round(self.collect.get(file, 0.0), 6),
                           "setup": round(self.file_setup.get(file, 0.0), 6),
                           "uses": sorted(self.uses.get(file, ()))}
        return {"files": files,
                "fixtures": {k: round(v, 6) for k, v in self.process_setup.items()},
                "moved": {k: round(v, 6) for k, v in self.moved.items() if v > 0}}

    def add(self, other):
        """Merges a worker's measurements (xdist). Every worker collects every file, and each
        worker that runs tests of a file sets its module fixtures up again: a file keeps the
        largest single payment, as a fixture does; a test runs in one worker only."""
        for file, entry in other.get("files", {}).items():
            self.collect[file] = max(self.collect.get(file, 0.0), entry.get("collect", 0.0))
            self.file_setup[file] = max(self.file_setup.get(file, 0.0), entry.get("setup", 0.0))
            if entry.get("uses"):
                self.uses.setdefault(file, set()).update(entry["uses"])
        for key, seconds in other.get("fixtures", {}).items():
            self.process_setup[key] = max(self.process_setup.get(key, 0.0), seconds)
        for nodeid, seconds in other.get("moved", {}).items():
            self.moved[nodeid] = self.moved.get(nodeid, 0.0) + seconds

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        raw = getattr(node, "workeroutput", {}).get(WORKER_COSTS_KEY)
        if raw:
            self.add(json.loads(raw))

    def pytest_sessionfinish(self, session):
        if hasattr(self.config, "workerinput"):
            self.config.workeroutput[WORKER_COSTS_KEY] = json.dumps(self.measured())
            return
        measured = self.measured()
        write_costs(self.path, measured, self.clean)
        self.message = ("shardplan: stored the costs of %d files and %d once-per-process "
                        "fixtures in %s" % (len(measured["files"]), len(measured["fixtures"]),
                                            self.path))

    def pytest_terminal_summary(self, terminalreporter):
        if self.message:
            terminalreporter.write_line(self.message)


def read_costs(path):
    """The sidecar's measurements, or empty ones when it is missing or not ours."""
    try:
        with open(path, "r", encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, ValueError):
        return {"files": {}, "fixtures": {}, "moved": {}}
    if not isinstance(data, dict) or data.get("format") != COSTS_FORMAT or \
            data.get("version") != COSTS_VERSION:
        return {"files": {}, "fixtures": {}, "moved": {}}
    return {key: data.get(key) if isinstance(data.get(key), dict) else {}
            for key in ("files", "fixtures", "moved")}


def write_costs(path, measured, clean):
    """This run's measurements over the sidecar's: what was measured now replaces what was
    there, the rest stays (as the durations file merges); `clean` keeps only this run's."""
    merged = {"files": {}, "fixtures": {}, "moved": {}} if clean else read_costs(path)
    for key in ("files", "fixtures", "moved"):
        merged[key].update(measured[key])
    document = {"format": COSTS_FORMAT, "version": COSTS_VERSION}
    document.update(merged)
    write_atomically(path, json.dumps(document, sort_keys=True, indent=2) + "\n")


ORDER_FORMAT = "shardplan-order"
ORDER_VERSION = 1
WORKER_SEED_KEY = "shardplan_seed"  # xdist workerinput: the controller's shuffle seed


def _outcome(report, known):
    """The test's outcome so far, given this phase's report: an error in setup or teardown is
    "error", a failing call "failed"; a skip does not hide an earlier failure."""
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.skipped and known == "passed":
        return "skipped"
    return known


class OrderLog:
    """Registered when a shard runs with --junitxml, or with --shardplan-order-log: the order in
    which each process ran its tests, for `shardplan bisect` (docs/order-log.md). Under xdist
    the controller sees every worker's reports and writes one file with an order per worker."""

    def __init__(self, config, path, seed):
        self.config = config
        self.path = path
        self.seed = seed
        self.order = {}  # process ("main", "gw0", ...) -> [[node id, outcome], ...]
        self.where = {}  # (process, node id) -> its entry

    def pytest_runtest_logreport(self, report):
        node = getattr(report, "node", None)
        process = "main"
        if node is not None and hasattr(node, "workerinput"):
            process = node.workerinput.get("workerid", "worker")
        nodeid = without_xdist_group(report.nodeid)
        entry = self.where.get((process, nodeid))
        if entry is None:
            entry = [nodeid, "passed"]
            self.where[(process, nodeid)] = entry
            self.order.setdefault(process, []).append(entry)
        entry[1] = _outcome(report, entry[1])

    def pytest_sessionfinish(self, session):
        if hasattr(self.config, "workerinput"):
            return  # the controller writes what every worker ran
        shard = self.config.pluginmanager.get_plugin("shardplan-shard")
        document = {
            "format": ORDER_FORMAT, "version": ORDER_VERSION,
            "plan": shard.view.inputs_digest if shard is not None else None,
            "shard": shard.view.shard if shard is not None else None,
            "seed": self.seed,
            "args": [str(arg) for arg in self.config.invocation_params.args],
            "processes": {name: entries for name, entries in sorted(self.order.items())},
        }
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        write_atomically(self.path, json.dumps(document, indent=1) + "\n")


class Shuffler:
    """--shardplan-shuffle: the shard's tests in a seeded random order (after the shard's own
    selection). Every xdist worker must collect the same order: they get the controller's seed."""

    def __init__(self, seed):
        self.seed = seed

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        random.Random(self.seed).shuffle(items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node):
        node.workerinput[WORKER_SEED_KEY] = self.seed

    def pytest_report_header(self, config):
        return "shardplan: tests shuffled with seed %d (--shardplan-shuffle=%d repeats it)" % (
            self.seed, self.seed)


def _shuffle_seed(config):
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and WORKER_SEED_KEY in workerinput:
        return workerinput[WORKER_SEED_KEY]
    value = config.getoption("shardplan_shuffle", None)
    if value is None:
        return None
    if value == "random":
        return int.from_bytes(os.urandom(4), "big")
    try:
        return int(value)
    except ValueError:
        raise pytest.UsageError("shardplan: --shardplan-shuffle=%s: give a whole number (the "
                                "seed) or 'random'" % value)


def _order_log_path(config):
    explicit = config.getoption("shardplan_order_log", None)
    if explicit:
        return os.path.join(str(config.invocation_params.dir), explicit)
    junit = config.getoption("xmlpath", None)
    shard = config.pluginmanager.get_plugin("shardplan-shard")
    if junit and shard is not None:
        base, _ = os.path.splitext(os.path.join(str(config.invocation_params.dir), junit))
        return base + ".order.json"
    return None


def _configure_order(config):
    seed = _shuffle_seed(config)
    if seed is not None:
        config.pluginmanager.register(Shuffler(seed), "shardplan-shuffle")
    path = _order_log_path(config)
    if path is not None:
        config.pluginmanager.register(OrderLog(config, path, seed), "shardplan-order")


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


def write_atomically(path, content):
    """Writes `content` (str as UTF-8, or bytes as they are) to a temporary file beside `path`
    and renames it over `path`, so a reader never sees half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temp = tempfile.mkstemp(prefix=".shardplan-", suffix=".tmp", dir=directory)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
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
# Planning in the job: --shardplan-splits N --shardplan-group G

# This plugin's options (and pytest-split's) that take a value: the binary reads the pytest
# arguments it is given for collection, and would take such a value for a path.
_OWN_VALUE_OPTIONS = frozenset((
    "--shardplan", "--shardplan-shard", "--shardplan-store-durations", "--shardplan-splits",
    "--shardplan-group", "--shardplan-durations", "--shardplan-write-plan", "--shardplan-binary",
    "--shardplan-segment", "--shardplan-order-log", "--shardplan-shuffle",
    "--splits", "--group", "--durations-path", "--splitting-algorithm"))
_OWN_FLAGS = frozenset(("--store-durations", "--clean-durations"))
# Set to 0 to keep pytest-split's option names free (a conftest.py that defines --group).
ALIASES_ENV = "SHARDPLAN_SPLIT_ALIASES"
BINARY_ENV = "SHARDPLAN_BINARY"
WORKER_PLAN_KEY = "shardplan_plan"  # xdist workerinput: the controller's plan, as text


def without_own_options(args):
    """`args` without the options of this plugin and of pytest-split (everything after a bare
    '--' is a path and stays)."""
    out, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i:])
            break
        name, equals, _ = arg.partition("=")
        if name in _OWN_VALUE_OPTIONS:
            i += 1 if equals else 2
        elif arg in _OWN_FLAGS:
            i += 1
        else:
            out.append(arg)
            i += 1
    return out


def split_plugin_installed():
    """Whether pytest-split can be imported (not imported here): it defines --splits, --group
    and --durations-path itself, and two definitions of one option break pytest's parser."""
    try:
        return importlib.util.find_spec("pytest_split") is not None
    except (ImportError, ValueError):
        return False


def split_aliases_wanted():
    return os.environ.get(ALIASES_ENV, "1") != "0" and not split_plugin_installed()


def _getter(config):
    """Reads an option by its dest (None when absent) once pytest has parsed the command line."""
    return lambda dest: config.getoption(dest, None)


def _one_value(get, own, alias):
    """(value, flag) of an option that also has a pytest-split alias, each a (dest, flag)
    pair; (None, None) when neither is given; both given must agree."""
    mine, theirs = get(own[0]), get(alias[0])
    if mine is not None and theirs is not None and mine != theirs:
        raise pytest.UsageError("shardplan: %s=%s and %s=%s disagree: give one of them"
                                % (own[1], mine, alias[1], theirs))
    if mine is not None:
        return mine, own[1]
    return (theirs, alias[1]) if theirs is not None else (None, None)


def in_job_request(config):
    """(N, G) when this job is to plan for itself, None when not; a UsageError for a bad or
    contradictory combination of options."""
    algorithm = config.getoption("shardplan_split_algorithm", None)
    if algorithm is not None:
        raise pytest.UsageError(
            "shardplan: --splitting-algorithm=%s cannot be honoured: shardplan has one planner "
            "(whole files balanced by their durations, a file cut into slices only when that "
            "lowers the slowest group). Drop the option, or install pytest-split to use its "
            "algorithms (docs/pytest-split.md)" % algorithm)
    get = _getter(config)
    splits, splits_flag = _one_value(get, ("shardplan_splits", "--shardplan-splits"),
                                     ("shardplan_split_splits", "--splits"))
    group, group_flag = _one_value(get, ("shardplan_group", "--shardplan-group"),
                                   ("shardplan_split_group", "--group"))
    if splits is None and group is None:
        return None
    if group is None:
        raise pytest.UsageError("shardplan: %s=%d needs --shardplan-group=G, the 1-based group "
                                "this job runs (1..%d)" % (splits_flag, splits, splits))
    if splits is None:
        raise pytest.UsageError("shardplan: %s=%d needs --shardplan-splits=N, the number of "
                                "groups the suite is split into" % (group_flag, group))
    if splits < 1:
        raise pytest.UsageError("shardplan: %s=%d: the number of groups must be at least 1"
                                % (splits_flag, splits))
    if not 1 <= group <= splits:
        raise pytest.UsageError("shardplan: %s=%d is outside 1..%d (%s=%d): the first group "
                                "is 1" % (group_flag, group, splits, splits_flag, splits))
    if config.getoption("shardplan", None) or config.getoption("shardplan_shard", None):
        raise pytest.UsageError(
            "shardplan: %s/%s plan in this job and --shardplan/--shardplan-shard run a plan "
            "made before: use one form or the other" % (splits_flag, group_flag))
    return splits, group


def _executable(path):
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _bundled_binary():
    """The binary inside the installed shardplan wheel (shardplan/_bin/shardplan), located
    without importing the package."""
    try:
        spec = importlib.util.find_spec("shardplan")
    except (ImportError, ValueError):
        return None
    name = "shardplan.exe" if os.name == "nt" else "shardplan"
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = os.path.join(location, "_bin", name)
        if _executable(candidate):
            return candidate
    return None


def find_binary(config, get):
    """The shardplan binary: --shardplan-binary, $SHARDPLAN_BINARY, the wheel's, then PATH's."""
    invocation = str(config.invocation_params.dir)
    for value, source in ((get("shardplan_binary"), "--shardplan-binary"),
                          (os.environ.get(BINARY_ENV) or None, BINARY_ENV)):
        if value is None:
            continue
        found = os.path.join(invocation, value)  # a path, else a command on PATH
        if not _executable(found) and os.path.basename(value) == value:
            found = shutil.which(value)
        if found and _executable(found):
            return found
        raise pytest.UsageError("shardplan: %s=%s is not an executable file: point it at the "
                                "shardplan binary" % (source, value))
    found = _bundled_binary() or shutil.which("shardplan")
    if found:
        return found
    raise pytest.UsageError(
        "shardplan: --shardplan-splits plans in this job with the shardplan binary, and there is "
        "none: not in $%s, not in an installed shardplan package (shardplan/_bin/shardplan), "
        "not on PATH. Install the shardplan wheel (pip install shardplan), or set %s=/path/to/"
        "shardplan, or pass --shardplan-binary=PATH" % (BINARY_ENV, BINARY_ENV))


def durations_source(config, get):
    """The timings file: as given (relative to the invocation directory), else .test_durations
    at the rootdir, else in the invocation directory (pytest-split's default), else the
    rootdir's (which may not exist)."""
    given, _ = _one_value(get, ("shardplan_durations", "--shardplan-durations"),
                          ("shardplan_split_durations_path", "--durations-path"))
    invocation = Path(config.invocation_params.dir)
    if given is not None:
        return invocation / given
    candidates = [Path(config.rootpath) / ".test_durations", invocation / ".test_durations"]
    return next((path for path in candidates if path.is_file()), candidates[0])


def _pytest_major():
    return min(max(_pytest_version()[0], 7), 9)


def _shell_words(text):
    try:
        return shlex.split(text)
    except ValueError:
        return None  # pytest reports the broken quoting itself


def _planning_environment():
    """This process's environment, with our options taken out of PYTEST_ADDOPTS."""
    env = dict(os.environ)
    words = _shell_words(env.get("PYTEST_ADDOPTS", ""))
    if words:
        kept = without_own_options(words)
        if kept != words:
            env["PYTEST_ADDOPTS"] = " ".join(shlex.quote(word) for word in kept)
    return env


def planning_arguments(config):
    """pytest's command line without our options; when the ini addopts hold one of them, an
    -o addopts= override without it (the binary reads the ini addopts itself)."""
    args = without_own_options([str(arg) for arg in config.invocation_params.args])
    try:
        ini = [str(word) for word in config.getini("addopts")]
    except (ValueError, KeyError):
        ini = []
    kept = without_own_options(ini)
    if kept != ini:
        args = ["-o", "addopts=" + " ".join(shlex.quote(word) for word in kept)] + args
    return args


class PlannerRun:
    """One run of `shardplan plan`, as the plugin starts it: in the invocation directory, with
    the same pytest arguments, as `shardplan plan` run there by hand. Started as early as pytest
    allows (see pytest_load_initial_conftests) and waited for when the plan is needed."""

    def __init__(self, config, splits, get):
        self.splits = splits
        self.binary = find_binary(config, get)
        self.timings_path = durations = durations_source(config, get)
        self.durations = durations if durations.is_file() else None  # None: no timings file
        self.command = [self.binary, "plan", "--shards", str(splits), "--root", ".",
                        "--pytest-version", str(_pytest_major())]
        if self.durations is not None:
            self.command += ["--durations", str(self.durations)]
        segment = get("shardplan_segment")
        if segment:
            self.command += ["--segment", segment]
        self.command += ["--"] + planning_arguments(config)
        self.invocation = str(config.invocation_params.dir)
        self.started = time.perf_counter()
        self.elapsed = self.waited = 0.0
        self.warnings = []
        try:
            self.proc = subprocess.Popen(self.command, cwd=self.invocation,
                                         env=_planning_environment(), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as error:
            raise pytest.UsageError("shardplan: cannot run %s: %s"
                                    % (self.binary, error.strerror or error))

    def result(self):
        """The plan's bytes, once the planner is done; a UsageError when it failed."""
        waiting = time.perf_counter()
        stdout, stderr = self.proc.communicate()
        now = time.perf_counter()
        self.elapsed, self.waited = now - self.started, now - waiting
        stderr = stderr.decode("utf-8", "replace").rstrip()
        if self.proc.returncode != 0:
            raise pytest.UsageError(
                "shardplan: planning in this job failed (the planner exited %d):\n%s\n"
                "shardplan: the command was: cd %s && %s" % (
                    self.proc.returncode, stderr or "(no message)", shlex.quote(self.invocation),
                    " ".join(shlex.quote(word) for word in self.command)))
        self.warnings = [line for line in stderr.splitlines()
                         if line.startswith("shardplan: warning:")]
        return stdout


class InJobPlan:
    """Registered where the plan was made (a lone pytest or the xdist controller): hands the
    plan to xdist's workers, which never plan, and says in the header how it was made."""

    def __init__(self, raw):
        self.raw = raw
        self.lines = []

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node):
        node.workerinput[WORKER_PLAN_KEY] = self.raw.decode("utf-8")

    def pytest_report_header(self, config):
        return self.lines

    def pytest_terminal_summary(self, terminalreporter):
        for line in self.lines:
            terminalreporter.write_line(line)


def _header_lines(config, splits, files, planner, written):
    invocation = Path(config.invocation_params.dir)
    if planner.durations is None:
        timings = "no timings (%s does not exist: every file weighs the same; record them " \
                  "with --shardplan-store-durations)" % planner.timings_path
    else:
        timings = "timings %s" % _relative_posix(planner.durations, invocation)
    lines = ["shardplan: planned here: %d groups of %s files from %s in %.0f ms, %.0f ms of it "
             "waited for (%s)" % (splits, "?" if files is None else files, timings,
                                  planner.elapsed * 1000, planner.waited * 1000, planner.binary)]
    lines.extend(planner.warnings)
    if written:
        lines.append("shardplan: wrote this job's plan to %s" % written)
    return lines


_PENDING_PLAN = pytest.StashKey()  # the PlannerRun started before pytest_configure


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Starts the planner as soon as pytest knows its rootdir and options, before it imports
    the conftest.py files and configures the plugins, so planning overlaps them. Only for a
    valid request: pytest_configure checks the options, reports errors and waits for the plan.
    Never in an xdist worker (the controller plans)."""
    namespace = early_config.known_args_namespace
    if (os.environ.get("PYTEST_XDIST_WORKER") or getattr(namespace, "help", False)
            or getattr(namespace, "version", False)):
        return

    def get(dest):
        return getattr(namespace, dest, None)

    try:
        splits, _ = _one_value(get, ("shardplan_splits", ""), ("shardplan_split_splits", ""))
        group, _ = _one_value(get, ("shardplan_group", ""), ("shardplan_split_group", ""))
        if (splits is None or group is None or splits < 1 or not 1 <= group <= splits
                or get("shardplan") or get("shardplan_shard")
                or get("shardplan_split_algorithm") is not None):
            return
        early_config.stash[_PENDING_PLAN] = PlannerRun(early_config, splits, get)
    except pytest.UsageError:
        return  # pytest_configure meets the same error and reports it


def _configure_in_job(config, splits, group):
    """Plans (or, in an xdist worker, takes the controller's plan) and runs group `group`."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        raw = workerinput.get(WORKER_PLAN_KEY)
        if raw is None:
            raise pytest.UsageError("shardplan: this xdist worker got no plan from its "
                                    "controller: is the shardplan plugin loaded there?")
        _start_shard(config, raw.encode("utf-8"), group, "the controller's plan", fresh=True)
        return
    planner = config.stash.get(_PENDING_PLAN, None)
    if planner is not None and planner.splits != splits:  # cannot happen: the same options
        planner.proc.kill()
        planner.proc.communicate()
        planner = None
    if planner is None:
        planner = PlannerRun(config, splits, _getter(config))
    raw = planner.result()
    written = config.getoption("shardplan_write_plan", None)
    if written:
        written = str(Path(config.invocation_params.dir) / written)
        try:
            os.makedirs(os.path.dirname(written), exist_ok=True)  # like --junitxml
            write_atomically(written, raw)
        except OSError as error:
            raise pytest.UsageError("shardplan: --shardplan-write-plan: cannot write %s: %s"
                                    % (written, error.strerror or error))
    in_job = InJobPlan(raw)
    config.pluginmanager.register(in_job, "shardplan-in-job")  # its header comes first
    view = _start_shard(config, raw, group, "the plan made in this job", fresh=True)
    in_job.lines = _header_lines(config, splits, view.universe_files, planner, written)


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
    group.addoption("--shardplan-splits", metavar="N", type=int, default=None,
                    help="plan N groups in this job (no plan file needed); requires "
                         "--shardplan-group")
    group.addoption("--shardplan-group", metavar="G", type=int, default=None,
                    help="1-based group to run of --shardplan-splits N")
    group.addoption("--shardplan-durations", metavar="PATH", default=None,
                    help="timings to plan with (pytest-split format; default: .test_durations "
                         "at the rootdir)")
    group.addoption("--shardplan-write-plan", metavar="PATH", default=None,
                    help="also write the plan made in this job to PATH, for `shardplan audit`")
    group.addoption("--shardplan-segment", metavar="NAME", default=None,
                    help="with --shardplan-splits: plan only this named segment of shardplan.toml "
                         "or [tool.shardplan] (its paths and pytest args; docs/segments.md)")
    group.addoption("--shardplan-order-log", metavar="PATH", default=None,
                    help="write the order each process ran its tests in, with outcomes "
                         "(default with a shard and --junitxml: beside the report, .order.json)")
    group.addoption("--shardplan-shuffle", metavar="SEED", default=None,
                    help="run the tests in a seeded random order ('random' draws a seed); the "
                         "seed is printed and written to the order log")
    group.addoption("--shardplan-binary", metavar="PATH", default=None,
                    help="the shardplan binary that plans (default: $SHARDPLAN_BINARY, the "
                         "installed wheel's, then PATH's)")
    if split_aliases_wanted():
        _add_split_aliases(parser)


def _add_split_aliases(parser):
    """pytest-split's options, for its users, while pytest-split is not installed."""
    group = parser.getgroup("shardplan-split", "pytest-split's options, served by shardplan "
                                               "(pytest-split is not installed)")
    group.addoption("--splits", dest="shardplan_split_splits", type=int, default=None,
                    help="same as --shardplan-splits")
    group.addoption("--group", dest="shardplan_split_group", type=int, default=None,
                    help="same as --shardplan-group (the first group is 1)")
    group.addoption("--durations-path", dest="shardplan_split_durations_path", default=None,
                    help="same as --shardplan-durations; with --store-durations, where to store")
    group.addoption("--store-durations", dest="shardplan_split_store", action="store_true",
                    default=False, help="store durations into --durations-path (merged)")
    group.addoption("--clean-durations", dest="shardplan_split_clean", action="store_true",
                    default=False,
                    help="with --store-durations: keep only the tests of this run")
    group.addoption("--splitting-algorithm", dest="shardplan_split_algorithm", default=None,
                    help="not supported: shardplan has one planner (refused with a message)")


def _configure_shard(config):
    plan_path = config.getoption("shardplan")
    shard = config.getoption("shardplan_shard")
    if shard is None:
        raise pytest.UsageError("shardplan: --shardplan needs --shardplan-shard=I")
    try:
        raw = read_plan(plan_path)
    except PlanError as error:
        raise pytest.UsageError("shardplan: %s: %s" % (plan_path, error))
    _start_shard(config, raw, shard, plan_path)


def _start_shard(config, raw, shard, source, fresh=False):
    """Runs shard `shard` of the plan `raw` (bytes); `fresh` when the plan was made from this
    tree in this run (in-job planning), which lets the shard skip other shards' directories."""
    try:
        view = decode_plan(raw, shard)
        root = locate_root(config, view)
    except PlanError as error:
        raise pytest.UsageError("shardplan: %s: %s" % (source, error))
    check_arguments(config, view, root)
    config.pluginmanager.register(ShardPlugin(config, view, root, fresh), "shardplan-shard")
    return view


def check_arguments(config, view, root):
    """Paths given to pytest on the command line must lie inside the plan's scope: outside it
    nothing would run in any shard, which is surely not what was meant."""
    source = getattr(config, "args_source", None)
    if source is None or source != pytest.Config.ArgsSource.ARGS:
        return
    invocation = Path(config.invocation_params.dir)
    for arg in config.args:
        path = Path(os.path.normpath(str(invocation / arg.split("::")[0])))
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = None
        if rel == ".":
            continue
        inside = rel is not None and (view.scope.may_hold(rel) if path.is_dir()
                                      else view.scope.contains(rel))
        if not inside:
            raise pytest.UsageError(
                "shardplan: %s is outside the plan's scope (%s): no shard runs it. Drop it from "
                "the command line or re-plan with a scope that holds it"
                % (arg, view.scope.describe()))


def _pytest_version():
    parts = []
    for piece in pytest.__version__.split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def pytest_configure(config):
    in_job = in_job_request(config)
    if (config.getoption("shardplan", None) or in_job) and _pytest_version() < MIN_PYTEST:
        raise pytest.UsageError("shardplan: pytest %s is too old: the plugin needs pytest %d.%d or "
                                "newer (tested with 7.2, 8.4 and 9.1)"
                                % ((pytest.__version__,) + MIN_PYTEST))
    if in_job:
        _configure_in_job(config, *in_job)
    elif config.getoption("shardplan", None):
        _configure_shard(config)
    _configure_durations_store(config)
    _configure_order(config)


def _configure_durations_store(config):
    durations = config.getoption("shardplan_store_durations", None)
    split_store = config.getoption("shardplan_split_store", False)
    if durations and split_store:
        raise pytest.UsageError("shardplan: --shardplan-store-durations=%s and --store-durations "
                                "both store durations: give one of them" % durations)
    if durations:
        path, clean = os.path.join(str(config.invocation_params.dir), durations), False
    elif split_store:
        path = str(durations_source(config, _getter(config)))
        clean = config.getoption("shardplan_split_clean", False)
    else:
        return
    config.pluginmanager.register(DurationStore(config, path, clean), "shardplan-durations")
    config.pluginmanager.register(CostRecorder(config, path + COSTS_SUFFIX, clean),
                                  "shardplan-costs")
