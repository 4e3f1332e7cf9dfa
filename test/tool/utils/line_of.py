#!/usr/bin/env python3
"""line_of.py DIAGNOSTICS NAME FILE

Prints the lines of FILE that the diagnostics in DIAGNOSTICS point at with
NAME:<line>:<col>: so a test can check where a compiler reported something.
"""
import re
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip())
    diagnostics, name, path = sys.argv[1:]
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    pattern = re.compile(r"^%s:(\d+):\d+: " % re.escape(name))
    with open(diagnostics, encoding="utf-8", errors="replace") as f:
        for diagnostic in f:
            m = pattern.match(diagnostic)
            if m:
                print(lines[int(m.group(1)) - 1])


if __name__ == "__main__":
    main()
