#!/usr/bin/env python3
"""Runs the future_sizes builds and prints one table.

Usage: run.py --transformed EXE --native LABEL=EXE [--native LABEL=EXE ...]

Each executable prints one `key=value ...` line per program (programs.cpp).
The table puts the transformed future's sizeof next to its hand-computed
target, and the heap use of each native build next to it. Exit status 1 if
the builds disagree on a result or the transformed build allocates.
"""

import argparse
import subprocess
import sys


def run(exe):
    out = subprocess.run([exe], check=True, stdout=subprocess.PIPE, text=True).stdout
    rows = {}
    for line in out.splitlines():
        fields = dict(item.split("=", 1) for item in line.split())
        rows[fields["program"]] = fields
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transformed", required=True)
    parser.add_argument("--native", action="append", default=[], metavar="LABEL=EXE")
    args = parser.parse_args()

    transformed = run(args.transformed)
    natives = []
    for spec in args.native:
        label, _, exe = spec.partition("=")
        natives.append((label, run(exe)))

    # Two header lines: the build, then the columns under it.
    groups = [("asyncc, C++17", ["target", "sizeof", "ratio", "allocs"])]
    groups += [(f"native C++20, {label}", ["allocs", "heap B", "peak B"]) for label, _ in natives]
    width = 8
    name_width = max(len(p) for p in transformed) + 2
    head1 = " " * name_width + " | ".join(g.center(len(cols) * width) for g, cols in groups)
    head2 = "program".ljust(name_width) + " | ".join("".join(c.rjust(width) for c in cols) for _, cols in groups)
    print("future_sizes: sizeof of asyncc futures against the heap native coroutines use for the same program")
    print(head1)
    print(head2)
    print("-" * len(head2))

    problems = []
    for program, t in transformed.items():
        target, size = int(t["target"]), int(t["sizeof"])
        cells = ["".join(v.rjust(width) for v in (str(target), str(size), f"{size / target:.2f}", t["allocs"]))]
        for label, rows in natives:
            n = rows[program]
            cells.append("".join(n[k].rjust(width) for k in ("allocs", "bytes", "peak")))
            if n["result"] != t["result"]:
                problems.append(f"{program}: {label} computed {n['result']}, transformed {t['result']}")
        print(program.ljust(name_width) + " | ".join(cells))
        if t["allocs"] != "0":
            problems.append(f"{program}: the transformed future allocated {t['allocs']} times")

    print()
    print("target: bytes alive at once at the worst suspension + 1 state byte, rounded to alignment "
          "(derivations in programs.cpp); ratio = sizeof / target.")
    print("native: operator new calls, bytes requested, and most bytes alive at once, while the future "
          "is made and polled to completion.")
    for p in problems:
        print("error:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
