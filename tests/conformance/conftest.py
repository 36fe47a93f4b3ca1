"""The conformance corpus (test_conformance.py) under the pytest that SHARDPLAN_PYTEST names.

This harness is Debian's pytest 7.2; the pytest it launches (collection, every shard) is the
target: 7 (default), 8 or 9, located by pytest_versions.py. Without the target, or without
SHARDPLAN_BIN, every case skips and says why."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import pytest_versions  # noqa: E402

TARGET = pytest_versions.target()


@pytest.fixture(autouse=True)
def _prerequisites():
    if TARGET.missing:
        pytest.skip(TARGET.missing)
    if not harness.BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")


def pytest_report_header(config):
    return [f"conformance: launched pytest {TARGET.version} ({TARGET.missing or TARGET.python_path or 'Debian'})",
            f"shardplan: {harness.BIN or '(SHARDPLAN_BIN unset)'}"]
