#!/usr/bin/env python3
"""Times asyncc against clang's own parse of the same large file.

Usage: run.py --asyncc EXE --runtime-include DIR [--clangxx CLANG++] [--gxx G++]
              [--work-dir DIR] [--groups N] [--runs N]

Writes big.cpp with generate.py, then takes the best of --runs wall-clock
times of `asyncc big.cpp -o out.cpp -- -std=c++20` and of
`clang++ -std=c++20 -fsyntax-only big.cpp` (asyncc parses with the same
Clang, so the difference is what the transformation itself costs), and
checks that out.cpp compiles as C++17. Exit status 1 if a command fails.
"""

import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402


def best_time(cmd, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        elapsed = time.perf_counter() - start
        if p.returncode != 0:
            sys.exit(f"error: exit status {p.returncode}: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
        best = elapsed if best is None else min(best, elapsed)
    return best


def count_lines(path):
    with open(path, encoding="utf-8") as f:
        return sum(1 for _ in f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--asyncc", required=True)
    parser.add_argument("--runtime-include", required=True)
    parser.add_argument("--clangxx", default="clang++-19")
    parser.add_argument("--gxx", default="g++")
    parser.add_argument("--work-dir", default=".")
    parser.add_argument("--groups", type=int, default=48, help="namespaces of six ASYNC functions each")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.makedirs(args.work_dir, exist_ok=True)
    big = os.path.join(args.work_dir, "big.cpp")
    out = os.path.join(args.work_dir, "out.cpp")
    source, functions = generate.generate(args.groups)
    with open(big, "w", encoding="utf-8") as f:
        f.write(source)

    include = f"-I{args.runtime_include}"
    clang_cmd = [args.clangxx, "-std=c++20", "-fsyntax-only", include, big]
    asyncc_cmd = [args.asyncc, big, "-o", out, "--", "-std=c++20", include]
    clang = best_time(clang_cmd, args.runs)
    tool = best_time(asyncc_cmd, args.runs)

    check_cmd = [args.gxx, "-std=c++17", "-fsyntax-only", include, out]
    check = subprocess.run(check_cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    print(f"tool_speed: {big}: {count_lines(big)} lines, {functions} ASYNC functions "
          f"(best of {args.runs}, wall clock)")
    print(f"  {os.path.basename(args.clangxx)} -std=c++20 -fsyntax-only  {clang:7.3f} s")
    print(f"  asyncc -o out.cpp                   {tool:7.3f} s   {tool / clang:.2f}x clang")
    verdict = "compiles" if check.returncode == 0 else "FAILS to compile"
    print(f"  out.cpp: {count_lines(out)} lines; {os.path.basename(args.gxx)} -std=c++17 -fsyntax-only: {verdict}")
    if check.returncode != 0:
        print(check.stdout[:4000], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
