#!/usr/bin/env python3
"""Checks the reduction of failing fuzz programs into regression tests.

  test_reduce.py --asyncc ASYNCC --include DIR --runtime-src A.cpp,B.cpp --work DIR -- E2E-ARGS...

A wrapper around asyncc miscompiles on purpose: every `co_return acc;` of its
output returns one more. run_fuzz.py must report the first seed asyncc
accepts as a mismatch, reduce it to a few lines that still return `acc`, and
write a regression test; the real asyncc must then pass that test in every
end-to-end variant.
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BROKEN = r"""#!/bin/sh
# asyncc, then a deliberate miscompilation: `co_return acc;` returns acc + 1.
"%s" "$@" || exit $?
prev=
for a in "$@"; do
  if [ "$prev" = "-o" ]; then sed -i 's/unwind\.armed, std::move(acc\(\.value\)\{0,1\}))/unwind.armed, std::move(acc\1) + 1)/g' "$a"; fi
  prev=$a
done
"""


def first_accepted_seed(asyncc, include, work):
    """The first seed whose program asyncc transforms and which returns its
    result (one whose leaves may throw need not reach `co_return acc;`)."""
    for seed in range(1, 50):
        source = os.path.join(work, "probe.cpp")
        program = subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), str(seed)],
                                 stdout=subprocess.PIPE, text=True, check=True).stdout
        if "co_await failing(" in program:
            continue
        with open(source, "w") as f:
            f.write(program)
        r = subprocess.run([asyncc, source, "-o", source + ".out", "--", "-I" + include],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            return seed
    sys.exit("FAIL: asyncc refuses every probed seed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--asyncc", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--runtime-src", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("e2e_args", nargs=argparse.REMAINDER)
    args = ap.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    broken = os.path.join(args.work, "broken-asyncc.sh")
    with open(broken, "w") as f:
        f.write(BROKEN % os.path.abspath(args.asyncc))
    os.chmod(broken, os.stat(broken).st_mode | stat.S_IXUSR)
    regress = os.path.join(args.work, "regress")
    SEED = first_accepted_seed(os.path.abspath(args.asyncc), args.include, args.work)
    r = subprocess.run([sys.executable, os.path.join(HERE, "run_fuzz.py"), "--tool", broken,
                        "--include", args.include, "--runtime-src", args.runtime_src,
                        "--seeds", str(SEED), "--out", os.path.join(args.work, "failures"),
                        "--reduce", "--regress-dir", regress],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(r.stdout[-3000:])
    if r.returncode != 1 or "seed %d: FAILED: outputs differ" % SEED not in r.stdout:
        sys.exit("FAIL: the miscompiled seed %d was not reported as a mismatch" % SEED)

    test = os.path.join(regress, "regression_seed%d.cpp" % SEED)
    if not os.path.exists(test) or not os.path.exists(test[:-4] + ".expected"):
        sys.exit("FAIL: no regression test was written")
    text = open(test).read()
    body = text[text.index("\nASYNC "):text.index("\nint main(")].strip().splitlines()
    print("reduced body (%d lines):\n%s" % (len(body), "\n".join(body)))
    if len(body) > 12:
        sys.exit("FAIL: the reduced program still has %d lines of async functions" % len(body))
    if "co_return acc;" not in "\n".join(body):
        sys.exit("FAIL: the reduction lost the construct that is miscompiled")

    # With the real asyncc, the regression test passes: its expectation is
    # the native output, and every variant must print it.
    e2e = [a for a in args.e2e_args if a != "--"]
    r = subprocess.run([sys.executable, os.path.join(HERE, "..", "e2e", "run_e2e.py"), test,
                        "--tool", args.asyncc, *e2e, "--work-dir", os.path.join(args.work, "e2e")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(r.stdout[-3000:])
    if r.returncode != 0:
        sys.exit("FAIL: the regression test does not pass with the real asyncc")
    print("PASS")


if __name__ == "__main__":
    main()
