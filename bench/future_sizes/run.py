#!/usr/bin/env python3
"""Runs the future_sizes builds and prints one table.

Usage: run.py --transformed EXE --native LABEL=EXE [--native LABEL=EXE ...]

Each executable prints one `key=value ...` line per program (programs.cpp).
The first table puts the transformed future's sizeof next to its
hand-computed minimum, and the heap use of each native build next to it; the
second does the same for rustc's async-fn-size.rs test (rows `r:`), beside
rustc's sizes and a hand-written state machine's. Exit status 1 if
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

    own = {p: t for p, t in transformed.items() if not p.startswith("r:")}
    rustc = {p: t for p, t in transformed.items() if p.startswith("r:")}
    width = 8
    name_width = max(len(p) for p in transformed) + 2
    problems = []

    def table(title, rows, columns, own_cells):
        # Two header lines: the build, then the columns under it.
        groups = [("asyncc, C++17", columns)]
        groups += [(f"native C++20, {label}", ["allocs", "heap B", "peak B"]) for label, _ in natives]
        head1 = " " * name_width + " | ".join(g.center(len(cols) * width) for g, cols in groups)
        head2 = "program".ljust(name_width) + " | ".join("".join(c.rjust(width) for c in cols) for _, cols in groups)
        print(title)
        print(head1)
        print(head2)
        print("-" * len(head2))
        for program, t in rows.items():
            cells = ["".join(v.rjust(width) for v in own_cells(t))]
            for label, native_rows in natives:
                n = native_rows[program]
                cells.append("".join(n[k].rjust(width) for k in ("allocs", "bytes", "peak")))
                if n["result"] != t["result"]:
                    problems.append(f"{program}: {label} computed {n['result']}, transformed {t['result']}")
            print(program.ljust(name_width) + " | ".join(cells))
            if t["allocs"] != "0":
                problems.append(f"{program}: the transformed future allocated {t['allocs']} times")
            if "hand_result" in t and t["hand_result"] != t["result"]:
                problems.append(f"{program}: the hand-written future computed {t['hand_result']}, "
                                f"transformed {t['result']}")

    def own_cells(t):
        minimum, size = int(t["target"]), int(t["sizeof"])
        return [str(minimum), str(size), f"{size - minimum:+d}", f"{size / minimum:.2f}", t["allocs"]]

    def rustc_cells(t):
        r, hand, size = int(t["rustc"]), int(t["hand"]), int(t["sizeof"])
        return [str(r), str(hand), str(size), f"{size - r:+d}", f"{size / r:.2f}", f"{size / hand:.2f}", t["allocs"]]

    table("future_sizes: sizeof of asyncc futures against the heap native coroutines use for the same program",
          own, ["minimum", "sizeof", "gap B", "ratio", "allocs"], own_cells)
    print()
    print("minimum: bytes alive at once at the worst suspension + 1 state byte, rounded to alignment "
          "(derivations in programs.cpp); gap = sizeof - minimum; ratio = sizeof / minimum.")
    print()
    table("rustc's tests/ui/async-await/async-fn-size.rs (the await3 tree), written as ASYNC functions",
          rustc, ["rustc", "hand", "sizeof", "gap B", "/rustc", "/hand", "allocs"], rustc_cells)
    print()
    print("rustc: the sizes that test asserts (rustc 1.95); hand: a hand-written C++ state machine "
          "(one state byte, one running u8 sum, the child); sizeof: the asyncc future; gap = sizeof - rustc; "
          "/rustc, /hand: sizeof over each.")
    print("native: operator new calls, bytes requested, and most bytes alive at once, while the future "
          "is made and polled to completion.")
    for p in problems:
        print("error:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
