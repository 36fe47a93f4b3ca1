"""The release binary (`dist` preset): only glibc's libraries, and --version names the commit."""
import os
import re
import subprocess

from conftest import SOURCE, artifact, project_version, run

# What glibc installs as shared libraries (plus the kernel's vDSO); nothing else may be needed.
GLIBC = re.compile(r"^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux[-\w.]*\.so\.\d+|"
                   r"lib(c|m|pthread|dl|rt)\.so\.\d+)$")


def test_ldd_lists_only_glibc():
    out = run(["ldd", artifact("SHARDPLAN_DIST_BIN")]).stdout
    needed = [line.split()[0] for line in out.splitlines() if line.strip()]
    assert needed, out
    assert [n for n in needed if not GLIBC.match(n)] == [], out
    assert any(n.startswith("libc.so") for n in needed), out


def test_version_prints_version_and_commit():
    out = run([artifact("SHARDPLAN_DIST_BIN"), "--version"]).stdout.strip()
    match = re.fullmatch(r"shardplan (\S+) \(commit ([0-9a-f]{7,40}|unknown)\)", out)
    assert match, out
    assert match.group(1) == project_version()
    if os.path.isdir(os.path.join(SOURCE, ".git")):
        head = subprocess.run(["git", "-C", SOURCE, "rev-parse", "HEAD"], capture_output=True,
                              text=True).stdout.strip()
        assert head.startswith(match.group(2)), f"built from {match.group(2)}, HEAD is {head}"


def build_info(tmp_path, source_dir, *defines):
    header = tmp_path / "build_info.h"
    run(["cmake", f"-DSOURCE_DIR={source_dir}", f"-DOUTPUT={header}", *defines, "-P",
         os.path.join(SOURCE, "cmake", "BuildInfo.cmake")])
    return header.read_text()


def test_commit_is_unknown_outside_git(tmp_path):
    tarball = tmp_path / "shardplan-src"
    tarball.mkdir()
    assert '#define SHARDPLAN_COMMIT "unknown"' in build_info(tmp_path, tarball)


def test_commit_can_be_given_by_a_packager(tmp_path):
    assert '#define SHARDPLAN_COMMIT "abc1234"' in build_info(tmp_path, tmp_path, "-DCOMMIT=abc1234")
