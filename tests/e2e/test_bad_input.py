"""Hostile inputs through the real binary: a 100 MB durations file, non-UTF-8 and
space-containing paths, symlink loops under --root, unwritable outputs. Nothing may crash,
every error names its input, and no partial output file is left behind."""
import json
import os
import subprocess

from conftest import BIN, shardplan


def test_hundred_megabyte_durations_file_plans(tmp_path):
    durations = tmp_path / "big.json"
    with durations.open("w", encoding="utf-8") as out:
        out.write("{")
        entry = 0
        while out.tell() < 100 * 1024 * 1024:
            out.write(f'{"," if entry else ""}"pkg{entry % 997}/test_m{entry % 5003}.py::TestC::'
                      f'test_case_with_a_rather_long_name[{entry}]": {entry % 113 / 10}')
            entry += 1
        out.write("}")
    proc = shardplan("plan", "--shards", 64, "--durations", durations, "--files-from-timings",
                     "-o", tmp_path / "plan.json", cwd=tmp_path)
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["shard_count"] == 64 and all(s["files"] or s["slices"] for s in plan["shards"])
    assert "makespan" in proc.stderr


def test_non_utf8_and_space_paths_and_symlink_loops(tmp_path):
    root = tmp_path / "proj"
    (root / "tests" / "with space").mkdir(parents=True)
    (root / "tests" / "with space" / "test_a b.py").write_text("def test_x():\n    pass\n")
    (root / "tests" / "test_ok.py").write_text("def test_y():\n    pass\n")
    os.symlink(root / "tests", root / "tests" / "loop")
    bad_name = os.fsencode(root / "tests") + b"/test_\xff\xfe.py"
    with open(bad_name, "wb") as handle:
        handle.write(b"def test_z():\n    pass\n")
    proc = shardplan("files", "--root", root, cwd=tmp_path)
    assert proc.stdout.splitlines() == ["tests/test_ok.py", "tests/with space/test_a b.py"]
    assert "symlink loop" in proc.stderr
    assert "UTF-8" in proc.stderr
    plan = tmp_path / "plan.json"
    shardplan("plan", "--shards", 2, "--root", root, "-o", plan, cwd=tmp_path)
    shardplan("check", "--plan", plan, "--root", root, cwd=tmp_path)


def test_failed_write_leaves_no_partial_file(tmp_path):
    (tmp_path / "files.txt").write_text("tests/test_a.py\ntests/test_b.py\n")
    target = tmp_path / "missing-dir" / "plan.json"
    proc = shardplan("plan", "--shards", 2, "--files-from", "files.txt", "-o", target,
                     cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert str(target) in proc.stderr
    assert not (tmp_path / "missing-dir").exists()
    # An existing plan is left untouched when the new one cannot be made.
    good = tmp_path / "plan.json"
    shardplan("plan", "--shards", 2, "--files-from", "files.txt", "-o", good, cwd=tmp_path)
    before = good.read_bytes()
    proc = shardplan("plan", "--shards", 9, "--files-from", "files.txt", "-o", good, cwd=tmp_path,
                     check=False)
    assert proc.returncode == 2
    assert good.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_garbage_inputs_never_crash(tmp_path):
    samples = {"empty": b"", "nul": b"\0" * 64, "deep": b"[" * 100000, "utf16": "{}".encode("utf-16"),
               "huge_number": b'{"a.py::t": 1e999999}', "latin1": b'{"t\xe9st.py::x": 1}'}
    for name, content in samples.items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(content)
        for args in (["plan", "-n", "1", "--durations", path, "--files-from-timings"],
                     ["check", "--plan", path, "--files-from-timings", "--durations", path],
                     ["show", "--plan", path, "--shard", "1"]):
            proc = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True,
                                  errors="replace")
            assert proc.returncode in (1, 2), (name, args, proc.returncode, proc.stderr)
            assert proc.stderr.startswith("shardplan: "), (name, proc.stderr)
            assert str(path) in proc.stderr, (name, proc.stderr)
