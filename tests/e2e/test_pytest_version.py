"""Guards the SHARDPLAN_PYTEST plumbing (conftest.py): subprocesses launch the requested pytest."""
import subprocess

from conftest import PYTEST_TARGET, PYTHON


def test_launched_pytest_is_the_requested_version():
    proc = subprocess.run([PYTHON, "-m", "pytest", "--version"], capture_output=True, text=True)
    version = (proc.stdout + proc.stderr).strip()
    assert version.startswith("pytest " + PYTEST_TARGET.expected_prefix), version
