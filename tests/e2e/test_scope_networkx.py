"""The plan's scope on a real external suite (issue #20): networkx's own tests, copied from
Debian's python3-networkx into a temporary tree.

(a) One plan of 4 shards with networkx/algorithms excluded (and synthetic timings that force one
    file into slices): the union of the shards' JUnit ids is exactly `pytest --collect-only -q
    networkx --ignore=networkx/algorithms`, each id once.
(b) One plan per included subpackage (`--include networkx/<sub>`, 2 shards): the same proof
    against `pytest --collect-only -q networkx/<sub>`.
(c) A test file and a conftest.py planted under the excluded path write a marker file when
    imported; no shard of any plan above imports them.
(d) An out-of-scope testcase injected into one shard's JUnit report (each shard in turn) makes
    `shardplan audit --plan plan.json --junit 'reports/shard-{shard}.xml'` fail naming it.
Every shard runs with `networkx` on the command line, so the plugin, not the command line, has
to keep the rest of the tree out. About a minute on a quiet 2-core machine.
"""
import collections
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import pytest

from conftest import BIN, PYTHON, shardplan

NETWORKX = "/usr/lib/python3/dist-packages/networkx"
EXCLUDED = "networkx/algorithms"
SHARDS = 4
INCLUDED = ["networkx/readwrite", "networkx/utils"]  # small ones: the whole file stays ~1 minute
PLANTED_TEST = f"{EXCLUDED}/tests/test_planted_scope.py"
PLANTED_TEST_ID = f"{PLANTED_TEST}::test_planted_scope_marker"
PLANTED_CONFTEST = f"{EXCLUDED}/conftest.py"
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
ENV.pop("PYTEST_ADDOPTS", None)

pytestmark = pytest.mark.skipif(not os.path.isdir(NETWORKX),
                                reason=f"networkx is not installed ({NETWORKX} is missing; "
                                       "apt-get install python3-networkx)")

MARKER_CODE = """\
import os, sys
with open({marker!r}, "a") as _f:
    _f.write("imported by pid %d: %s\\n" % (os.getpid(), " ".join(sys.argv)))
"""


def pytest_collect(root, *args):
    """Node ids of `pytest --collect-only -q ARGS` in `root`, in order."""
    proc = subprocess.run([PYTHON, "-m", "pytest", "--collect-only", "-q", *args], cwd=root,
                          capture_output=True, text=True, env=ENV, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    ids = [line for line in proc.stdout.splitlines() if line.startswith("networkx/") and "::" in line]
    summary = [line for line in proc.stdout.splitlines() if " collected" in line]
    assert summary and int(summary[-1].split()[0].split("/")[0]) == len(ids), summary
    return ids


def junit_ids(root, report):
    """(node ids of the testcases, modules whose collection was skipped) in a JUnit report.
    pytest writes a node id `a/b/test_c.py::K::test[x]` as classname `a.b.test_c.K`, name
    `test[x]`; its `file` attribute is where the function is defined (a base class's module for
    inherited tests), so the module is the longest classname prefix that is a file in `root`."""
    ids, skipped_modules = [], []
    for case in ET.parse(report).getroot().iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        if not classname:  # a collection report (e.g. importorskip at module level)
            skipped_modules.append(name)
            continue
        parts = classname.split(".")
        for cut in range(len(parts), 0, -1):
            path = "/".join(parts[:cut]) + ".py"
            if (root / path).is_file():
                ids.append("::".join([path, *parts[cut:], name]))
                break
        else:
            raise AssertionError(f"{report}: no test module for classname {classname}")
    return ids, skipped_modules


def run_shards(root, plan, shards, reports):
    reports.mkdir(parents=True, exist_ok=True)
    for shard in range(1, shards + 1):
        report = reports / f"shard-{shard}.xml"
        proc = subprocess.run(
            [BIN, "run", "--plan", plan, "--shard", str(shard), "--",
             PYTHON, "-m", "pytest", "-q", "-o", "junit_family=xunit1", f"--junitxml={report}",
             "networkx"],
            cwd=root, capture_output=True, text=True, env=ENV, timeout=900)
        assert proc.returncode == 0, f"shard {shard} of {plan}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        assert report.exists(), f"shard {shard} of {plan} wrote no report"


def assert_exactly_once(root, reports, shards, expected):
    counts = collections.Counter()
    modules = collections.Counter()
    for shard in range(1, shards + 1):
        ids, skipped_modules = junit_ids(root, reports / f"shard-{shard}.xml")
        counts.update(ids)
        modules.update(skipped_modules)
    twice = sorted(i for i, c in counts.items() if c > 1)
    missing = sorted(set(expected) - set(counts))
    extra = sorted(set(counts) - set(expected))
    assert not twice and not missing and not extra, (
        f"{len(twice)} ran more than once {twice[:5]}, {len(missing)} missing {missing[:5]}, "
        f"{len(extra)} not in the scope's collection {extra[:5]}")
    assert not [m for m, c in modules.items() if c > 1], f"modules collected twice: {modules}"
    return counts


def durations_for(ids):
    """Synthetic timings over the scope: 10 ms a test, except that the file with the most tests
    weighs three times all the others together, so a 4-shard plan must slice it; plus stale
    entries for the excluded subpackage, which the plan must not pick up."""
    per_file = collections.Counter(i.split("::")[0] for i in ids)
    heavy = per_file.most_common(1)[0][0]
    rest = 0.01 * (len(ids) - per_file[heavy])
    durations = {i: (3 * rest / per_file[heavy] if i.startswith(heavy + "::") else 0.01) for i in ids}
    durations[PLANTED_TEST_ID] = 500.0
    durations[f"{EXCLUDED}/tests/test_cycles.py::test_nothing_real"] = 500.0
    return durations, heavy


@pytest.fixture(scope="module")
def tree():
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    # Not tmp_path_factory: other pytest sessions on a shared machine rotate its base directory
    # (only the newest three are kept), and this module runs for a minute or more.
    base = pathlib.Path(tempfile.mkdtemp(prefix="shardplan-scope-networkx-"))
    yield plant(base)
    shutil.rmtree(base, ignore_errors=True)


def plant(base):
    """networkx copied to BASE/nx, with the marker-writing files planted under the excluded path."""
    root = base / "nx"
    shutil.copytree(NETWORKX, root / "networkx", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n")
    markers = root.parent / "markers"
    markers.mkdir()
    assert not (root / PLANTED_CONFTEST).exists(), "networkx grew its own conftest there"
    (root / PLANTED_CONFTEST).write_text(MARKER_CODE.format(marker=str(markers / "conftest")))
    (root / PLANTED_TEST).write_text(MARKER_CODE.format(marker=str(markers / "test_file"))
                                     + "\n\ndef test_planted_scope_marker():\n    pass\n")
    return root, markers


@pytest.fixture(scope="module")
def excluded(tree):
    root, _ = tree
    expected = pytest_collect(root, "networkx", f"--ignore={EXCLUDED}")
    assert len(expected) == len(set(expected))
    assert not [i for i in expected if i.startswith(EXCLUDED + "/")]
    durations, heavy = durations_for(expected)
    (root / "durations.json").write_text(json.dumps(durations, indent=1, sort_keys=True))
    shardplan("plan", "--root", ".", "--shards", SHARDS, "--durations", "durations.json",
              "--exclude", EXCLUDED, "-o", "plan.json", cwd=root)
    run_shards(root, "plan.json", SHARDS, root / "reports")
    return root, expected, heavy


@pytest.fixture(scope="module")
def included(tree, excluded):
    root, _ = tree
    result = {}
    for sub in INCLUDED:
        name = sub.replace("/", "-")
        expected = pytest_collect(root, sub)
        shardplan("plan", "--root", ".", "--shards", 2, "--include", sub, "-o", f"plan-{name}.json",
                  cwd=root)
        run_shards(root, f"plan-{name}.json", 2, root / f"reports-{name}")
        result[sub] = (name, expected)
    return result


def test_a_excluded_subpackage_every_test_exactly_once(excluded):
    root, expected, heavy = excluded
    plan = json.loads((root / "plan.json").read_text())
    assert EXCLUDED in plan["scope"]["exclude"], plan["scope"]
    sliced = {s["file"] for shard in plan["shards"] for s in shard["slices"]}
    assert heavy in sliced, f"the synthetic timings should have sliced {heavy}: {sliced}"
    planned = {f for shard in plan["shards"] for f in shard["files"]} | sliced
    assert not [f for f in planned if f.startswith(EXCLUDED + "/")], "the plan holds excluded files"
    assert plan["stats"]["known_tests"] == len(expected), plan["stats"]
    assert_exactly_once(root, root / "reports", SHARDS, expected)


@pytest.mark.parametrize("sub", INCLUDED)
def test_b_included_subpackage_every_test_exactly_once(tree, included, sub):
    root, _ = tree
    name, expected = included[sub]
    plan = json.loads((root / f"plan-{name}.json").read_text())
    assert sub in plan["scope"]["include"], plan["scope"]
    assert expected, f"pytest collected nothing under {sub}"
    assert_exactly_once(root, root / f"reports-{name}", 2, expected)


def test_c_excluded_files_are_never_imported(tree, excluded, included):
    root, markers = tree
    written = {p.name: p.read_text() for p in markers.iterdir()}
    assert not written, f"files under {EXCLUDED} were imported: {written}"
    # The marker code works: importing the planted test file does write its marker.
    subprocess.run([PYTHON, str(root / PLANTED_TEST)], check=True, env=ENV)
    assert (markers / "test_file").exists()
    (markers / "test_file").unlink()


def inject(report, target):
    """Copy `report` to `target` with one extra, out-of-scope testcase in its first suite."""
    tree = ET.parse(report)
    suite = next(tree.getroot().iter("testsuite"))
    ET.SubElement(suite, "testcase", {
        "classname": PLANTED_TEST[:-3].replace("/", "."), "name": "test_planted_scope_marker",
        "file": PLANTED_TEST, "line": "3", "time": "0.001"})
    suite.set("tests", str(int(suite.get("tests", "0")) + 1))
    tree.write(target, encoding="utf-8", xml_declaration=True)


def test_d_audit_passes_on_the_real_reports(excluded):
    root, _, _ = excluded
    proc = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml",
                     cwd=root, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("shard", range(1, SHARDS + 1))
def test_d_audit_fails_on_an_out_of_scope_test(excluded, shard):
    root, _, _ = excluded
    reports = root / f"reports-injected-{shard}"
    shutil.rmtree(reports, ignore_errors=True)
    shutil.copytree(root / "reports", reports)
    inject(root / "reports" / f"shard-{shard}.xml", reports / f"shard-{shard}.xml")
    proc = shardplan("audit", "--plan", "plan.json", "--junit", f"{reports.name}/shard-{{shard}}.xml",
                     cwd=root, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert PLANTED_TEST_ID in proc.stdout + proc.stderr, proc.stdout + proc.stderr
