"""Which pytest the tests launch: 7 (Debian's 7.2, the default), 8 (8.4.2) or 9 (9.1.1).

Importable (tests/e2e/conftest.py and tests/conformance use `target()`), and runnable as the
CTest launcher:

    python3 pytest_versions.py VERSION [--harness] -- ARGS...

runs `/usr/bin/python3 ARGS...` with SHARDPLAN_PYTEST=VERSION in the environment. With
--harness the launched pytest itself is the target version (PYTHONPATH prepended; the plugin
tests need this because pytester runs in process); without it the harness stays Debian's 7.2
and the tests put the target on PYTHONPATH only for the pytest they launch. When the shared
pytest folder is missing the launcher prints why and exits 77 (CTest's SKIP_RETURN_CODE).

pytest 8 and 9 are unmodified sources in the shared folder (see its README): located by
$SHARDPLAN_SHARED_PYTEST, else <repository>/../shared/pytest.
"""
import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDERS = {"8": "8.4.2", "9": "9.1.1"}
SKIP_CODE = 77


def shared_dir():
    return os.environ.get("SHARDPLAN_SHARED_PYTEST") or os.path.join(
        os.path.dirname(REPO), "shared", "pytest")


def requested():
    """The pytest major version asked for by SHARDPLAN_PYTEST ('7' when unset)."""
    value = os.environ.get("SHARDPLAN_PYTEST", "7").strip() or "7"
    if value not in ("7", "8", "9"):
        raise SystemExit(f"SHARDPLAN_PYTEST={value!r}: expected 7, 8 or 9")
    return value


class Target:
    """How to launch one pytest version: `python_path` entries to prepend, or `missing`."""

    def __init__(self, version):
        self.version = version
        self.python_path = []
        self.missing = None
        if version in FOLDERS:
            base = shared_dir()
            entries = [os.path.join(base, FOLDERS[version]), os.path.join(base, "pluggy")]
            absent = [e for e in entries if not os.path.isdir(os.path.join(e, "_pytest" if e == entries[0] else "pluggy"))]
            if absent:
                self.missing = (f"pytest {FOLDERS[version]} is not available: {', '.join(absent)} "
                                f"missing (set SHARDPLAN_SHARED_PYTEST to the folder holding "
                                f"{FOLDERS[version]}/ and pluggy/)")
            self.python_path = entries

    @property
    def expected_prefix(self):
        return {"7": "7.", "8": "8.4.2", "9": "9.1.1"}[self.version]

    def env(self, base=None, extra_path=()):
        """A copy of `base` (default os.environ) that launches this pytest."""
        env = dict(os.environ if base is None else base)
        parts = list(extra_path) + self.python_path
        if env.get("PYTHONPATH"):
            parts.append(env["PYTHONPATH"])
        if parts:
            env["PYTHONPATH"] = os.pathsep.join(parts)
        env["SHARDPLAN_PYTEST"] = self.version
        return env

    def command(self):
        return [SYSTEM_PYTHON, "-m", "pytest"]


def target(version=None):
    return Target(version or requested())


def main(argv):
    if len(argv) < 3 or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    options, args = argv[1:split], argv[split + 1:]
    version, harness = options[0], "--harness" in options[1:]
    t = Target(version)
    if t.missing:
        print(f"SKIP: {t.missing}", flush=True)
        return SKIP_CODE
    env = dict(os.environ)
    env["SHARDPLAN_PYTEST"] = version
    if harness:
        env = t.env(env)
    os.execve(SYSTEM_PYTHON, [SYSTEM_PYTHON, *args], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv))
