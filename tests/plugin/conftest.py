"""Tests of python/shardplan_pytest.py, run with real pytest sessions through `pytester`."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

pytest_plugins = ["pytester"]
