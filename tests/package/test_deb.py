"""The .deb (CPack): its control fields, its contents, and the extracted package at work.
Never installed system-wide: `dpkg-deb -x` into a temporary folder, then the extracted binary
runs and Debian's pytest loads the extracted plugin through its dist-info entry point."""
import os
import re

import pytest

from conftest import SOURCE, SYSTEM_PYTHON, artifact, highest_glibc, project_version, run

PYTHON_DIR = "usr/lib/python3/dist-packages"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    root = tmp_path_factory.mktemp("deb") / "root"
    run(["dpkg-deb", "-x", artifact("SHARDPLAN_DEB"), root])
    return root


def control_fields(deb):
    out = run(["dpkg-deb", "-f", deb]).stdout
    return dict(re.findall(r"^([\w-]+): (.*)$", out, re.M))


def test_control_names_package_version_arch_and_the_glibc_it_needs(extracted):
    deb = artifact("SHARDPLAN_DEB")
    info = run(["dpkg-deb", "-I", deb]).stdout
    fields = control_fields(deb)
    assert fields["Package"] == "shardplan", info
    assert fields["Version"] == project_version(), info
    assert fields["Architecture"] == "amd64", info
    assert os.path.basename(deb) == f"shardplan_{project_version()}_amd64.deb"
    major, minor = highest_glibc(extracted / "usr" / "bin" / "shardplan")
    assert f"libc6 (>= {major}.{minor})" in fields.get("Depends", ""), info


def test_contents_list_the_binary_and_the_plugin():
    listing = run(["dpkg-deb", "-c", artifact("SHARDPLAN_DEB")]).stdout
    entries = {line.split()[-1]: line.split()[0] for line in listing.splitlines()}
    dist_info = f"./{PYTHON_DIR}/shardplan-{project_version()}.dist-info"
    assert entries.get("./usr/bin/shardplan") == "-rwxr-xr-x", listing
    assert entries.get(f"./{PYTHON_DIR}/shardplan_pytest.py") == "-rw-r--r--", listing
    assert f"{dist_info}/METADATA" in entries, listing
    assert f"{dist_info}/entry_points.txt" in entries, listing


def test_extracted_binary_runs(extracted):
    out = run([extracted / "usr" / "bin" / "shardplan", "--version"]).stdout
    assert out.startswith(f"shardplan {project_version()} (commit "), out
    with open(os.path.join(SOURCE, "python", "shardplan_pytest.py"), encoding="utf-8") as f:
        assert (extracted / PYTHON_DIR / "shardplan_pytest.py").read_text() == f.read()


def test_debian_pytest_auto_loads_the_extracted_plugin(extracted, demo):
    binary = extracted / "usr" / "bin" / "shardplan"
    run([binary, "plan", "--shards", "4", "--durations", ".test_durations", "-o", "plan.json"],
        cwd=demo)
    env = dict(os.environ, PYTHONPATH=str(extracted / PYTHON_DIR))
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    proc = run([SYSTEM_PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--trace-config",
                "--shardplan=plan.json", "--shardplan-shard=1", "--junitxml=r/shard-1.xml"],
               cwd=demo, env=env)
    assert "shardplan: shard 1/4," in proc.stdout, proc.stdout
    loaded = re.findall(r"PLUGIN registered: <module 'shardplan_pytest' from '([^']+)'>",
                        proc.stdout)
    assert loaded == [str(extracted / PYTHON_DIR / "shardplan_pytest.py")], proc.stdout
    # The plugin sharded: shard 1 ran some of the demo's tests, not all of them.
    collected = run([SYSTEM_PYTHON, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only",
                     "-q"], cwd=demo, env=env).stdout
    total = int(re.search(r"(\d+) tests? collected", collected).group(1))
    ran = (demo / "r" / "shard-1.xml").read_text().count("<testcase ")
    assert 0 < ran < total, (ran, total)
