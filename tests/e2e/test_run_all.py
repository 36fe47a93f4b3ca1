"""`shardplan run-all` with real pytest on a few files of the bundled example: every shard runs
(J at a time) and the audit of their reports passes; a failing shard makes it exit 1 naming the
shard and its log; progress is one redrawn line on a terminal; SIGINT or SIGTERM stops every
child's whole process group and exits 130."""
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time

import pytest

from conftest import BIN, PYTHON, shardplan

SUBSET = ["tests/test_smoke.py", "tests/unit/test_graphs_paths.py", "tests/unit/test_sorting_basic.py",
          "tests/unit/test_matrix_det.py", "tests/integration/test_report.py"]
INCLUDE = [arg for path in SUBSET for arg in ("--include", path)]
PYTEST = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=reports/shard-{shard}.xml",
          *SUBSET]


@pytest.fixture
def planned(demo):
    shardplan("plan", "-n", 2, "--durations", ".test_durations", *INCLUDE, "-o", "plan.json", cwd=demo)
    return demo


def run_all(root, *args, command=PYTEST):
    return shardplan("run-all", "--plan", "plan.json", *args, "--", *command, cwd=root, check=False)


def table(stdout):
    """Rows of the final table: shard, predicted, measured, exit code, log."""
    rows = []
    for line in stdout.splitlines()[1:]:
        shard, predicted, _, measured, _, code, log = line.split()
        rows.append((int(shard), float(predicted), float(measured), int(code), log))
    return rows


def logs_directory(stderr):
    return re.search(r"logs in (\S+)\n", stderr).group(1)


def test_every_shard_runs_and_the_audit_passes(planned):
    proc = run_all(planned, "--jobs", "2", "--logs", "logs")
    assert proc.returncode == 0, proc.stderr
    rows = table(proc.stdout)
    assert [row[0] for row in rows] == [1, 2]
    assert all(row[3] == 0 and row[2] > 0 for row in rows)
    assert [row[4] for row in rows] == ["logs/shard-1.log", "logs/shard-2.log"]
    for index in (1, 2):
        log = (planned / "logs" / f"shard-{index}.log").read_text()
        assert log.startswith("$ ") and f"--shardplan-shard={index}" in log.splitlines()[0]
        assert " passed" in log
        assert f"shard {index}/2 passed in " in proc.stderr  # plain lines: stderr is no terminal
    assert "all 2 shards passed in " in proc.stderr
    audited = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml", *INCLUDE,
                        cwd=planned, check=False)
    assert audited.returncode == 0, audited.stdout + audited.stderr


def test_the_temporary_log_directory_goes_when_all_passed(planned):
    proc = run_all(planned, "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert not os.path.exists(logs_directory(proc.stderr))


def test_a_failing_shard_is_named_with_its_log(planned):
    with open(planned / "tests" / "test_smoke.py", "a") as handle:
        handle.write("\n\ndef test_boom():\n    assert False\n")
    shard = next(s["index"] for s in json.loads((planned / "plan.json").read_text())["shards"]
                 if "tests/test_smoke.py" in s["files"])
    proc = run_all(planned, "--jobs", "2")
    logs = logs_directory(proc.stderr)
    try:
        assert proc.returncode == 1, proc.stderr
        log = os.path.join(logs, f"shard-{shard}.log")
        assert ("shardplan: error: 1 of 2 shards failed in " in proc.stderr
                and f": shard {shard} (exit code 1); logs: {log}\n" in proc.stderr), proc.stderr
        assert "test_boom" in open(log).read()
        assert {row[0]: row[3] for row in table(proc.stdout)} == {shard: 1, 3 - shard: 0}
    finally:
        shutil.rmtree(logs, ignore_errors=True)


def test_a_command_that_does_not_exist_fails_every_shard(planned):
    proc = run_all(planned, "--logs", "logs", command=["no-such-command-shardplan"])
    assert proc.returncode == 1
    assert "2 of 2 shards failed" in proc.stderr and "shard 1 (exit code 127), shard 2 (exit code 127)" in proc.stderr
    assert "cannot run 'no-such-command-shardplan'" in (planned / "logs" / "shard-1.log").read_text()


@pytest.mark.parametrize("jobs", ["0", "-1", "x"])
def test_jobs_must_be_positive(planned, jobs):
    proc = run_all(planned, "--jobs", jobs)
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr


def test_progress_is_one_line_redrawn_on_a_terminal(planned):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set")
    master, slave = pty.openpty()
    proc = subprocess.Popen([BIN, "run-all", "--plan", "plan.json", "--logs", "logs", "--", PYTHON, "-c",
                             "import time; time.sleep(1.5)"],
                            cwd=planned, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout, _ = proc.communicate(timeout=30)
    text = seen.decode()
    assert proc.returncode == 0, text
    assert re.search(r"\r0/2 shards done, 2 running, 0:0\d elapsed, ~0:0\d predicted remaining", text), text
    assert "shard 1/2 passed" not in text, "a terminal gets the progress line, not a line per shard"
    assert len(table(stdout)) == 2


SLEEPER = """\
import os, subprocess, time
child = subprocess.Popen(["sleep", "60"])
for pid in (os.getpid(), child.pid):
    open(os.path.join("pids", str(pid)), "w").close()
time.sleep(60)
"""


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_every_child_and_exits_130(planned, stop):
    if not BIN:
        pytest.skip("SHARDPLAN_BIN is not set")
    (planned / "pids").mkdir()
    proc = subprocess.Popen([BIN, "run-all", "--plan", "plan.json", "--jobs", "2", "--logs", "logs", "--",
                             PYTHON, "-c", SLEEPER], cwd=planned, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while len(os.listdir(planned / "pids")) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = [int(name) for name in os.listdir(planned / "pids")]
    assert len(pids) == 4, "both shards and their grandchildren should be running"
    started = time.monotonic()
    proc.send_signal(stop)
    try:
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - started < 5, "run-all should stop promptly"
    assert proc.returncode == 130, stderr
    assert ("interrupted" if stop == signal.SIGINT else "terminated") + ": stopping every running shard" in stderr
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in pids if alive(pid)], "no child or grandchild may survive"
    assert [row[0] for row in table(stdout)] == [1, 2]
