"""The CI recipes of docs/ci, simulated locally with real pytest: every shard of each recipe's
matrix runs `shardplan run --shard auto` with that CI's variables and writes JUnit, then
`shardplan audit` must pass. The GitHub Actions and GitLab CI commands are read from the
recipes themselves (so the docs cannot rot silently); CircleCI, Buildkite and Bazel use their
own variables with the same command. Bad variables must stop `run` with exit 2 before the
command starts."""
import json
import os
import re
import shlex

import pytest

from conftest import BIN, PYTHON, SOURCE, shardplan

DOCS = os.path.join(SOURCE, "docs", "ci")
# A few fast files, so each shard is mostly pytest's start-up.
SUBSET = ["tests/test_smoke.py", "tests/unit/test_graphs_paths.py", "tests/unit/test_sorting_basic.py",
          "tests/unit/test_matrix_det.py", "tests/unit/test_matrix_basic.py",
          "tests/integration/test_report.py", "tests/algo/deep/test_fib.py"]
INCLUDE = [arg for path in SUBSET for arg in ("--include", path)]
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", *SUBSET]
SHARD_VARIABLES = [
    "SHARDPLAN_SHARD", "SHARDPLAN_TOTAL", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS",
    "TEST_SHARD_STATUS_FILE", "CI_NODE_INDEX", "CI_NODE_TOTAL", "CIRCLE_NODE_INDEX",
    "CIRCLE_NODE_TOTAL", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT",
    "GITHUB_STEP_SUMMARY",
]


def ci_env(**variables):
    """This process's environment without any CI's shard variables (the tests may themselves
    run in CI), plus `variables`."""
    env = {key: value for key, value in os.environ.items() if key not in SHARD_VARIABLES}
    env.update({key: str(value) for key, value in variables.items()})
    return env


# ---------------------------------------------------------------------------------------------
# Reading the recipes: just enough YAML (one command per line) to run what they say.

def recipe_text(name):
    with open(os.path.join(DOCS, name), encoding="utf-8") as handle:
        return handle.read()


def recipe_commands(name):
    """The `shardplan ...` command lines of a recipe, without YAML list or `run:` prefixes."""
    commands = []
    for line in recipe_text(name).splitlines():
        text = line.strip()
        text = text[2:] if text.startswith("- ") else text
        text = text[5:] if text.startswith("run: ") else text
        if text.startswith("shardplan "):
            commands.append(text)
    return commands


def recipe_command(name, subcommand):
    found = [line for line in recipe_commands(name) if line.split()[1] == subcommand]
    assert len(found) == 1, f"{name}: expected one 'shardplan {subcommand}' line, found {found}"
    return found[0]


def recipe_shards(name):
    found = re.search(r"^\s*SHARDS: \"?(\d+)\"?\s*$", recipe_text(name), re.MULTILINE)
    assert found, f"{name}: no SHARDS variable"
    return int(found.group(1))


def expand(line, env):
    """$NAME and ${NAME} as the job's shell expands them; an unknown name fails the test."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env[m.group(1) or m.group(2)], line)


def run_recipe_line(line, cwd, env, extra=()):
    """Runs one recipe line as the job would: `shardplan` is the binary under test, `python` is
    the system Python, `extra` goes at the end of the command (before a `>`/`>>` redirect)."""
    words = shlex.split(expand(line, env))
    redirect = None
    for op in (">", ">>"):
        if op in words:
            at = words.index(op)
            redirect, words = (op, words[at + 1]), words[:at]
    assert words[0] == "shardplan"
    words = [BIN, *words[1:], *extra]
    if "--" in words and words[words.index("--") + 1] == "python":
        words[words.index("--") + 1] = PYTHON
    proc = shardplan(*words[1:], cwd=cwd, check=False, env=env)
    if redirect:
        with open(os.path.join(cwd, redirect[1]), "a" if redirect[0] == ">>" else "w") as out:
            out.write(proc.stdout)
    return proc


def assert_ok(proc, what):
    assert proc.returncode == 0, f"{what} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"


def merge_and_audit(name, root, env):
    merged = run_recipe_line(recipe_command(name, "merge"), root, env, INCLUDE)
    assert_ok(merged, "merge")
    durations = json.loads((root / ".test_durations").read_text())
    assert durations and all(key.startswith(tuple(SUBSET)) for key in durations)
    audited = run_recipe_line(recipe_command(name, "audit"), root, env, INCLUDE)
    assert_ok(audited, "audit")
    assert "audit ok" in audited.stderr
    return audited


# ---------------------------------------------------------------------------------------------
# The two complete recipes.

def test_gitlab_recipe(demo):
    name = "gitlab-ci.yml"
    shards = recipe_shards(name)
    assert re.search(rf"^\s*parallel: {shards}\s*$", recipe_text(name), re.MULTILINE), \
        "parallel: must equal SHARDS"
    assert_ok(run_recipe_line(recipe_command(name, "plan"), demo, ci_env(SHARDS=shards), INCLUDE), "plan")
    run_line = recipe_command(name, "run")
    assert "--shard auto" in run_line and "${CI_NODE_INDEX}" in run_line
    for index in range(1, shards + 1):
        env = ci_env(CI_NODE_INDEX=index, CI_NODE_TOTAL=shards)
        proc = run_recipe_line(run_line, demo, env, PYTEST_ARGS)
        assert_ok(proc, f"shard {index}")
        assert f"--shard auto: shard {index} of {shards} from GitLab" in proc.stderr
        assert (demo / "reports" / f"shard-{index}.xml").exists()
    audited = merge_and_audit(name, demo, ci_env())
    assert len(audited.stdout.splitlines()) == 1 + shards


def test_github_actions_recipe(demo):
    name = "github-actions.yml"
    text = recipe_text(name)
    assert "matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}" in text
    assert "SHARDPLAN_SHARD: ${{ matrix.shard }}" in text
    assert "SHARDPLAN_TOTAL: ${{ strategy.job-total }}" in text
    shards = recipe_shards(name)
    assert_ok(run_recipe_line(recipe_command(name, "plan"), demo, ci_env(SHARDS=shards), INCLUDE), "plan")
    matrix = json.loads((demo / "matrix.json").read_text())
    assert matrix == {"include": [{"shard": index} for index in range(1, shards + 1)]}
    summary = demo / "step-summary.md"
    summary.write_text("# written by an earlier step\n")
    run_line = recipe_command(name, "run")
    for entry in matrix["include"]:  # strategy.job-total is the number of matrix jobs
        env = ci_env(SHARDPLAN_SHARD=entry["shard"], SHARDPLAN_TOTAL=len(matrix["include"]),
                     GITHUB_STEP_SUMMARY=summary)
        proc = run_recipe_line(run_line, demo, env, PYTEST_ARGS)
        assert_ok(proc, f"shard {entry['shard']}")
    written = summary.read_text()
    assert written.startswith("# written by an earlier step\n"), "the summary is appended to"
    for index in range(1, shards + 1):
        assert f"### shardplan: shard {index} of {shards} passed\n" in written
    merge_and_audit(name, demo, ci_env())
    report = run_recipe_line(recipe_command(name, "report"), demo, ci_env(GITHUB_STEP_SUMMARY="summary.md"))
    assert_ok(report, "report")
    assert "|" in (demo / "summary.md").read_text()


# ---------------------------------------------------------------------------------------------
# The other CIs' variables, with the command the recipes use ({shard} names the report).

SHARDS = 3
OTHER_CIS = {
    "circleci": lambda i: {"CIRCLE_NODE_INDEX": i - 1, "CIRCLE_NODE_TOTAL": SHARDS},
    "buildkite": lambda i: {"BUILDKITE_PARALLEL_JOB": i - 1, "BUILDKITE_PARALLEL_JOB_COUNT": SHARDS},
    "bazel": lambda i: {"TEST_SHARD_INDEX": i - 1, "TEST_TOTAL_SHARDS": SHARDS,
                        "TEST_SHARD_STATUS_FILE": f"status/shard-{i}"},
    "gitlab": lambda i: {"CI_NODE_INDEX": i, "CI_NODE_TOTAL": SHARDS},
    "shardplan": lambda i: {"SHARDPLAN_SHARD": i, "SHARDPLAN_TOTAL": SHARDS},
}


@pytest.fixture
def planned(demo):
    shardplan("plan", "-n", SHARDS, "--durations", ".test_durations", *INCLUDE, "-o", "plan.json", cwd=demo)
    return demo


def run_auto(root, env, *command):
    return shardplan("run", "--plan", "plan.json", "--shard", "auto", "--", *command, cwd=root,
                     check=False, env=env)


@pytest.mark.parametrize("ci", sorted(OTHER_CIS))
def test_every_ci_runs_each_shard_once(planned, ci):
    (planned / "status").mkdir()
    for index in range(1, SHARDS + 1):
        proc = run_auto(planned, ci_env(**OTHER_CIS[ci](index)), PYTHON, "-m", "pytest", *PYTEST_ARGS,
                        "--junitxml=reports/shard-{shard}.xml")
        assert_ok(proc, f"{ci} shard {index}")
        assert f"--shard auto: shard {index} of {SHARDS} from" in proc.stderr
    assert sorted(os.listdir(planned / "reports")) == [f"shard-{i}.xml" for i in range(1, SHARDS + 1)]
    if ci == "bazel":
        assert sorted(os.listdir(planned / "status")) == [f"shard-{i}" for i in range(1, SHARDS + 1)]
    audited = shardplan("audit", "--plan", "plan.json", "--junit", "reports/shard-{shard}.xml", *INCLUDE,
                        cwd=planned, check=False)
    assert_ok(audited, "audit")


# ---------------------------------------------------------------------------------------------
# Bad input: exit 2, a message naming the variable, and the command never starts.

BAD_ENVIRONMENTS = [
    ({}, "--shard auto found no CI shard variables"),
    ({"CI_NODE_INDEX": 2}, "CI_NODE_INDEX is set but CI_NODE_TOTAL is not; set both, or pass --shard I"),
    ({"CIRCLE_NODE_TOTAL": 3}, "CIRCLE_NODE_TOTAL is set but CIRCLE_NODE_INDEX is not"),
    ({"CI_NODE_INDEX": 4, "CI_NODE_TOTAL": 3},
     "CI_NODE_INDEX=4 is out of range for CI_NODE_TOTAL=3 (GitLab counts from 1)"),
    ({"CI_NODE_INDEX": 0, "CI_NODE_TOTAL": 3},
     "CI_NODE_INDEX=0 is out of range for CI_NODE_TOTAL=3 (GitLab counts from 1)"),
    ({"CIRCLE_NODE_INDEX": 3, "CIRCLE_NODE_TOTAL": 3},
     "CIRCLE_NODE_INDEX=3 is out of range for CIRCLE_NODE_TOTAL=3 (CircleCI counts from 0)"),
    ({"TEST_SHARD_INDEX": -1, "TEST_TOTAL_SHARDS": 3},
     "TEST_SHARD_INDEX=-1 is out of range for TEST_TOTAL_SHARDS=3 (Bazel counts from 0)"),
    ({"BUILDKITE_PARALLEL_JOB": "one", "BUILDKITE_PARALLEL_JOB_COUNT": 3},
     "BUILDKITE_PARALLEL_JOB='one' is not a whole number"),
    ({"SHARDPLAN_SHARD": "1", "SHARDPLAN_TOTAL": "3.0"}, "SHARDPLAN_TOTAL='3.0' is not a whole number"),
    ({"SHARDPLAN_SHARD": "", "SHARDPLAN_TOTAL": "3"}, "SHARDPLAN_SHARD='' is not a whole number"),
    ({"CI_NODE_INDEX": 1, "CI_NODE_TOTAL": 0}, "CI_NODE_TOTAL=0 must be at least 1"),
    ({"SHARDPLAN_SHARD": 1, "SHARDPLAN_TOTAL": 4},
     "plan.json: --shard auto: shardplan (SHARDPLAN_SHARD/SHARDPLAN_TOTAL) gives 4 shards, but this "
     "plan has 3; plan with -n 4 or run 3 jobs"),
    ({"CI_NODE_INDEX": 2, "CI_NODE_TOTAL": 2},
     "GitLab (CI_NODE_INDEX/CI_NODE_TOTAL) gives 2 shards, but this plan has 3"),
]


@pytest.mark.parametrize("variables,message", BAD_ENVIRONMENTS,
                         ids=[message.split(" ")[0] + f"-{i}" for i, (_, message) in enumerate(BAD_ENVIRONMENTS)])
def test_bad_ci_variables_stop_before_the_command(planned, variables, message):
    proc = run_auto(planned, ci_env(**variables), PYTHON, "-c", "open('ran', 'w')")
    assert proc.returncode == 2, proc.stderr
    assert "shardplan: error: " in proc.stderr and message in proc.stderr, proc.stderr
    assert not (planned / "ran").exists()


def test_bazel_status_file_that_cannot_be_touched(planned):
    env = ci_env(TEST_SHARD_INDEX=0, TEST_TOTAL_SHARDS=SHARDS, TEST_SHARD_STATUS_FILE="no/such/dir/status")
    proc = run_auto(planned, env, PYTHON, "-c", "open('ran', 'w')")
    assert proc.returncode == 2
    assert "no/such/dir/status: cannot touch TEST_SHARD_STATUS_FILE: No such file or directory" in proc.stderr
    assert not (planned / "ran").exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "", "2x", "AUTO"])
def test_shard_must_be_an_index_or_auto(planned, value):
    proc = shardplan("run", "--plan", "plan.json", "--shard", value, "--", "true", cwd=planned, check=False,
                     env=ci_env())
    assert proc.returncode == 2
    assert f"'{value}' is not a shard: give a 1-based index or 'auto'" in proc.stderr


def test_explicit_shard_still_works_and_ignores_the_environment(planned):
    env = ci_env(CI_NODE_INDEX=9, CI_NODE_TOTAL=9)
    proc = shardplan("run", "--plan", "plan.json", "--shard", "2", "--", PYTHON, "-m", "pytest",
                     *PYTEST_ARGS, cwd=planned, check=False, env=env)
    assert_ok(proc, "run --shard 2")
    assert "shard 2/3" in proc.stderr
    out_of_range = shardplan("run", "--plan", "plan.json", "--shard", "4", "--", "true", cwd=planned,
                             check=False, env=env)
    assert out_of_range.returncode == 2
    assert "--shard 4 is out of range: this plan has shards 1 to 3" in out_of_range.stderr


def test_step_summary_records_a_failing_shard(planned):
    summary = planned / "summary.md"
    summary.write_text("earlier\n")
    env = ci_env(SHARDPLAN_SHARD=3, SHARDPLAN_TOTAL=SHARDS, GITHUB_STEP_SUMMARY=summary)
    proc = run_auto(planned, env, PYTHON, "-c", "import sys; sys.exit(5)")
    assert proc.returncode == 5
    text = summary.read_text()
    assert text.startswith("earlier\n### shardplan: shard 3 of 3 failed\n")
    plan = json.loads((planned / "plan.json").read_text())
    row = [line for line in text.splitlines() if line][-1]
    assert row.startswith(f"| `{plan['inputs_digest']}` |") and row.endswith("| 5 |"), row
