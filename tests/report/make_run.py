"""Writes pytest-style JUnit reports (one per shard) for a plan, with times drawn around the
.test_durations values, so `shardplan report --junit` can be tried by hand:

    python3 make_run.py plan.json .test_durations out_dir [seed]
"""
import json
import os
import random
import sys
from xml.sax.saxutils import quoteattr


def main():
    plan_path, durations_path, out_dir = sys.argv[1:4]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    plan = json.load(open(plan_path, encoding="utf-8"))
    durations = json.load(open(durations_path, encoding="utf-8"))
    by_file = {}
    for test_id, seconds in durations.items():
        by_file.setdefault(test_id.split("::")[0], []).append((test_id, seconds))
    os.makedirs(out_dir, exist_ok=True)
    for shard in plan["shards"]:
        ids = [t for f in shard["files"] for t in by_file.get(f, [(f + "::test_new", 1.0)])]
        ids += [(t, durations.get(t, 0.5)) for s in shard["slices"] for t in s["tests"]]
        drift = rng.uniform(0.8, 1.25)
        cases = []
        for test_id, seconds in ids:
            path, _, name = test_id.partition("::")
            module = path[:-3].replace("/", ".")
            time = seconds * drift * rng.uniform(0.9, 1.1)
            cases.append("<testcase classname=%s name=%s file=%s time=\"%.3f\"/>"
                         % (quoteattr(module), quoteattr(name.split("::")[-1]), quoteattr(path), time))
        with open(os.path.join(out_dir, "shard-%d.xml" % shard["index"]), "w", encoding="utf-8") as out:
            out.write('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
                      + "".join(cases) + "</testsuite></testsuites>\n")


if __name__ == "__main__":
    main()
