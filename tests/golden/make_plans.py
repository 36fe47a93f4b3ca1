"""Regenerates the plan.json fixtures of the golden cases from cases/plan_slices (after a plan
format change): `SHARDPLAN_BIN=... python3 make_plans.py`, then rerun the golden tests with
SHARDPLAN_UPDATE_GOLDEN=1 and review the diff."""
import json
import os
import pathlib
import subprocess

CASES = pathlib.Path(__file__).parent / "cases"
BIN = os.environ["SHARDPLAN_BIN"]


def write(name, data):
    text = data if isinstance(data, str) else json.dumps(data, indent=1)
    (CASES / name / "plan.json").write_text(text, encoding="utf-8")


def main():
    plan = subprocess.run(
        [BIN, "plan", "--shards", "4", "--durations", "d.json", "--files-from", "files.txt",
         "--file-overhead", "0.1"], cwd=CASES / "plan_slices", capture_output=True, text=True,
        check=True).stdout
    for name in ["show_lines", "show_shell", "show_json", "show_nul", "show_out_of_range",
                 "check_ok", "check_new_and_gone", "check_strict_new",
                 "run_bad_shard", "run_args_mode", "calibrate_ok", "calibrate_bad_wall",
                 "calibrate_bad_wall_suffix", "calibrate_walls_bad_json",
                 "calibrate_walls_bad_entry", "calibrate_walls_ok_flags_win", "audit_ok", "audit_missing_test", "report_markdown",
                 "run_all_sh"]:
        write(name, plan)
    # An edited plan: one whole file planned twice, one shard emptied (losing a slice).
    edited = json.loads(plan)
    whole = [s for s in edited["shards"] if s["files"]]
    whole[1]["files"] = sorted(whole[1]["files"] + whole[0]["files"][:1])
    empty = next(s for s in edited["shards"] if s is not whole[0] and s is not whole[1])
    empty["files"], empty["slices"] = [], []
    write("check_duplicated_and_empty", edited)
    for name, key, value in [("check_shard_count_mismatch", "shard_count", 5),
                             ("check_unknown_version", "shardplan_plan", 2)]:
        changed = json.loads(plan)
        changed[key] = value
        write(name, changed)
    # A plan whose scope is the walk: check counts new files in it (a --files-from plan's scope
    # is exactly its own files).
    walked = json.loads(plan)
    walked["scope"]["source"] = "walk"
    write("check_new_file", walked)
    malformed = json.loads(plan)
    malformed["shards"][0]["files"] = "tests/test_api.py"
    write("check_malformed_plan", malformed)
    write("check_truncated_plan", plan[:200])


if __name__ == "__main__":
    main()
