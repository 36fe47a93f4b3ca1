"""The parts of the wheel build that pyproject.toml cannot say.

The wheel holds a native binary but no CPython extension: it runs under any Python 3 (py3,
abi none) on Linux with at least the glibc the binary needs. scripts/wheel.sh writes that
platform (manylinux_X_Y_<arch>) to PLATFORM_TAG, from the binary's GLIBC_X.Y symbol versions.
"""
import os

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))


def platform_tag():
    path = os.path.join(HERE, "PLATFORM_TAG")
    try:
        with open(path, encoding="ascii") as f:
            tag = f.read().strip()
    except OSError as e:
        raise SystemExit(f"{path}: {e.strerror}; build the wheel with scripts/wheel.sh")
    if not tag.startswith("manylinux_"):
        raise SystemExit(f"{path}: expected manylinux_X_Y_ARCH, got {tag!r}")
    return tag


class BinaryDistribution(Distribution):
    """Not pure Python: it carries a binary, so the wheel is platform-specific (its root is
    platlib and WHEEL says Root-Is-Purelib: false)."""

    def has_ext_modules(self):
        return True


class NativeWheel(bdist_wheel):
    """Tagged for any Python 3 interpreter (no extension module, so no ABI) on the platform."""

    def get_tag(self):
        return "py3", "none", platform_tag()


class BuildWithExecutable(build_py):
    """Copies the package and makes sure the bundled binary stays executable."""

    def run(self):
        super().run()
        binary = os.path.join(self.build_lib, "shardplan", "_bin", "shardplan")
        if not os.path.isfile(binary):
            raise SystemExit(f"{binary} is missing; build the wheel with scripts/wheel.sh")
        os.chmod(binary, 0o755)


setup(distclass=BinaryDistribution,
      cmdclass={"bdist_wheel": NativeWheel, "build_py": BuildWithExecutable})
