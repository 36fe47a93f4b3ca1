"""Shared helpers for end-to-end tests: the built binary, a scratch copy of the bundled
example, and collection through real pytest (Debian's /usr/bin/python3)."""
import os
import shutil
import subprocess
import sys

import pytest

BIN = os.environ.get("SHARDPLAN_BIN", "")
SOURCE = os.environ.get(
    "SHARDPLAN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def shardplan(*args, cwd=None, check=True, env=None):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    proc = subprocess.run([BIN, *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"shardplan {args} exited {proc.returncode}:\n{proc.stderr}")
    return proc


def collected_ids(output):
    """Node ids printed by `pytest --collect-only -q` (lines before the summary)."""
    return [line for line in output.splitlines() if line.startswith("tests/")]


def collect(cwd, *extra_args, runner=None):
    command = [PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    if runner is None:
        proc = subprocess.run(command + list(extra_args), cwd=cwd, capture_output=True, text=True)
    else:
        proc = runner(command)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return collected_ids(proc.stdout)


@pytest.fixture
def demo(tmp_path):
    """A private copy of examples/demo that a test may change."""
    target = tmp_path / "demo"
    shutil.copytree(os.path.join(SOURCE, "examples", "demo"), target,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return target
