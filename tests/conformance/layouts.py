"""The conformance corpus: small project layouts, each a dict of files plus how pytest is run.

A layout is `Layout(name, files, args=(), env={}, cwd=".")`: `files` maps a path to its text
(None: the standard test module below), `args` are pytest arguments given on the command line
(and to shardplan after `--`), `env` is added to the environment (PYTEST_ADDOPTS), `cwd` is the
directory pytest and shardplan run in.

The five real-project layouts take the configuration of /work/shared/data/*/pytest_config.txt
and a handful of test file paths per directory pattern of its files.txt (copied here so the
corpus needs nothing outside the repository). Changes from the real configs, each because a
plugin is not installed or to save time: hypha's `-n=auto` is `-n=0` (the option stays in
addopts; spawning workers in each of its 18 shard runs would triple the case's time, and
test_xdist covers xdist); pymc-marketing's --cov* options are dropped (no pytest-cov);
tilavarauspalvelu's pytest11 entry point is left out (it needs an installed distribution).
"""
from dataclasses import dataclass, field

# Four items: a function, two parameters, a method.
TEST_MODULE = '''import pytest


def test_one():
    pass


@pytest.mark.parametrize("x", [1, 2])
def test_param(x):
    pass


class TestGroup:
    def test_method(self):
        pass
'''

NOT_A_TEST = "def helper():\n    return 1\n"

DOCTEST_MODULE = '''"""A module with doctests.

>>> 1 + 1
2
"""


def double(x):
    """
    >>> double(2)
    4
    """
    return 2 * x


def no_doctest():
    return None
'''

DOCTEST_INIT = '''"""Package docstring with a doctest.

>>> 40 + 2
42
"""
'''

DOCTEST_TEXT = '''A text file with a doctest.

>>> "a" * 3
'aaa'
'''

RST_DOCTEST = '''Usage
=====

.. code-block:: python

    >>> sorted([3, 1, 2])
    [1, 2, 3]
'''


@dataclass
class Layout:
    name: str
    files: dict
    args: tuple = ()
    env: dict = field(default_factory=dict)
    cwd: str = "."
    note: str = ""


def tests(*paths):
    return {p: None for p in paths}


def packages(paths, top_levels=()):
    """`__init__.py` in every directory of `paths` (real projects' test trees are packages, and
    duplicate basenames across directories need it in pytest's default import mode)."""
    inits = {}
    for p in paths:
        parts = p.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            inits["/".join(parts[:i]) + "/__init__.py"] = ""
    return inits


def project(config_name, config_text, paths, extra=None, **kw):
    files = {config_name: config_text}
    files.update(packages(paths))
    files.update(tests(*paths))
    files.update(extra or {})
    return files


HYPHA = ['hypha/addressfield/tests.py', 'hypha/api/v2/tests.py',
         'hypha/apply/activity/tests/test_activity_tags.py', 'hypha/apply/activity/tests/test_adapter_utils.py',
         'hypha/apply/dashboard/tests/test_services.py', 'hypha/apply/funds/tests/models/test_roundsandlabs.py',
         'hypha/apply/funds/tests/views/test_rounds.py', 'hypha/apply/projects/tests/test_files.py',
         'hypha/apply/search/tests/test_filters.py', 'hypha/apply/stream_forms/tests.py',
         'hypha/apply/users/tests/test_backends.py', 'hypha/apply/utils/testing/tests.py',
         'hypha/apply/users/tests/test_users_tests.py', 'hypha/test_health.py']
PGMPY = ['pgmpy/tests/test_base/test_DAG.py', 'pgmpy/tests/test_base/test_UndirectedGraph.py',
         'pgmpy/tests/test_estimators/test_BaseEstimator.py', 'pgmpy/tests/test_factors/test_FactorDict.py',
         'pgmpy/tests/test_factors/test_continuous/test_Canonical_Factor.py',
         'pgmpy/tests/test_factors/test_discrete/test_Factor.py', 'pgmpy/tests/test_global_vars.py',
         'pgmpy/tests/test_inference/test_ApproxInference.py', 'pgmpy/tests/test_models/test_BayesianNetwork.py']
PYMC = ['tests/bass/test_data.py', 'tests/bass/test_model.py', 'tests/clv/models/test_basic.py',
        'tests/clv/test_distributions.py', 'tests/customer_choice/test_bayesian_blp.py',
        'tests/data/test_fivetran.py', 'tests/mmm/builders/test_factories.py',
        'tests/mmm/components/test_adstock.py', 'tests/mmm/plotting/test_budget.py',
        'tests/mmm/test_budget_optimizer.py', 'tests/pie/test_model.py']
SCOUT = ['tests/adapter/mongo/test_base.py', 'tests/adapter/mongo/test_case_events.py',
         'tests/build/test_build_case.py', 'tests/build/test_build_clnsig.py',
         'tests/commands/download/test_download_ensembl_cmd.py', 'tests/commands/test_base_command.py',
         'tests/export/test_export_variants.py', 'tests/server/blueprints/login/test_controllers.py',
         'tests/server/blueprints/variants/test_variants_utils.py', 'tests/update/test_update_institute.py']
TILA = ['tests/test_actions/test_anonymization.py', 'tests/test_actions/test_application_round_actions.py',
        'tests/test_external_services/test_verkkokauppa/test_helpers.py',
        'tests/test_graphql_api/test_equipment/test_create.py',
        'tests/test_graphql_api/test_equipment/test_create_permissions.py',
        'tests/test_graphql_api/test_purpose/test_create.py',
        'tests/test_graphql_api/test_unit_group/test_query.py',
        'tests/test_palvelukartta_api/test_reservation_units.py', 'tests/test_models/tests.py',
        'tests/test_utils/date_tests.py']


def corpus():
    L = []

    # --- the five real configurations --------------------------------------------------------
    L.append(Layout("hypha", project("pyproject.toml", '''[project]
name = "hypha"

[tool.pytest]
DJANGO_SETTINGS_MODULE = 'hypha.settings.test'
addopts = ['-n=0', '--failed-first']
python_files = ['tests.py', 'test_*.py', '*_tests.py']
testpaths = ["hypha"]
''', HYPHA, {"conftest.py": "", "hypha/apply/utils/testing/helpers.py": NOT_A_TEST,
             "docs/test_docs_outside_testpaths.py": None, "hypha/apply/funds/tests/views/my_tests.py": None}),
        note="pytest 9's native [tool.pytest] table; pytest 7/8 do not read it"))

    L.append(Layout("pgmpy", project("pytest.ini", '''[pytest]
addopts = -p no:doctest 
# temporarily disable xdoctest until the doctests are fixed
# --xdoctest --xdoctest-style=auto
norecursedirs = .git ignore build __pycache__

filterwarnings= default
''', PGMPY, {"ignore/test_ignored.py": None, "build/lib/test_built.py": None,
             "pgmpy/tests/build/test_in_build.py": None, "pgmpy/utils/test_helper_like.py": NOT_A_TEST,
             "dist/test_in_dist.py": None})))

    L.append(Layout("pymc-marketing", project("pyproject.toml", '''[project]
name = "pymc-marketing"

[tool.pytest.ini_options]
addopts = [
    "-v",
    "--strict-markers",
    "--strict-config",
    "--durations=50",
    "--color=yes",
]
filterwarnings = [
    "ignore::DeprecationWarning:bokeh.core.property.primitive:37",
    "ignore::SyntaxWarning:dowhy.*",
]
testpaths = "tests"
''', PYMC, {"pymc_marketing/__init__.py": "", "pymc_marketing/test_utils.py": None,
            "docs/source/test_notebook_runner.py": None}),
        note="pytest-cov options dropped (not installed)"))

    L.append(Layout("scout", project("pytest.ini", '''[pytest]
testpaths = tests
addopts = -v -x
norecursedirs = '.*' 'dist' 'CVS' '_darcs' '{arch}' '*.egg' 'venv'
''', SCOUT, {"setup.cfg": "[tool:pytest]\nlooponfailroots =\n    tests/\n    scout/\n",
             "scout/test_not_in_testpaths.py": None, "tests/.hidden/test_hidden.py": None,
             "tests/node_modules/test_nm.py": None},
        ), note="norecursedirs without 'build': tests/build is collected"))

    L.append(Layout("tilavarauspalvelu-core", project("pyproject.toml", '''[project]
name = "tilavarauspalvelu-core"

[tool.pytest.ini_options]
DJANGO_SETTINGS_MODULE = "config.settings"
DJANGO_SETTINGS_ENVIRONMENT = "AutomatedTests"
markers = [
    "slow: Marks a test that takes a long time to run.",
]
python_files = [
    "tests.py",
    "test_*.py",
    "*_tests.py",
]
norecursedirs = [
    ".git",
    "venv",
    "build",
]
filterwarnings = [
    "ignore:.*collections.*:DeprecationWarning:graphene",
    "ignore:.*ugettext_lazy.*::recurrence",
]
''', TILA, {"tests/plugins.py": NOT_A_TEST, "build/test_in_build.py": None,
            "dist/test_in_dist.py": None, "node_modules/pkg/test_nm.py": None,
            "config/settings_tests.py": None})))

    # --- doctests ----------------------------------------------------------------------------
    base = tests("tests/test_a.py", "tests/test_b.py", "tests/unit/test_c.py")
    L.append(Layout("doctest-modules", {
        "setup.cfg": "[tool:pytest]\naddopts = --doctest-modules\n",
        "setup.py": '"""\n>>> 1\n1\n"""\n',
        "pkg/__init__.py": DOCTEST_INIT, "pkg/core.py": DOCTEST_MODULE, "pkg/plain.py": NOT_A_TEST,
        "pkg/sub/__init__.py": "", "pkg/sub/more.py": DOCTEST_MODULE,
        "conftest.py": '"""\n>>> 2\n2\n"""\n', "README.txt": DOCTEST_TEXT, "test_readme.txt": DOCTEST_TEXT,
        **base}, note="doctests in modules, a package __init__.py, conftest.py; setup.py skipped"))
    L.append(Layout("doctest-glob", {
        "pytest.ini": "[pytest]\naddopts = --doctest-glob=*.rst --doctest-glob=guide_*.txt\n",
        "docs/usage.rst": RST_DOCTEST, "docs/guide_intro.txt": DOCTEST_TEXT, "docs/test_old.txt": DOCTEST_TEXT,
        "docs/empty.rst": "No doctest here.\n", "pkg/__init__.py": DOCTEST_INIT,
        **base}, note="--doctest-glob replaces the default test*.txt; empty.rst yields no item"))
    L.append(Layout("doctest-default-txt", {
        "tox.ini": "[pytest]\n",
        "test_readme.txt": DOCTEST_TEXT, "docs/test_howto.txt": DOCTEST_TEXT,
        "test-requirements.txt": "pytest\n", "docs/testing.txt": "Prose, no doctest.\n",
        "docs/other.txt": DOCTEST_TEXT, **base},
        note="test*.txt files are doctest files; ones without examples yield no item"))
    L.append(Layout("doctest-modules-cli", {
        "pkg/__init__.py": DOCTEST_INIT, "pkg/core.py": DOCTEST_MODULE, "tools/script.py": DOCTEST_MODULE,
        **base}, args=("--doctest-modules", "pkg", "tests"),
        note="--doctest-modules and paths on the command line"))

    # --- conftest collect_ignore -------------------------------------------------------------
    L.append(Layout("collect-ignore", {
        "pytest.ini": "[pytest]\n",
        "conftest.py": 'collect_ignore = ["setup.py", "tests/test_legacy.py"]\n'
                       'collect_ignore_glob = ["*_old.py", "tests/slow/*"]\n',
        "setup.py": None, "tests/test_legacy.py": None, "tests/test_new.py": None,
        "tests/test_feature_old.py": None, "tests/slow/test_big.py": None,
        "tests/sub/conftest.py": 'collect_ignore = ["test_sub_skip.py"]\n',
        "tests/sub/test_sub_skip.py": None, "tests/sub/test_sub_keep.py": None,
        **tests("tests/test_x.py", "tests/test_y.py", "lib/test_z.py")}))

    # --- rootdir and cwd ---------------------------------------------------------------------
    L.append(Layout("parent-ini", {
        "pytest.ini": "[pytest]\ntestpaths = other\npython_files = check_*.py test_*.py\n",
        "other/test_other.py": None,
        "service/tests/test_s1.py": None, "service/tests/check_s2.py": None,
        "service/tests/deep/test_s3.py": None, "service/test_s4.py": None, "service/lib.py": NOT_A_TEST,
        "service/more/check_m.py": None, "service/more/test_m2.py": None},
        cwd="service", note="pytest runs in service/; rootdir is the parent; testpaths ignored there"))
    L.append(Layout("src-layout", {
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\ntestpaths = ["tests"]\n',
        "src/mypkg/__init__.py": "", "src/mypkg/core.py": NOT_A_TEST, "src/mypkg/test_inside.py": None,
        **packages(["tests/unit/x.py"]),
        **tests("tests/unit/test_u1.py", "tests/unit/test_u2.py", "tests/integration/test_i1.py",
                "tests/integration/test_i2.py", "tests/test_top.py")}))
    L.append(Layout("init-mixed", {
        "pytest.ini": "[pytest]\n",
        "pkg_a/__init__.py": "", "pkg_a/tests/__init__.py": "", "pkg_a/tests/test_common.py": None,
        "pkg_b/__init__.py": "", "pkg_b/tests/__init__.py": "", "pkg_b/tests/test_common.py": None,
        "plain/test_plain_one.py": None, "plain/deeper/test_plain_two.py": None,
        "nsdir/sub/__init__.py": "", "nsdir/sub/test_ns.py": None, "util_test.py": None,
        "test_root.py": None}, note="duplicate basenames in packages; rootless dirs; *_test.py"))

    # --- options from outside the config file ------------------------------------------------
    L.append(Layout("pytest-addopts-env", {
        "pytest.ini": "[pytest]\ntestpaths = tests\n",
        **tests("tests/test_a.py", "tests/test_b.py", "tests/integration/test_i.py",
                "tests/test_wip_one.py", "tests/test_c.py", "tests/more/test_d.py")},
        env={"PYTEST_ADDOPTS": "--ignore=tests/integration --ignore-glob=*wip*"}))
    L.append(Layout("override-python-files", {
        "pytest.ini": "[pytest]\npython_files = test_*.py\n",
        **tests("tests/test_a.py", "tests/check_b.py", "tests/b_spec.py", "tests/sub/check_c.py",
                "tests/sub/c_spec.py", "tests/sub/test_d.py")},
        args=("-o", "python_files=check_*.py *_spec.py")))
    L.append(Layout("addopts-positional", {
        "pytest.ini": "[pytest]\naddopts = -ra tests/unit tests/functional/test_api.py\ntestpaths = tests\n",
        **tests("tests/unit/test_u1.py", "tests/unit/test_u2.py", "tests/unit/sub/test_u3.py",
                "tests/functional/test_api.py", "tests/functional/test_ui.py", "tests/test_top.py")},
        note="positional paths in addopts win over testpaths"))
    L.append(Layout("testpaths-glob", {
        "pytest.ini": "[pytest]\ntestpaths =\n    packages/*/tests\n    tests/*/unit\n",
        **tests("packages/alpha/tests/test_a1.py", "packages/alpha/tests/test_a2.py",
                "packages/beta/tests/test_b1.py", "packages/beta/src/test_not.py",
                "tests/core/unit/test_c1.py", "tests/core/integration/test_c2.py",
                "tests/io/unit/test_io1.py", "test_root.py")}))
    L.append(Layout("norecursedirs", {
        "pytest.ini": "[pytest]\nnorecursedirs = fixtures* _build legacy\n",
        **tests("tests/test_a.py", "tests/test_b.py", "tests/fixtures_data/test_f.py",
                "tests/_build/test_b2.py", "legacy/test_old.py", "tests/legacy/test_old2.py",
                "build/test_in_build.py", ".hidden/test_hidden.py", "tests/sub/test_s.py",
                "venv_like/test_v.py"),
        "realvenv/pyvenv.cfg": "home = /usr/bin\n", "realvenv/lib/test_venv.py": None},
        note="a norecursedirs setting replaces the defaults: build/ and .hidden/ are collected"))
    L.append(Layout("no-config", {
        **tests("tests/test_a.py", "tests/test_b.py", "tests/b_test.py", "build/test_build.py",
                "dist/test_dist.py", ".tox/test_tox.py", "node_modules/x/test_nm.py", "sub.egg/test_egg.py",
                "src/test_src.py", "{arch}/test_arch.py", "CVS/test_cvs.py"),
        "env/pyvenv.cfg": "home = /usr/bin\n", "env/test_in_venv.py": None,
        "tests/__pycache__/test_cached.py": None},
        note="defaults: norecursedirs, virtualenvs, *_test.py"))
    return L


# The xdist layout: groups for loadgroup, classes for loadscope.
XDIST_MODULE = '''import pytest


@pytest.mark.xdist_group(name="db")
def test_grouped():
    pass


@pytest.mark.xdist_group(name="db")
@pytest.mark.parametrize("x", [1, 2, 3])
def test_grouped_param(x):
    pass


def test_plain():
    pass


class TestScope:
    def test_a(self):
        pass

    def test_b(self):
        pass
'''


def xdist_layout():
    files = {"pytest.ini": "[pytest]\ntestpaths = tests\n"}
    for p in ("tests/test_x1.py", "tests/test_x2.py", "tests/sub/test_x3.py", "tests/sub/test_x4.py",
              "tests/test_x5.py", "tests/test_x6.py"):
        files[p] = XDIST_MODULE
    return Layout("xdist", files)
