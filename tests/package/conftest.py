"""Tests of the release artifacts (issue #12): the static binary, the wheel and the .deb.

They test what scripts/wheel.sh and scripts/deb.sh built, named by environment variables:
  SHARDPLAN_DIST_BIN   the `dist` preset's binary (build/dist/shardplan)
  SHARDPLAN_WHEEL      dist/shardplan-VERSION-py3-none-manylinux_X_Y_ARCH.whl
  SHARDPLAN_DEB        dist/shardplan_VERSION_ARCH.deb
scripts/test.sh builds them once and sets SHARDPLAN_PACKAGE_TESTS=required: then a missing
artifact fails the run. Without that (a developer running ctest) a missing one skips the whole
suite with exit 77, which ctest shows as Skipped, saying how to build it.

SHARDPLAN_PYTEST=7|8|9 picks the pytest the wheel is tried under (tests/conformance/
pytest_versions.py); the harness itself stays Debian's pytest 7.2.
"""
import os
import re
import subprocess
import sys

import pytest

SOURCE = os.environ.get(
    "SHARDPLAN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SYSTEM_PYTHON = "/usr/bin/python3"
ARTIFACTS = {
    "SHARDPLAN_DIST_BIN": "bash scripts/dist-binary.sh",
    "SHARDPLAN_WHEEL": "bash scripts/wheel.sh",
    "SHARDPLAN_DEB": "bash scripts/deb.sh",
}
REQUIRED = os.environ.get("SHARDPLAN_PACKAGE_TESTS") == "required"
SKIP_CODE = 77

sys.path.insert(0, os.path.join(SOURCE, "tests", "conformance"))
import pytest_versions  # noqa: E402
from examples import copy_example  # noqa: E402


def pytest_sessionstart(session):
    missing = [f"{name} ({'unset' if not os.environ.get(name) else os.environ[name] + ' does not exist'}"
               f"; build it with `{how}`)"
               for name, how in ARTIFACTS.items()
               if not os.environ.get(name) or not os.path.isfile(os.environ[name])]
    if not missing:
        return
    text = "release artifacts missing: " + "; ".join(missing)
    if REQUIRED:
        pytest.exit("FAIL: " + text + " (SHARDPLAN_PACKAGE_TESTS=required)", returncode=1)
    pytest.exit("SKIP: " + text, returncode=SKIP_CODE)


def artifact(name):
    return os.path.abspath(os.environ[name])


def project_version():
    with open(os.path.join(SOURCE, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(shardplan VERSION (\S+)", f.read()).group(1)


def run(command, cwd=None, env=None, check=True):
    proc = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{command} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def highest_glibc(binary):
    """The highest GLIBC_X.Y symbol version the binary needs, as (X, Y)."""
    out = run(["objdump", "-T", binary]).stdout
    versions = {tuple(int(p) for p in v.split(".")[:2])
                for v in re.findall(r"GLIBC_(\d+\.\d+(?:\.\d+)?)", out)}
    assert versions, f"{binary} needs no GLIBC_x.y symbol?"
    return max(versions)


@pytest.fixture
def demo(tmp_path):
    """A private copy of examples/demo."""
    return copy_example(tmp_path)
