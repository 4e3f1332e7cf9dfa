#!/usr/bin/env python3
"""Differential fuzzing of the asyncc transformer.

  run_fuzz.py --tool ASYNCC --include DIR --runtime-src A.cpp,B.cpp --seeds 1-20 [--out DIR]

For each seed, generate.py writes a program; it is built as native C++20
coroutines with clang++-19 (the oracle: see test/e2e for why not g++ 12) and,
transformed by asyncc, as C++17 with g++ and clang++-19 on alternate seeds.
Outputs must be identical. A program asyncc refuses is counted, not failed.
A mismatch, a crash or a compile error of the transformed code fails the run
and the program is kept in --out; with --reduce it is reduced (reduce.py) to
a small program that fails the same way, and with --regress-dir that program
is written as an end-to-end regression test (test/e2e/programs) whose
expected output is the native run's.
Ends with a line 'N passed, N failed'.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

import reduce

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


def build(compiler, std, source, objects, include, exe, warnings="-w"):
    flags = warnings.split()
    r = run([compiler, "-std=" + std, "-O1", *flags, "-I", include, source, *objects, "-o", exe, "-pthread"])
    return r.returncode == 0, r.stderr


def check(prog, compiler, args, objects):
    """Builds and runs one program both ways. Returns (kind, message, native
    output): kind is "ok", "refused", "generator" (it does not compile
    natively: a generator bug), "tool" (asyncc crashed or failed without a
    diagnostic), "compile" (the transformed code does not compile) or
    "mismatch" (the outputs or exit statuses differ)."""
    stem = os.path.splitext(prog)[0]
    native = stem + ".native"
    ok, err = build("clang++-19", "c++20", prog, objects[("clang++-19", "c++20")], args.include, native,
                    "-Wall -Wextra")
    if not ok:
        return "generator", "the program does not compile natively:\n" + err[:4000], None
    # What compiles without a warning natively must after asyncc too.
    warnings = "-Wall -Wextra -Werror" if "warning:" not in err else "-w"
    transformed = stem + ".transformed.cpp"
    r = run([args.tool, prog, "-o", transformed, "--", "-I" + args.include])
    if r.returncode == 1 and "error:" in r.stderr:
        first = next((l for l in r.stderr.splitlines() if "error:" in l), "")
        return "refused", first.split("error:", 1)[1].strip(), None
    if r.returncode != 0:
        return "tool", "asyncc failed (exit %d):\n%s" % (r.returncode, r.stderr[:4000]), None
    exe = stem + ".transformed"
    ok, err = build(compiler, "c++17", transformed, objects[(compiler, "c++17")], args.include, exe, warnings)
    if not ok:
        return "compile", "the transformed program does not compile with %s:\n%s" % (compiler, err[:4000]), None
    try:
        a = run([native], timeout=60)
    except subprocess.TimeoutExpired:
        return "generator", "the native program timed out", None
    if a.returncode != 0:
        return "generator", "the native program failed (exit %d)" % a.returncode, None
    try:
        b = run([exe], timeout=60)
    except subprocess.TimeoutExpired:
        return "mismatch", "the transformed program timed out", a.stdout
    if b.returncode != 0 or a.stdout != b.stdout:
        diff = "".join(difflib.unified_diff(a.stdout.splitlines(True), b.stdout.splitlines(True),
                                            "native", "transformed (%s)" % compiler, n=2))
        return "mismatch", "outputs differ (transformed exit %d):\n%s" % (b.returncode, diff[:4000]), a.stdout
    return "ok", None, a.stdout


def keep_failure(seed, prog, kind, compiler, args, objects, work):
    """Keeps the failing program in --out; with --reduce, also its reduction,
    and with --regress-dir, the reduction as an end-to-end regression test
    whose expected output is the native run's."""
    os.makedirs(args.out, exist_ok=True)
    shutil.copy(prog, os.path.join(args.out, "seed%d.cpp" % seed))
    if not args.reduce:
        return
    scratch = os.path.join(work, "reduce-seed%d" % seed)
    os.makedirs(scratch, exist_ok=True)
    candidate = os.path.join(scratch, "candidate.cpp")

    def still_fails(text):
        with open(candidate, "w") as f:
            f.write(text)
        return check(candidate, compiler, args, objects)[0] == kind

    with open(prog) as f:
        original = f.read()
    reduced, checks = reduce.reduce(original, still_fails, lambda m: print("  reduce seed %d: %s" % (seed, m)))
    reduced_path = os.path.join(args.out, "seed%d.reduced.cpp" % seed)
    with open(reduced_path, "w") as f:
        f.write(reduced)
    print("seed %d: reduced from %d to %d lines in %d checks: %s" % (
        seed, original.count("\n"), reduced.count("\n"), checks, reduced_path))
    if not args.regress_dir:
        return
    with open(candidate, "w") as f:
        f.write(reduced)
    _, _, native_out = check(candidate, compiler, args, objects)
    if native_out is None:  # a tool crash or compile error: run natively for the expectation
        native = os.path.join(scratch, "native")
        build("clang++-19", "c++20", candidate, objects[("clang++-19", "c++20")], args.include, native)
        native_out = run([native], timeout=60).stdout
    name = "regression_seed%d" % seed
    os.makedirs(args.regress_dir, exist_ok=True)
    test = os.path.join(args.regress_dir, name + ".cpp")
    with open(test, "w") as f:
        f.write("// Found by test/fuzz (seed %d, %s), reduced by test/fuzz/reduce.py.\n" % (seed, kind))
        f.write(reduced)
    with open(os.path.join(args.regress_dir, name + ".expected"), "w") as f:
        f.write(native_out)
    print("seed %d: regression test written: %s" % (seed, test))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--runtime-src", required=True)
    ap.add_argument("--seeds", default="1-10")
    ap.add_argument("--out", default=None, help="where failing programs are kept")
    ap.add_argument("--work", default=None)
    ap.add_argument("--reduce", action="store_true", help="reduce each failing program (reduce.py)")
    ap.add_argument("--regress-dir", default=None,
                    help="write each reduced program there as an end-to-end regression test")
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
        compiler = "g++" if seed % 2 else "clang++-19"
        kind, problem, native_out = check(prog, compiler, args, objects)
        if kind == "refused":
            refused += 1
            print("seed %d: refused: %s" % (seed, problem))
        elif kind == "ok":
            passed += 1
        else:
            failed += 1
            print("seed %d: FAILED: %s" % (seed, problem))
            if args.out:
                keep_failure(seed, prog, kind, compiler, args, objects, work)
    print("fuzz: %d programs, %d refused by asyncc (counted, not failed)" % (passed + failed + refused, refused))
    print("%d passed, %d failed" % (passed, failed))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
