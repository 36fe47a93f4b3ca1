"""shardplan: split a pytest suite into N balanced CI shards.

This package carries the shardplan binary (a static build that needs only glibc) at
shardplan/_bin/shardplan. `binary()` is its path; the `shardplan` command runs it with the
command's arguments. The pytest plugin is the top-level module `shardplan_pytest`, which pytest
loads through its pytest11 entry point.
"""
import os
import sys


def binary():
    """The path of the bundled shardplan executable."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bin", "shardplan")


def main():
    """The `shardplan` console command: replaces this process with the bundled binary."""
    path = binary()
    try:
        os.execv(path, ["shardplan", *sys.argv[1:]])
    except OSError as e:
        sys.stderr.write(f"shardplan: error: cannot run {path}: {e.strerror}; reinstall the "
                         "shardplan wheel (pip install --force-reinstall shardplan)\n")
        return 126
    return 0  # not reached: execv does not return
