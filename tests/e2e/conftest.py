"""Shared helpers for end-to-end tests: the built binary, a scratch copy of the bundled
example, and collection through real pytest (Debian's /usr/bin/python3).

SHARDPLAN_PYTEST=7|8|9 picks the pytest these tests *launch* (tests/conformance/pytest_versions.py
says where 8 and 9 live). This harness stays Debian's pytest 7.2; the target is prepended to
PYTHONPATH in this process's environment, which every subprocess (pytest, `shardplan run`, the
CI recipes) inherits. When the target is missing every test skips with the reason."""
import os
import subprocess
import sys

import pytest

BIN = os.environ.get("SHARDPLAN_BIN", "")
SOURCE = os.environ.get(
    "SHARDPLAN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance"))
import pytest_versions  # noqa: E402
from examples import copy_example  # noqa: E402

PYTEST_TARGET = pytest_versions.target()
if not PYTEST_TARGET.missing:
    os.environ.update(PYTEST_TARGET.env())


@pytest.fixture(autouse=True)
def _launched_pytest_available():
    if PYTEST_TARGET.missing:
        pytest.skip(PYTEST_TARGET.missing)


def pytest_report_header(config):
    return f"launched pytest: {PYTEST_TARGET.version} (PYTHONPATH={os.environ.get('PYTHONPATH', '')})"


def shardplan(*args, cwd=None, check=True, env=None):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    proc = subprocess.run([BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"shardplan {args} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def collected_ids(output, prefix="tests/"):
    """Node ids printed by `pytest --collect-only -q` (pytest 7, 8 and 9 print the same: one id
    a line, then a blank line and the summary; warnings and errors come after it). Only the lines
    starting with `prefix` count ("" for every line before the blank one)."""
    ids = []
    for line in output.splitlines():
        if not line.strip():
            break
        if line.startswith(prefix):
            ids.append(line)
    return ids


def collect(cwd, *extra_args, runner=None, prefix="tests/"):
    """The node ids of `pytest --collect-only -q EXTRA_ARGS` in cwd, which must exit 0. `runner`,
    when given, runs the pytest command (with EXTRA_ARGS) instead, e.g. through `shardplan run`."""
    command = [PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
               *extra_args]
    if runner is None:
        proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    else:
        proc = runner(command)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return collected_ids(proc.stdout, prefix)


@pytest.fixture
def demo(tmp_path):
    """A private copy of examples/demo that a test may change."""
    return copy_example(tmp_path)
