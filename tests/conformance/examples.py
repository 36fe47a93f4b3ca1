"""The bundled examples (examples/), copied for a test that may change them. Shared by the
end-to-end and package suites, which import it from here as they import pytest_versions."""
import os
import shutil

SOURCE = os.environ.get(
    "SHARDPLAN_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def copy_example(tmp_path, name="demo"):
    """A private copy of examples/<name> under `tmp_path`, without caches."""
    target = tmp_path / name
    shutil.copytree(os.path.join(SOURCE, "examples", name), target,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return target
