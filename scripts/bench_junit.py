#!/usr/bin/python3
"""JUnit at scale (issue #18): generates one pytest JUnit report of N testcases (default 1,000,000)
in the hard shapes -- test files Zipf-skewed (exponent 0.8) over nested package directories, plain,
class and nested-class tests, long parametrized ids, failures with messages and tracebacks, skips,
<system-out> blocks, escaped characters -- once as xunit1 (`file=` on every testcase) and once
as xunit2 (`classname` only, resolved against the test files). Then, for each shardplan command
that reads JUnit (merge, audit, failed, report, plan --junit), whole process, median of K runs
after a warm-up, peak RSS from /usr/bin/time -v, next to a plain-Python ElementTree.iterparse
reader + json.dump measured in the same run, and prints a Markdown table with target met/missed.
Usage: bench_junit.py [--bin-dir DIR] [--runs K] [--cases N] [--files F] [--work DIR]
                      [--skew S] [--only merge,audit,...]
"""
import argparse, os, random, re, statistics, subprocess, sys, tempfile, time

TARGET_SECONDS = 1.0
TARGET_RSS = 150 * 2**20
TARGET_RATIO = 0.12

# The reference: what a user would write in ten lines of Python (JUnit -> durations JSON).
PYTHON_READER = r"""
import json, sys, xml.etree.ElementTree as ET
durations = {}
for _, el in ET.iterparse(sys.argv[1]):
    if el.tag == "testcase":
        path = el.get("file") or el.get("classname", "").rsplit(".", 1)[0].replace(".", "/") + ".py"
        durations[path + "::" + el.get("name")] = float(el.get("time"))
        el.clear()
with open(sys.argv[2], "w") as out:
    json.dump(dict(sorted(durations.items())), out, indent=4)
"""


def file_sizes(cases, files, skew):
    """Tests per file: Zipf(skew) over files, every file at least one test, summing to cases."""
    weights = [1 / (rank ** skew) for rank in range(1, files + 1)]
    total = sum(weights)
    sizes = [max(1, int(cases * w / total)) for w in weights]
    rest = cases - sum(sizes)
    i = 0
    while rest != 0:  # spread the rounding over the largest files
        step = 1 if rest > 0 else -1
        if sizes[i % files] + step >= 1:
            sizes[i % files] += step
            rest -= step
        i += 1
    return sizes


def file_path(index, rng):
    depth = 1 + index % 4
    parts = ["tests"] + [f"pkg_{rng.randrange(30)}_{'sub' * (d % 3 + 1)}" for d in range(depth)]
    return "/".join(parts) + f"/test_module_{index}.py"


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def testcases(index, path, count):
    """(classname suffix, name) of one file's tests: plain, class, nested class; parametrized."""
    module = path[:-3].replace("/", ".")
    kind = index % 3
    for k in range(count):
        cls = "" if kind == 0 else ("TestThing" if kind == 1 else "TestOuter.TestInner")
        name = f"test_behaviour_{k // 8}"
        if k % 8:
            param = f"case{k}-" + ("x" * (20 + k % 50) if k % 5 == 0 else str(k % 97))
            if k % 23 == 0:
                param += '-"quoted"&<tag>'
            name += f"[{param}]"
        yield module + ("." + cls if cls else ""), name


def write_report(path, cases, files, skew, xunit1, seed=18):
    rng = random.Random(seed)
    sizes = file_sizes(cases, files, skew)
    paths = [file_path(i, rng) for i in range(files)]
    order = list(range(files))
    rng.shuffle(order)  # big files anywhere in the report, not all first
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" '
                  f'errors="0" failures="0" skipped="0" tests="{cases}" time="1.0" '
                  'timestamp="2026-12-03T19:00:00" hostname="ci">\n')
        for f in order:
            for line, (classname, name) in enumerate(testcases(f, paths[f], sizes[f])):
                seconds = f"{rng.random() * (5 if rng.random() < 0.01 else 0.2):.3f}"
                where = f' file="{paths[f]}" line="{line}"' if xunit1 else ""
                head = (f'<testcase classname="{classname}" name="{escape(name)}"{where} '
                        f'time="{seconds}"')
                roll = rng.random()
                if roll < 0.02:
                    out.write(f'{head}><failure message="AssertionError: assert {line} == {line + 1}'
                              f'&#10;  + where {line} = compute()">def test():\n&gt;       assert '
                              f'compute() == {line + 1}\nE       AssertionError\n\n{paths[f]}:'
                              f'{line}: AssertionError</failure></testcase>\n')
                elif roll < 0.07:
                    out.write(f'{head}><skipped type="pytest.skip" message="needs the network">'
                              f'{paths[f]}:{line}: needs the network</skipped></testcase>\n')
                elif roll < 0.10:
                    out.write(f'{head}><system-out>--- captured stdout ---\nstep 1 ok\nstep 2 ok '
                              f'&lt;done&gt;\n</system-out></testcase>\n')
                else:
                    out.write(head + " />\n")
        out.write("</testsuite></testsuites>\n")
    os.replace(path + ".tmp", path)
    return paths


def measure(cmd, cwd):
    """Wall seconds and peak RSS bytes of one whole-process run (exit code must be 0)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, cwd=cwd)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"bench_junit: {' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return wall, rss * 1024


def median_run(cmd, cwd, runs):
    measure(cmd, cwd)  # warm-up: page cache, dynamic loader
    results = [measure(cmd, cwd) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def prepare(args):
    os.makedirs(args.work, exist_ok=True)
    tag = f"{args.cases}-{args.files}-{args.skew}"
    data = {}
    for shape, xunit1 in (("xunit1", True), ("xunit2", False)):
        report_dir = os.path.join(args.work, f"{shape}-{tag}")
        os.makedirs(report_dir, exist_ok=True)
        report = os.path.join(report_dir, "junit-1.xml")  # shard 1 of a one-shard plan
        files_list = os.path.join(args.work, f"files-{tag}.txt")
        if not os.path.exists(report) or not os.path.exists(files_list):
            print(f"bench_junit: writing {report} ...", file=sys.stderr)
            paths = write_report(report, args.cases, args.files, args.skew, xunit1)
            with open(files_list + ".tmp", "w") as out:
                out.write("\n".join(sorted(paths)) + "\n")
            os.replace(files_list + ".tmp", files_list)
        data[shape] = (report, files_list)
    return data


def commands(shardplan, shape, report, files_list, work):
    """(label, argv) of each JUnit-reading command; the plan for audit/report is made first."""
    universe = ["--files-from", files_list]
    durations = os.path.join(work, f"{shape}.test_durations")
    plan = os.path.join(work, f"{shape}-plan.json")
    pattern = report.replace("junit-1.xml", "junit-{shard}.xml")
    return [
        ("merge", [shardplan, "merge", "--junit", report, "-o", durations, *universe]),
        ("plan --junit", [shardplan, "plan", "--junit", report, "--shards", "1", "-o", plan,
                          *universe]),
        ("audit", [shardplan, "audit", "--plan", plan, "--junit", pattern, *universe]),
        ("failed", [shardplan, "failed", "--junit", report, *universe]),
        ("report", [shardplan, "report", "--plan", plan, "--junit", report, "--format",
                    "markdown", "-o", os.path.join(work, f"{shape}-report.md")]),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", default=os.path.join(os.path.dirname(__file__), "..", "build", "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--skew", type=float, default=0.8, help="Zipf exponent over files (0 = uniform)")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "shardplan-bench-junit"))
    parser.add_argument("--only", default="", help="comma-separated command labels to run")
    args = parser.parse_args()
    shardplan = os.path.abspath(os.path.join(args.bin_dir, "shardplan"))
    data = prepare(args)
    root = os.path.join(args.work, "empty-root")
    os.makedirs(root, exist_ok=True)
    only = {label.strip() for label in args.only.split(",") if label.strip()}
    rows = []
    for shape, (report, files_list) in data.items():
        reference_out = os.path.join(args.work, f"{shape}-python.json")
        python = median_run(["/usr/bin/python3", "-c", PYTHON_READER, report, reference_out], root,
                            args.runs)
        for label, cmd in commands(shardplan, shape, report, files_list, args.work):
            if only and label not in only and label != "plan --junit":
                continue  # plan --junit writes the plan audit and report read
            wall, rss = median_run(cmd, root, args.runs)
            rows.append((label, shape, os.path.getsize(report), wall, rss, python))
    print(f"Whole process, median of {args.runs} runs after a warm-up, peak RSS of any run; "
          f"{args.cases:,} testcases over {args.files:,} test files (Zipf {args.skew}). "
          f"Reference: a plain-Python `xml.etree.ElementTree.iterparse` reader + `json.dump` "
          f"of the same report, measured in the same run. Targets: <= {TARGET_SECONDS:.1f} s, "
          f"<= {TARGET_RSS // 2**20} MiB, <= {TARGET_RATIO}x the reference.\n")
    print("| command | report | size | wall | peak RSS | Python reader | ratio | target |")
    print("|---|---|--:|--:|--:|--:|--:|---|")
    for label, shape, size, wall, rss, (py_wall, py_rss) in rows:
        ratio = wall / py_wall
        met = wall <= TARGET_SECONDS and rss <= TARGET_RSS and ratio <= TARGET_RATIO
        print(f"| `{label}` | {shape} | {size / 2**20:.0f} MB | {wall:.2f} s | {rss / 2**20:.0f} MiB "
              f"| {py_wall:.2f} s, {py_rss / 2**20:.0f} MiB | {ratio:.3f} "
              f"| {'met' if met else '**missed**'} |")


if __name__ == "__main__":
    main()
