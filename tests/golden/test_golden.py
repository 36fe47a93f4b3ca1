"""Golden CLI cases: each folder under cases/ holds `args.json` (the command line after
`shardplan`), its input files, and the expected `stdout`, `stderr` and `exit` of the real
binary run inside that folder. SHARDPLAN_UPDATE_GOLDEN=1 rewrites the expectations."""
import json
import os
import pathlib
import re
import subprocess

import pytest

# Wall-clock readings differ from run to run; golden files hold a placeholder instead.
MEASURED = re.compile(rb"measured [0-9]+\.[0-9]+ s")


def normalized(output):
    return MEASURED.sub(b"measured <wall> s", output)

CASES = pathlib.Path(__file__).parent / "cases"
BIN = os.environ.get("SHARDPLAN_BIN", "")
UPDATE = os.environ.get("SHARDPLAN_UPDATE_GOLDEN") == "1"


def case_names():
    return sorted(p.name for p in CASES.iterdir() if (p / "args.json").exists())


@pytest.mark.parametrize("name", case_names())
def test_golden(name, tmp_path):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set (run through ctest)")
    case = CASES / name
    args = json.loads((case / "args.json").read_text(encoding="utf-8"))
    stdin = case / "stdin"
    env = dict(os.environ, SHARDPLAN_PLUGIN_DIR=str(tmp_path / "plugin"))
    proc = subprocess.run([BIN, *args], cwd=case, capture_output=True, env=env,
                          input=stdin.read_bytes() if stdin.exists() else b"")
    actual = {"stdout": normalized(proc.stdout), "stderr": normalized(proc.stderr),
              "exit": f"{proc.returncode}\n".encode()}
    for key, value in actual.items():
        expected_path = case / key
        if UPDATE:
            expected_path.write_bytes(value)
        else:
            assert value.decode(errors="replace") == expected_path.read_bytes().decode(errors="replace"), key
    for leftover in case.glob(".*.tmp-*"):
        pytest.fail(f"temporary file left behind: {leftover}")
