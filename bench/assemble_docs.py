#!/usr/bin/python3
"""Assembles docs/benchmarks.md from bench/results/*.md (generated tables) and bench/notes/*.md
(prose), the last step of scripts/bench.sh.

bench/results/ is not in git, and a run may regenerate only some parts (--quick, --speed), so a
part whose results file is absent keeps its text from the current docs/benchmarks.md: a "## "
section as a whole, or, in section 1, one "### " subsection. No section is ever dropped; a
section of the current file that this script does not know is kept too, at the end. Section 7
(in-job planning) belongs to the lead: bench/results/in_pytest.md when present, else the
current text unchanged. The file is written to a temp file and renamed.
Usage: assemble_docs.py [--root DIR]
"""
import argparse
import os
import sys


def split_blocks(text, level):
    """{heading line: block text (heading included)} for the headings of `level` ('## ')."""
    blocks, order, current = {}, [], None
    for line in text.splitlines(keepends=True):
        if line.startswith(level) and (level != "## " or not line.startswith("###")):
            current = line.rstrip("\n")
            order.append(current)
            blocks[current] = ""
        if current is not None:
            blocks[current] += line
    return blocks, order


SPEED_PARTS = ("### Whole process", "### Reading", "### Stages", "### How to read")


def merge_unknown(blocks, order):
    """Folds "### " blocks that are not one of section 1's parts into the part before them."""
    merged, current = {}, None
    for heading in order:
        if current is None or heading.startswith(SPEED_PARTS):
            current = heading
            merged[current] = ""
        merged[current] += blocks[heading]
    return merged


def find(blocks, prefix):
    for heading, text in blocks.items():
        if heading.startswith(prefix):
            return text
    return None


class Assembler:
    def __init__(self, root):
        self.root = root
        self.results = os.path.join(root, "bench", "results")
        self.notes = os.path.join(root, "bench", "notes")
        path = os.path.join(root, "docs", "benchmarks.md")
        self.old = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        self.old_sections, self.old_order = split_blocks(self.old, "## ")
        speed = find(self.old_sections, "## 1.") or ""
        self.old_speed = merge_unknown(*split_blocks(speed, "### "))

    def read(self, folder, name):
        path = os.path.join(folder, name)
        return open(path, encoding="utf-8").read().strip() + "\n" if os.path.exists(path) else None

    def subsection(self, heading, result, old_prefix):
        text = self.read(self.results, result)
        if text is None:
            old = find(self.old_speed, old_prefix)
            if not old:
                return f"{heading}\n\n_Not measured yet: run scripts/bench.sh._\n"
            notes = self.read(self.notes, "speed.md")  # appended once, after the last subsection
            if notes and notes.splitlines()[0] in old:
                old = old[:old.index(notes.splitlines()[0])]
            return old.rstrip() + "\n"
        return "\n".join([heading, "", text.rstrip()]) + "\n"

    def section(self, number, heading, results, preamble="", notes=None):
        """One "## " section from results files, or the current text when one is missing."""
        texts = [self.read(self.results, name) for name in results]
        old = find(self.old_sections, f"## {number}.")
        if any(t is None for t in texts):
            if old:
                return old.rstrip() + "\n"
            return f"## {number}. {heading}\n\n_Not measured yet: run scripts/bench.sh._\n"
        parts = [f"## {number}. {heading}", ""]
        if preamble:
            parts += [preamble, ""]
        parts += [t.rstrip() for t in texts]
        for name in notes or []:
            note = self.read(self.notes, name)
            if note:
                parts += ["", note.rstrip()]
        return "\n".join(parts) + "\n"

    def speed(self):
        parts = ["## 1. Speed", ""]
        parts.append(self.subsection(
            "### Whole process: `plan` on the skewed shape first, beside the baselines",
            "cli.md", "### Whole process"))
        parts.append(self.subsection("### Reading 1,000,000 JUnit testcases (streamed)",
                                     "junit.md", "### Reading"))
        parts.append(self.subsection("### Stages (Google Benchmark, `bench_plan`)", "speed.md",
                                     "### Stages"))
        notes = self.read(self.notes, "speed.md")
        if notes:
            parts.append(notes)
        return "\n".join(parts)

    def fixed(self, number, notes_name):
        """A section written by hand: its notes file, else the current text."""
        note = self.read(self.notes, notes_name)
        if note:
            return note
        old = find(self.old_sections, f"## {number}.")
        return old.rstrip() + "\n" if old else ""

    def in_job(self):
        text = self.read(self.results, "in_pytest.md")
        old = find(self.old_sections, "## 7.")
        if text is None:
            return old.rstrip() + "\n" if old else ""
        return ("## 7. In-job planning (`pytest --shardplan-splits N --shardplan-group G`) on "
                "the 30k-test suite\n\n" + text)

    def assemble(self):
        blocks = [self.read(self.notes, "intro.md") or "# Benchmarks\n", self.speed()]
        blocks.append(self.section(2, "Balance on real data", ["quality.md"],
                                   notes=["balance.md"]))
        blocks.append(self.section(
            3, "A real external suite end to end: networkx", ["networkx.md"],
            "Command: `bash scripts/bench_networkx.sh 4` (or `scripts/bench.sh --networkx`).",
            ["networkx.md"]))
        blocks.append(self.section(
            4, "xdist `@group` suffixes in the timings, measured through real pytest",
            ["xdist_suffix.md"],
            "Command: `/usr/bin/python3 bench/xdist_suffix.py` (also run by `scripts/bench.sh`)."))
        blocks.append(self.section(
            5, "networkx with a subpackage excluded: collection time per job",
            ["scope_networkx.md"],
            "Command: `bash scripts/bench_scope_networkx.sh 4 networkx/generators` (or "
            "`scripts/bench.sh --networkx`).", ["scope_networkx.md"]))
        blocks.append(self.fixed(6, "durable_shards.md"))
        blocks.append(self.in_job())
        known = {f"## {n}." for n in range(1, 8)}
        for heading in self.old_order:  # sections added by hand since: kept, never dropped
            if not any(heading.startswith(k) for k in known):
                blocks.append(self.old_sections[heading].rstrip() + "\n")
        return "\n".join(b.rstrip("\n") + "\n" for b in blocks if b)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = parser.parse_args()
    text = Assembler(args.root).assemble()
    path = os.path.join(args.root, "docs", "benchmarks.md")
    with open(path + ".tmp", "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(path + ".tmp", path)
    print(f"assemble_docs: wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
