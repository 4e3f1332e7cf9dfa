#!/usr/bin/env python3
"""Differential fuzzing of the asyncc transformer.

  run_fuzz.py --tool ASYNCC --include DIR --runtime-src A.cpp,B.cpp --seeds 1-20 [--out DIR]

For each seed, generate.py writes a program; it is built as native C++20
coroutines with clang++-19 (the oracle: see test/e2e for why not g++ 12) and,
transformed by asyncc, as C++17 with g++ and clang++-19 on alternate seeds.
Outputs must be identical. A program asyncc refuses is counted, not failed.
A mismatch, a crash or a compile error of the transformed code fails the run
and the program is kept in --out for reduction into a regression test.
Ends with a line 'N passed, N failed'.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds.extend(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(part))
    return seeds


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def build(compiler, std, source, objects, include, exe):
    r = run([compiler, "-std=" + std, "-O1", "-w", "-I", include, source, *objects, "-o", exe, "-pthread"])
    return r.returncode == 0, r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--runtime-src", required=True)
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--out", default=None, help="where failing programs are kept")
    ap.add_argument("--work", default=None)
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="asyncc-fuzz-")
    os.makedirs(work, exist_ok=True)
    # The runtime is compiled once per compiler and standard.
    sources = args.runtime_src.split(",")
    objects = {}
    for compiler, std in (("clang++-19", "c++20"), ("g++", "c++17"), ("clang++-19", "c++17")):
        objs = []
        for src in sources:
            obj = os.path.join(work, "%s-%s-%s.o" % (compiler, std, os.path.basename(src)))
            r = run([compiler, "-std=" + std, "-O1", "-c", "-I", args.include, src, "-o", obj])
            if r.returncode != 0:
                sys.exit("runtime does not build with %s %s:\n%s" % (compiler, std, r.stderr))
            objs.append(obj)
        objects[(compiler, std)] = objs

    passed = failed = refused = 0
    for seed in parse_seeds(args.seeds):
        prog = os.path.join(work, "seed%d.cpp" % seed)
        with open(prog, "w") as f:
            f.write(run([sys.executable, os.path.join(HERE, "generate.py"), str(seed)]).stdout)

        problem = None
        native = os.path.join(work, "seed%d.native" % seed)
        ok, err = build("clang++-19", "c++20", prog, objects[("clang++-19", "c++20")], args.include, native)
        if not ok:
            problem = "the generator wrote a program that does not compile natively:\n" + err
        transformed = os.path.join(work, "seed%d.transformed.cpp" % seed)
        if not problem:
            r = run([args.tool, prog, "-o", transformed, "--", "-I" + args.include])
            if r.returncode == 1 and "error:" in r.stderr:
                refused += 1
                first = next((l for l in r.stderr.splitlines() if "error:" in l), "")
                print("seed %d: refused: %s" % (seed, first.split("error:", 1)[1].strip()))
                continue
            if r.returncode != 0:
                problem = "asyncc failed (exit %d):\n%s" % (r.returncode, r.stderr)
        if not problem:
            compiler = "g++" if seed % 2 else "clang++-19"
            exe = os.path.join(work, "seed%d.transformed" % seed)
            ok, err = build(compiler, "c++17", transformed, objects[(compiler, "c++17")], args.include, exe)
            if not ok:
                problem = "the transformed program does not compile with %s:\n%s" % (compiler, err[:4000])
        if not problem:
            a = run([native], timeout=60)
            b = run([exe], timeout=60)
            if a.returncode != 0:
                problem = "the native program failed (exit %d)" % a.returncode
            elif b.returncode != 0 or a.stdout != b.stdout:
                import difflib
                diff = "".join(difflib.unified_diff(a.stdout.splitlines(True), b.stdout.splitlines(True),
                                                    "native", "transformed (%s)" % compiler, n=2))
                problem = "outputs differ (transformed exit %d):\n%s" % (b.returncode, diff[:4000])
        if problem:
            failed += 1
            print("seed %d: FAILED: %s" % (seed, problem))
            if args.out:
                os.makedirs(args.out, exist_ok=True)
                shutil.copy(prog, os.path.join(args.out, "seed%d.cpp" % seed))
        else:
            passed += 1
    print("fuzz: %d programs, %d refused by asyncc (counted, not failed)" % (passed + failed + refused, refused))
    print("%d passed, %d failed" % (passed, failed))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
