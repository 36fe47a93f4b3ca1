"""Tests of python/shardplan_pytest.py, run with real pytest sessions through `pytester`.

pytester runs in process, so these tests run under the pytest being tested: CTest's plugin-pytest8
and plugin-pytest9 launch this suite with that pytest (tests/conformance/pytest_versions.py
--harness), and SHARDPLAN_PYTEST names the version that must be running."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

pytest_plugins = ["pytester"]

_WANTED = os.environ.get("SHARDPLAN_PYTEST", "")
if _WANTED and not pytest.__version__.startswith(_WANTED + "."):
    raise RuntimeError(f"SHARDPLAN_PYTEST={_WANTED} but this is pytest {pytest.__version__} "
                       f"({pytest.__file__}): the version plumbing is broken")


def pytest_report_header(config):
    return f"plugin under pytest {pytest.__version__} ({os.path.dirname(pytest.__file__)})"


@pytest.fixture
def plugin_on_path(monkeypatch):
    """For runpytest_subprocess (xdist): the child pytest imports this plugin from python/."""
    import shardplan_pytest

    plugin_dir = os.path.dirname(shardplan_pytest.__file__)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        p for p in (plugin_dir, os.environ.get("PYTHONPATH")) if p))
