"""The CI recipes of docs/ci and the action.yml at the root, executed by simulation with real
pytest, pytest-cov and coverage: every job of GitHub Actions (both forms), GitLab CI and
CircleCI runs its commands as written, with that CI's variables, in a fresh venv where the
recipes' own `pip install shardplan` installs the wheel offline. A planted test fails once: the
audit must pass anyway, the combined coverage must cover the example's modules, and the final
job must re-run exactly that test. Then `shardplan run --shard auto` with every CI's variables
(CircleCI, Buildkite, Bazel, GitLab, SHARDPLAN_*) on the dev build, and bad variables must stop
`run` with exit 2 before the command starts."""
import glob
import json
import os
import re
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
import yaml

from conftest import PYTHON, SOURCE, shardplan

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


def assert_ok(proc, what):
    assert proc.returncode == 0, f"{what} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"


# ---------------------------------------------------------------------------------------------
# The complete recipes, executed: every job of each recipe runs in a fresh copy of a trimmed
# example (SUBSET plus one planted flaky test), its commands through bash exactly as written,
# with the CI's variables. `python` is a fresh venv (Debian's site-packages visible: pytest,
# pytest-cov, coverage) where the recipes' own `pip install shardplan` line installs the wheel
# offline (PIP_NO_INDEX, PIP_FIND_LINKS). Artifacts and workspaces are copied between jobs the
# way each CI does. The wheel is SHARDPLAN_WHEEL (scripts/test.sh builds it once), else this
# session builds it with scripts/wheel.sh.

PLANTED = "tests/test_planted.py::test_fails_on_its_first_run"


@pytest.fixture(scope="session")
def wheel_dir(tmp_path_factory):
    """A directory holding only the shardplan wheel, for PIP_FIND_LINKS."""
    wheel = os.environ.get("SHARDPLAN_WHEEL")
    if not wheel:
        built = tmp_path_factory.mktemp("built-wheel")
        proc = subprocess.run(["bash", os.path.join(SOURCE, "scripts", "wheel.sh")], cwd=SOURCE,
                              capture_output=True, text=True,
                              env={**os.environ, "SHARDPLAN_DIST_DIR": str(built)})
        if proc.returncode != 0 or not proc.stdout.strip():
            pytest.fail(f"no wheel: SHARDPLAN_WHEEL is unset and scripts/wheel.sh exited "
                        f"{proc.returncode}:\n{proc.stderr[-3000:]}")
        wheel = proc.stdout.strip().splitlines()[-1]
    if not os.path.isfile(wheel):
        pytest.fail(f"no wheel: {wheel} does not exist (SHARDPLAN_WHEEL or scripts/wheel.sh)")
    links = tmp_path_factory.mktemp("find-links")
    shutil.copy(wheel, links)
    return links


class Simulation:
    """One CI run: a venv, a trimmed checkout, a directory per job, an artifact store."""

    def __init__(self, tmp_path, wheel_dir):
        self.root = tmp_path
        self.venv = tmp_path / "venv"
        subprocess.run([PYTHON, "-m", "venv", "--system-site-packages", self.venv], check=True)
        self.checkout = tmp_path / "checkout"
        shutil.copytree(os.path.join(SOURCE, "examples", "demo"), self.checkout,
                        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
        for path in glob.glob(str(self.checkout / "tests" / "**" / "test_*.py"), recursive=True):
            if os.path.relpath(path, self.checkout) not in SUBSET:
                os.remove(path)
        marker = tmp_path / "planted-ran-once"
        (self.checkout / "tests" / "test_planted.py").write_text(
            "import os\n\n\ndef test_fails_on_its_first_run():\n"
            f"    if not os.path.exists({str(marker)!r}):\n"
            f"        open({str(marker)!r}, 'w').close()\n"
            "        raise AssertionError('planted: fails once, passes when re-run')\n")
        self.store = tmp_path / "store"
        self.store.mkdir()
        self.env = ci_env(PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
                          VIRTUAL_ENV=self.venv, PIP_NO_INDEX=1, PIP_FIND_LINKS=wheel_dir,
                          PIP_DISABLE_PIP_VERSION_CHECK=1, PIP_NO_CACHE_DIR=1)
        self.env.pop("COVERAGE_FILE", None)
        self.log = []
        self.current = None

    def job_dir(self, name):
        """A fresh checkout for job `name`. Every job runs at the same path, as CI runners check
        out to the same directory (coverage data then combines), and is kept as jobs/NAME; no
        job finds shardplan installed by an earlier one."""
        work = self.root / "work"
        if work.exists():
            work.rename(self.root / "jobs" / self.current)
        (self.root / "jobs").mkdir(exist_ok=True)
        shutil.copytree(self.checkout, work)
        self.current = name
        if (self.venv / "bin" / "shardplan").exists():
            subprocess.run([self.venv / "bin" / "python", "-m", "pip", "uninstall", "-q", "-y", "shardplan"],
                           check=True, env=self.env, capture_output=True)
        return work

    def finish(self):
        self.job_dir("(none)")
        shutil.rmtree(self.root / "work")

    def sh(self, script, cwd, env):
        proc = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd,
                              env={**self.env, **{k: str(v) for k, v in env.items()}},
                              capture_output=True, text=True)
        self.log.append((cwd.name, script, proc))
        return proc

    def output_of(self, needle):
        """stdout+stderr of the one command whose script contains `needle`."""
        found = [p for _, script, p in self.log if needle in script]
        assert found, f"no command ran with {needle!r}"
        return found[-1].stdout + found[-1].stderr

    def transcript(self):
        return "\n".join(f"[{job}] $ {script}\n-> {p.returncode}\n{p.stdout[-1500:]}{p.stderr[-1500:]}"
                         for job, script, p in self.log)


def copy_into(source, target):
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def expand_shell(text, env):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: str(env[m.group(1) or m.group(2)]), text)


# GitHub Actions -------------------------------------------------------------------------------

def gh_eval(text, ctx):
    """${{ expression }}: a context lookup; any other expression fails the test."""
    def one(match):
        expr = match.group(1).strip()
        assert expr in ctx, f"expression not simulated: {expr!r}"
        return str(ctx[expr])
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))


def gh_upload(sim, cwd, args, hidden_ok):
    paths = [p.strip() for p in str(args["path"]).splitlines() if p.strip()]
    found = [cwd / p for p in paths if (cwd / p).exists()]
    assert found, f"upload-artifact: nothing at {paths}\n{sim.transcript()}"
    # The artifact's root is the least common ancestor of the paths, as upload-artifact does.
    parents = [str(p if p.is_dir() else p.parent) for p in found]
    base = type(cwd)(os.path.commonpath(parents))
    target = sim.store / args["name"]
    for path in found:
        for item in ([path] if path.is_file() else [q for q in path.rglob("*") if q.is_file()]):
            rel = item.relative_to(base)
            if any(part.startswith(".") for part in rel.parts) and not hidden_ok:
                continue  # upload-artifact@v4 leaves hidden files out unless told
            copy_into(item, target / rel)


def gh_download(sim, cwd, args):
    dest = cwd / args.get("path", ".")
    if "name" in args:
        copy_into(sim.store / args["name"], dest)
        return
    assert args.get("merge-multiple") is True, "download by pattern is simulated with merge-multiple"
    for artifact in sorted(sim.store.glob(args["pattern"])):
        copy_into(artifact, dest)


def gh_run_steps(sim, steps, cwd, env, ctx, job_failed=False):
    """Runs steps as GitHub does; returns (failed, outputs by step id)."""
    outputs = {}
    for step in steps:
        condition = str(step.get("if", ""))
        if condition:
            assert condition in ("${{ !cancelled() }}",), f"if: not simulated: {condition}"
        if job_failed and not condition:
            continue
        step_env = {**env, **{k: gh_eval(v, ctx) for k, v in (step.get("env") or {}).items()}}
        args = {k: (gh_eval(v, ctx) if isinstance(v, str) else v) for k, v in (step.get("with") or {}).items()}
        ok = True
        uses = step.get("uses", "")
        if "run" in step:
            out_file = sim.root / "github-output"
            out_file.write_text("")
            proc = sim.sh(gh_eval(step["run"], ctx), cwd, {**step_env, "GITHUB_OUTPUT": out_file})
            ok = proc.returncode == 0
            if "id" in step:
                outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines())
                for name, value in outputs[step["id"]].items():
                    ctx[f"steps.{step['id']}.outputs.{name}"] = value
        elif uses.startswith(("actions/checkout@", "actions/setup-python@")):
            pass  # the job directory is a fresh checkout; `python` is the venv's
        elif uses.startswith("actions/upload-artifact@"):
            gh_upload(sim, cwd, args, args.get("include-hidden-files") is True)
        elif uses.startswith("actions/download-artifact@"):
            gh_download(sim, cwd, args)
        elif uses == "./" or uses.startswith("shardplan/shardplan@"):
            ok = gh_action(sim, cwd, step_env, args)
        else:
            raise AssertionError(f"step not simulated: {step}")
        job_failed = job_failed or not ok
    return job_failed, outputs


def gh_action(sim, cwd, env, args):
    """The repository's action.yml, as a composite action with these inputs."""
    with open(os.path.join(SOURCE, "action.yml"), encoding="utf-8") as handle:
        action = yaml.safe_load(handle)
    assert action["runs"]["using"] == "composite"
    unknown = set(args) - set(action["inputs"])
    assert not unknown, f"inputs the action does not have: {unknown}"
    ctx = {f"inputs.{name}": args.get(name, spec.get("default", ""))
           for name, spec in action["inputs"].items()}
    for name, spec in action["inputs"].items():
        assert name in args or not spec.get("required"), f"required input {name} not given"
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash"
    failed, _ = gh_run_steps(sim, [{k: v for k, v in s.items() if k != "shell"}
                                   for s in action["runs"]["steps"]], cwd, env, ctx)
    return not failed


def gh_workflow(sim, name, summary):
    workflow = yaml.safe_load(recipe_text(name))
    results, job_outputs = {}, {}
    for job_name, job in workflow["jobs"].items():
        matrix = (job.get("strategy") or {}).get("matrix")
        needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
        ctx = {f"needs.{need}.outputs.{k}": v for need in needs for k, v in job_outputs.get(need, {}).items()}
        condition = job.get("if")
        if condition is None:
            assert all(results[need] == "success" for need in needs), f"{job_name} would not run"
        else:
            assert condition in ("${{ !cancelled() }}",
                                 "${{ !cancelled() && needs.plan.result == 'success' }}"), condition
            assert "needs.plan.result" not in condition or results["plan"] == "success"
        if matrix is None:
            entries = [{}]
        elif isinstance(matrix, str):
            found = re.fullmatch(r"\$\{\{ fromJSON\((.+)\) \}\}", matrix)
            entries = json.loads(ctx[found.group(1)])["include"]
        else:
            (key, values), = matrix.items()
            entries = [{key: value} for value in values]
        failed_any = False
        for index, entry in enumerate(entries):
            job_ctx = {**ctx, "strategy.job-total": len(entries),
                       **{f"matrix.{k}": v for k, v in entry.items()}}
            cwd = sim.job_dir(f"{job_name}-{index + 1}")
            env = {**{k: str(v) for k, v in (workflow.get("env") or {}).items()},
                   "GITHUB_STEP_SUMMARY": summary}
            failed, _ = gh_run_steps(sim, job["steps"], cwd, env, job_ctx)
            failed_any = failed_any or failed
            if "outputs" in job:
                job_outputs[job_name] = {k: gh_eval(v, job_ctx) for k, v in job["outputs"].items()}
        results[job_name] = "failure" if failed_any else "success"
    sim.finish()
    return results


# GitLab CI ------------------------------------------------------------------------------------

def gitlab_pipeline(sim):
    config = yaml.safe_load(recipe_text("gitlab-ci.yml"))
    jobs = {name: job for name, job in config.items() if isinstance(job, dict) and "stage" in job}
    results, artifacts = {}, {}
    for stage in config["stages"]:
        for name, job in jobs.items():
            if job["stage"] != stage:
                continue
            needs_ok = all(results[need] == "success" for need in job.get("needs", []))
            if not needs_ok and job.get("when") != "always":
                results[name] = "skipped"
                continue
            total = job.get("parallel", 1)
            results[name] = "success"
            for index in range(1, total + 1):
                cwd = sim.job_dir(f"{name}-{index}")
                for need in job.get("needs", []):
                    for path in artifacts.get(need, []):
                        # store/NEED/INDEX/PATH -> PATH (parallel jobs' artifacts merge)
                        copy_into(path, cwd.joinpath(*path.relative_to(sim.store / need).parts[1:]))
                env = {k: str(v) for k, v in config.get("variables", {}).items()}
                if "parallel" in job:
                    env.update(CI_NODE_INDEX=index, CI_NODE_TOTAL=total)
                env.update({k: expand_shell(v, env) for k, v in (job.get("variables") or {}).items()})
                lines = config["default"]["before_script"] + job["script"]
                ok = all(sim.sh(line, cwd, env).returncode == 0 for line in lines)
                if not ok:
                    results[name] = "failed"
                spec = job.get("artifacts") or {}
                if ok or spec.get("when") == "always":
                    for pattern in spec.get("paths", []):
                        for found in glob.glob(str(cwd / pattern), include_hidden=True):
                            target = sim.store / name / str(index) / os.path.relpath(found, cwd)
                            copy_into(type(cwd)(found), target)
                            artifacts.setdefault(name, []).append(target)
    sim.finish()
    return results


# CircleCI -------------------------------------------------------------------------------------

def circleci_workflow(sim):
    config = yaml.safe_load(recipe_text("circleci.yml"))
    workspace = sim.store / "workspace"
    workspace.mkdir()
    results = {}
    (workflow,) = config["workflows"].values()
    for item in workflow["jobs"]:
        name, spec = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        for requirement in spec.get("requires", []):
            need, status = (requirement, "success") if isinstance(requirement, str) else \
                next(iter(requirement.items()))
            assert status in ("success", "terminal"), status
            assert status == "terminal" or results[need] == "success", f"{name} needs {need}"
        job = config["jobs"][name]
        executor = config["executors"][job["executor"]]
        total = job.get("parallelism", 1)
        results[name] = "success"
        for node in range(total):
            cwd = sim.job_dir(f"{name}-{node}")
            env = {**{k: str(v) for k, v in executor.get("environment", {}).items()},
                   "CIRCLE_NODE_INDEX": node, "CIRCLE_NODE_TOTAL": total}
            failed = False
            for step in job["steps"]:
                if step == "checkout":
                    continue
                (kind, args), = step.items()
                if kind == "run":
                    args = {"command": args} if isinstance(args, str) else args
                    if failed and args.get("when") != "always":
                        continue
                    failed = sim.sh(args["command"], cwd, env).returncode != 0 or failed
                elif failed:
                    continue
                elif kind == "attach_workspace":
                    copy_into(workspace, cwd / args["at"])
                elif kind == "persist_to_workspace":
                    for pattern in args["paths"]:
                        found = glob.glob(str(cwd / args["root"] / pattern), include_hidden=True)
                        assert found, f"persist_to_workspace: nothing matches {pattern}"
                        for path in found:
                            copy_into(type(cwd)(path), workspace / os.path.relpath(path, cwd / args["root"]))
                elif kind in ("store_test_results", "store_artifacts"):
                    pass
                else:
                    raise AssertionError(f"step not simulated: {step}")
            if failed:
                results[name] = "failed"
    sim.finish()
    return results


# The checks, the same for every recipe --------------------------------------------------------

def junit_testcases(path):
    root = ElementTree.parse(path).getroot()
    return [f"{case.get('classname')}::{case.get('name')}" for case in root.iter("testcase")]


def assert_final_job(sim, final_dir, shards, reports="shards/reports"):
    """The audit passed, the timings were merged, the coverage combined and reported on the
    example's modules, and only the planted test was re-run (and passed)."""
    audit = sim.output_of("shardplan audit")
    assert "audit ok" in audit, sim.transcript()
    durations = json.loads((final_dir / ".test_durations").read_text())
    assert any(key.startswith("tests/test_planted.py") for key in durations)
    combined = sim.output_of("coverage combine")
    assert combined.count("Combined data file") == shards, combined
    report = sim.output_of("coverage report")
    for module in ("toylib/graphs.py", "toylib/sorting.py", "toylib/matrix.py"):
        assert module in report, report
    assert "TOTAL" in report
    failed = sim.output_of("shardplan failed")
    assert "1 tests or files to re-run" in failed, failed
    rerun = junit_testcases(final_dir / "rerun" / "rerun.xml")
    assert rerun == ["tests.test_planted::test_fails_on_its_first_run"], rerun
    assert PLANTED.split("::")[1] in rerun[0]


def test_github_actions_two_job_recipe(tmp_path, wheel_dir):
    name = "github-actions.yml"
    text = recipe_text(name)
    assert "matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}" in text
    assert "SHARDPLAN_SHARD: ${{ matrix.shard }}" in text
    assert "SHARDPLAN_TOTAL: ${{ strategy.job-total }}" in text
    assert "put the" not in text
    shards = recipe_shards(name)
    sim = Simulation(tmp_path, wheel_dir)
    summary = tmp_path / "step-summary.md"
    summary.write_text("# written by an earlier step\n")
    results = gh_workflow(sim, name, summary)
    assert results == {"plan": "success", "test": "failure", "audit": "success"}, sim.transcript()
    matrix = json.loads((tmp_path / "jobs" / "plan-1" / "matrix.json").read_text())
    assert matrix == {"include": [{"shard": index} for index in range(1, shards + 1)]}
    runs = [p.stderr for _, s, p in sim.log if "shardplan run" in s]
    for index in range(1, shards + 1):
        assert any(f"--shard auto: shard {index} of {shards} from" in err for err in runs), runs
    written = summary.read_text()
    assert written.startswith("# written by an earlier step\n"), "the summary is appended to"
    assert sum(f"### shardplan: shard {i} of {shards} " in written for i in range(1, shards + 1)) == shards
    assert f"of {shards} failed" in written and "|" in written.split("failed", 1)[1]
    assert_final_job(sim, tmp_path / "jobs" / "audit-1", shards)


def test_github_actions_zero_artifact_recipe_uses_the_action(tmp_path, wheel_dir):
    name = "github-actions-zero-artifact.yml"
    text = recipe_text(name)
    assert "uses: ./" in text and "uses: shardplan/shardplan@" in text
    sim = Simulation(tmp_path, wheel_dir)
    results = gh_workflow(sim, name, tmp_path / "step-summary.md")
    assert results == {"test": "failure", "audit": "success"}, sim.transcript()
    shards = len(yaml.safe_load(text)["jobs"]["test"]["strategy"]["matrix"]["group"])
    installs = [p for _, s, p in sim.log if "-m pip install" in s and "spec" in s]
    assert len(installs) == shards and all("shardplan" in p.stdout for p in installs)
    headers = [p.stdout for _, s, p in sim.log if "--shardplan-splits" in s]
    digests = {re.search(r"plan (wfnv64:\w+)", out).group(1) for out in headers}
    assert len(headers) == shards and len(digests) == 1, headers
    assert_final_job(sim, tmp_path / "jobs" / "audit-1", shards)


def test_gitlab_recipe(tmp_path, wheel_dir):
    name = "gitlab-ci.yml"
    text = recipe_text(name)
    assert "put the" not in text
    shards = recipe_shards(name)
    assert re.search(rf"^\s*parallel: {shards}\s*$", text, re.MULTILINE), "parallel: must equal SHARDS"
    run_line = recipe_command(name, "run")
    assert "--shard auto" in run_line and "${CI_NODE_INDEX}" in run_line
    sim = Simulation(tmp_path, wheel_dir)
    results = gitlab_pipeline(sim)
    assert results == {"plan": "success", "test": "failed", "audit": "success"}, sim.transcript()
    for index in range(1, shards + 1):
        assert (tmp_path / "store" / "test" / str(index) / f".coverage.{index}").exists()
    runs = [p.stderr for _, s, p in sim.log if s.startswith("shardplan run")]
    for index in range(1, shards + 1):
        assert any(f"--shard auto: shard {index} of {shards} from GitLab" in err for err in runs)
    assert_final_job(sim, tmp_path / "jobs" / "audit-1", shards)


def test_circleci_recipe(tmp_path, wheel_dir):
    name = "circleci.yml"
    config = yaml.safe_load(recipe_text(name))
    shards = config["jobs"]["test"]["parallelism"]
    assert str(shards) == config["executors"]["python"]["environment"]["SHARDS"]
    sim = Simulation(tmp_path, wheel_dir)
    results = circleci_workflow(sim)
    assert results == {"plan": "success", "test": "failed", "audit": "success"}, sim.transcript()
    runs = [p.stderr for _, s, p in sim.log if "shardplan run" in s]
    for index in range(1, shards + 1):
        assert any(f"--shard auto: shard {index} of {shards} from CircleCI" in err for err in runs), runs
    assert_final_job(sim, tmp_path / "jobs" / "audit-0", shards)

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
    # Each shard's JUnit report, and beside it the order its tests ran in (docs/order-log.md).
    assert sorted(os.listdir(planned / "reports")) == sorted(
        name for i in range(1, SHARDS + 1) for name in (f"shard-{i}.xml", f"shard-{i}.order.json"))
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


# ---------------------------------------------------------------------------------------------
# The zero-artifact lines that the GitLab and CircleCI recipes give in their header comments.

ZERO_ARTIFACT_CIS = {
    "gitlab-ci.yml": lambda i, n: {"CI_NODE_INDEX": i, "CI_NODE_TOTAL": n},
    "circleci.yml": lambda i, n: {"CIRCLE_NODE_INDEX": i - 1, "CIRCLE_NODE_TOTAL": n},
}


@pytest.mark.parametrize("name", sorted(ZERO_ARTIFACT_CIS))
def test_zero_artifact_line_of_a_recipe(tmp_path, wheel_dir, name):
    lines = re.findall(r"^#\s+(python -m pytest --shardplan-splits .*)$", recipe_text(name), re.MULTILINE)
    assert len(lines) == 1, lines
    shards = 3
    sim = Simulation(tmp_path, wheel_dir)
    cwd = sim.job_dir("shards")
    assert_ok(sim.sh("python -m pip install shardplan", cwd, {}), "pip install")
    plans = set()
    for index in range(1, shards + 1):
        proc = sim.sh(lines[0], cwd, ZERO_ARTIFACT_CIS[name](index, shards))
        assert f"shardplan: shard {index}/{shards}," in proc.stdout, proc.stdout + proc.stderr
        plans.add((cwd / "plan.json").read_bytes())
    assert len(plans) == 1, "every job made the same plan"
    audit = sim.sh("shardplan audit --plan plan.json --junit 'reports/shard-{shard}.xml'", cwd, {})
    assert_ok(audit, "audit")
    failed = sim.sh("shardplan failed --junit 'reports/shard-*.xml'", cwd, {})
    assert failed.stdout.split() == [PLANTED], failed.stdout


# ---------------------------------------------------------------------------------------------
# The action's install inputs: `version` pins, `package` installs a given wheel, and a version
# that does not exist fails the step (before pytest runs).

def test_action_install_inputs(tmp_path, wheel_dir):
    sim = Simulation(tmp_path, wheel_dir)
    (wheel,) = wheel_dir.glob("shardplan-*.whl")
    version = wheel.name.split("-")[1]
    cases = [({"version": version}, True, f"shardplan-{version}"),
             ({"package": str(wheel), "version": "0.0.0"}, True, f"shardplan-{version}"),
             ({"version": "0.0.0"}, False, "shardplan==0.0.0")]
    for index, (inputs, ok, expected) in enumerate(cases):
        cwd = sim.job_dir(f"case-{index}")
        args = {"shards": "2", "group": "1", "pytest-args": "-q -p no:cacheprovider", **inputs}
        assert gh_action(sim, cwd, {}, args) is ok, sim.transcript()
        install = [p for _, s, p in sim.log if "-m pip install" in s][-1]
        assert expected in install.stdout + install.stderr, sim.transcript()
        ran = [p for _, s, p in sim.log if "--shardplan-splits" in s]
        assert len(ran) == index + (1 if ok else 0)
    sim.finish()
