"""The wheel: installed with `pip install --no-index` into a fresh venv that sees Debian's
pytest, it runs the demo's four shards with plain pytest (the plugin comes from the pytest11
entry point: no -p, no `shardplan run`), and `shardplan run` still works beside it.
SHARDPLAN_PYTEST=8|9 runs the same under pytest 8.4.2 / 9.1.1 (tests/conformance/
pytest_versions.py; the ctest launcher skips with exit 77 when they are absent)."""
import os
import re
import stat
import zipfile

import pytest

from conftest import SOURCE, SYSTEM_PYTHON, artifact, highest_glibc, project_version, pytest_versions, run

TARGET = pytest_versions.target()
SHARDS = 4


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh venv with Debian's site-packages visible and the wheel installed."""
    if TARGET.missing:
        pytest.skip(TARGET.missing)
    root = tmp_path_factory.mktemp("venv") / "v"
    run([SYSTEM_PYTHON, "-m", "venv", "--system-site-packages", root])
    run([root / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-index",
         "--no-cache-dir", artifact("SHARDPLAN_WHEEL")])
    return root


def venv_env(venv):
    """The environment of a shell with the venv activated, launching the target pytest."""
    env = TARGET.env()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def test_wheel_name_and_tag_say_the_glibc_the_binary_needs(tmp_path):
    wheel = artifact("SHARDPLAN_WHEEL")
    with zipfile.ZipFile(wheel) as z:
        z.extract("shardplan/_bin/shardplan", tmp_path)
        info = z.read(f"shardplan-{project_version()}.dist-info/WHEEL").decode()
    major, minor = highest_glibc(tmp_path / "shardplan" / "_bin" / "shardplan")
    tag = f"py3-none-manylinux_{major}_{minor}_x86_64"
    assert os.path.basename(wheel) == f"shardplan-{project_version()}-{tag}.whl"
    assert f"Tag: {tag}" in info.splitlines()
    assert "Root-Is-Purelib: false" in info.splitlines()


def test_wheel_contents():
    with zipfile.ZipFile(artifact("SHARDPLAN_WHEEL")) as z:
        names = set(z.namelist())
        dist_info = f"shardplan-{project_version()}.dist-info"
        assert {"shardplan_pytest.py", "shardplan/__init__.py", "shardplan/_bin/shardplan",
                f"{dist_info}/entry_points.txt", f"{dist_info}/METADATA"} <= names, names
        mode = z.getinfo("shardplan/_bin/shardplan").external_attr >> 16
        assert stat.S_IMODE(mode) == 0o755, oct(mode)
        entry_points = z.read(f"{dist_info}/entry_points.txt").decode()
        plugin = z.read("shardplan_pytest.py").decode()
    assert re.search(r"\[pytest11\]\s*\nshardplan_pytest = shardplan_pytest\s*$", entry_points, re.M)
    assert re.search(r"\[console_scripts\]\s*\nshardplan = shardplan:main\s*$", entry_points, re.M)
    with open(os.path.join(SOURCE, "python", "shardplan_pytest.py"), encoding="utf-8") as f:
        assert plugin == f.read(), "the wheel's plugin is not python/shardplan_pytest.py"


def test_console_script_runs_the_bundled_binary(venv):
    env = venv_env(venv)
    out = run(["shardplan", "--version"], env=env).stdout
    assert out.startswith(f"shardplan {project_version()} (commit "), out
    assert run(["shardplan", "no-such-command"], env=env, check=False).returncode == 2
    assert run(["shardplan", "audit"], env=env, check=False).returncode == 2
    code = ("import importlib.util, os, shardplan; spec = importlib.util.find_spec('shardplan');"
            "path = os.path.join(spec.submodule_search_locations[0], '_bin', 'shardplan');"
            "assert path == shardplan.binary(), (path, shardplan.binary());"
            "assert os.access(path, os.X_OK); print(path)")
    path = run([venv / "bin" / "python", "-c", code], env=env).stdout.strip()
    assert path.startswith(str(venv)), path
    out = run([venv / "bin" / "python", "-m", "shardplan", "--version"], env=env).stdout
    assert out.startswith("shardplan "), out


def pytest_version_of(venv, env):
    out = run([venv / "bin" / "python", "-m", "pytest", "--version"], env=env)
    return (out.stdout + out.stderr).strip()


def registrations(output):
    """Where pytest loaded shardplan_pytest from, once per registration (--trace-config)."""
    return re.findall(r"PLUGIN registered: <module 'shardplan_pytest' from '([^']+)'>", output)


def test_plain_pytest_runs_each_shard_from_the_entry_point(venv, demo):
    env = venv_env(venv)
    assert TARGET.expected_prefix in pytest_version_of(venv, env)
    run(["shardplan", "plan", "--shards", SHARDS, "--durations", ".test_durations", "-o",
         "plan.json"], cwd=demo, env=env)
    for shard in range(1, SHARDS + 1):
        proc = run([venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider",
                    "--trace-config", "--shardplan=plan.json", f"--shardplan-shard={shard}",
                    f"--junitxml=r/shard-{shard}.xml"], cwd=demo, env=env)
        assert f"shardplan: shard {shard}/{SHARDS}," in proc.stdout, proc.stdout
        loaded = registrations(proc.stdout)
        assert len(loaded) == 1 and loaded[0].startswith(str(venv)), proc.stdout
    audit = run(["shardplan", "audit", "--plan", "plan.json", "--junit", "r/*.xml"], cwd=demo,
                env=env)
    assert audit.returncode == 0


def test_shardplan_run_beside_the_wheel_registers_the_plugin_once(venv, demo):
    """`shardplan run` passes -p shardplan_pytest; pytest finds that name taken by the entry
    point's plugin (or the reverse) and registers it once, without an error."""
    env = venv_env(venv)
    run(["shardplan", "plan", "--shards", SHARDS, "--durations", ".test_durations", "-o",
         "plan.json"], cwd=demo, env=env)
    proc = run(["shardplan", "run", "--plan", "plan.json", "--shard", "1", "--", "python", "-m",
                "pytest", "-p", "no:cacheprovider", "--trace-config"], cwd=demo, env=env)
    assert "shardplan: shard 1/4," in proc.stdout, proc.stdout
    assert len(registrations(proc.stdout)) == 1, proc.stdout


def test_plain_pytest_plans_in_the_job_with_the_bundled_binary(venv, demo):
    """The one-line form: `pytest --shardplan-splits 4 --shardplan-group I` in each job, with no
    plan artifact, no -p and no `shardplan run`. Every job plans with the wheel's own binary and
    makes the same plan as `shardplan plan` by hand; together the groups run each test once."""
    env = venv_env(venv)
    env.pop("SHARDPLAN_BINARY", None)
    run(["shardplan", "plan", "--shards", SHARDS, "--durations", ".test_durations", "-o",
         "by-hand.json"], cwd=demo, env=env)
    for group in range(1, SHARDS + 1):
        proc = run([venv / "bin" / "python", "-m", "pytest", "-p", "no:cacheprovider",
                    "--shardplan-splits", str(SHARDS), "--shardplan-group", str(group),
                    f"--shardplan-write-plan=plans/job-{group}.json", f"--junitxml=j/shard-{group}.xml"],
                   cwd=demo, env=env)
        assert f"shardplan: shard {group}/{SHARDS}," in proc.stdout, proc.stdout
        assert re.search(r"planned here: .*\(" + re.escape(str(venv)), proc.stdout), proc.stdout
        assert (demo / "plans" / f"job-{group}.json").read_bytes() == (demo / "by-hand.json").read_bytes()
    audit = run(["shardplan", "audit", "--plan", "by-hand.json", "--junit", "j/*.xml"], cwd=demo,
                env=env)
    assert audit.returncode == 0
