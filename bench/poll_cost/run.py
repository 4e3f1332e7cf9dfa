#!/usr/bin/env python3
"""Runs the poll_cost builds and prints instructions and time per drive.

Usage: run.py --exe COMPILER=EXE [--exe COMPILER=EXE ...] [--valgrind PATH] [--rounds N]

Each executable (workloads.cpp, transformed or native, built by COMPILER)
times the workloads of its forms and prints one `key=value ...` line each.
Then each workload runs under `valgrind --tool=callgrind` twice, with 1 and
with 11 drives collected; the difference over 10 is the instructions of one
drive, exactly. The tables set asyncc against the hand-written machines and
the coroutines built by the same compiler. Exit status 1 if the forms
disagree on a result or asyncc or the hand-written machines allocate.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

WORKLOADS = [
    ("tree", "await3 tree, 243 leaves pending once"),
    ("chain", "chain of 16 async fns, leaf pending once"),
    ("ready_loop", "loop of 1000 awaits, leaf always ready"),
    ("maybe_loop", "same loop, leaf with an untaken pending path"),
]
FORMS = ["asyncc", "hand", "coro"]


def run_times(exe, rounds):
    out = subprocess.run([exe, "--rounds", str(rounds)], check=True, stdout=subprocess.PIPE, text=True).stdout
    return [dict(item.split("=", 1) for item in line.split()) for line in out.splitlines()]


def callgrind_total(valgrind, exe, form, workload, drives, work_dir):
    out_file = os.path.join(work_dir, f"callgrind.{os.getpid()}")
    subprocess.run([valgrind, "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={out_file}",
                    exe, "--callgrind", form, workload, str(drives)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out_file) as f:
        match = re.search(r"^summary:\s+(\d+)", f.read(), re.M)
    os.unlink(out_file)
    return int(match.group(1))


def instructions_per_drive(valgrind, exe, form, workload, work_dir):
    one = callgrind_total(valgrind, exe, form, workload, 1, work_dir)
    eleven = callgrind_total(valgrind, exe, form, workload, 11, work_dir)
    return (eleven - one) / 10, (eleven - one) % 10 == 0


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exe", action="append", required=True, metavar="COMPILER=EXE")
    parser.add_argument("--valgrind", default=shutil.which("valgrind"))
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()

    rows = {}  # (compiler, form, workload) -> fields
    compilers = []
    exes = {}
    for spec in args.exe:
        compiler, _, exe = spec.partition("=")
        if compiler not in compilers:
            compilers.append(compiler)
        for r in run_times(exe, args.rounds):
            rows[(compiler, r["form"], r["workload"])] = r
            exes[(compiler, r["form"], r["workload"])] = exe

    if args.valgrind:
        with tempfile.TemporaryDirectory() as work_dir:
            for key, exe in exes.items():
                rows[key]["instr"], rows[key]["exact"] = instructions_per_drive(args.valgrind, exe, *key[1:], work_dir)
    else:
        print("valgrind was not found: no instruction counts (scripts/setup-deps.sh installs it)", file=sys.stderr)

    def cell(compiler, form, workload, field):
        r = rows.get((compiler, form, workload))
        return None if r is None or field not in r else r[field]

    problems = []
    name_width = max(len(w) for w, _ in WORKLOADS) + 2
    comp_width = max(len(c) for c in compilers) + 2
    width = 11

    def table(title, field, fmt, note, ratios=True):
        print(title)
        head = "workload".ljust(name_width) + "compiler".ljust(comp_width)
        head += "".join(f.rjust(width) for f in FORMS)
        if ratios:
            head += "asyncc/hand".rjust(width + 2) + "asyncc/coro".rjust(width + 2)
        print(head)
        print("-" * len(head))
        for workload, _ in WORKLOADS:
            for i, compiler in enumerate(compilers):
                values = {f: cell(compiler, f, workload, field) for f in FORMS}
                values = {f: (float(v) if v is not None else None) for f, v in values.items()}
                line = (workload if i == 0 else "").ljust(name_width) + compiler.ljust(comp_width)
                line += "".join((fmt(values[f]) if values[f] is not None else "-").rjust(width) for f in FORMS)
                if ratios:
                    line += ratio(values["asyncc"], values["hand"]).rjust(width + 2)
                    line += ratio(values["asyncc"], values["coro"]).rjust(width + 2)
                print(line)
        if note:
            print(note)
        print()

    print("poll_cost: one drive = make the top future and poll it to completion with a counting waker")
    for workload, what in WORKLOADS:
        r = next(rows[k] for k in rows if k[2] == workload)
        print(f"  {workload.ljust(name_width)}{what}: result {r['result']}, {r['polls']} polls of the top future, "
              f"{r['wakes']} wakes")
    print()
    if args.valgrind:
        table("instructions per drive (valgrind --tool=callgrind; exact, the same from run to run)",
              "instr", lambda v: f"{v:,.0f}" if v == int(v) else f"~{v:,.0f}",
              "asyncc: ASYNC functions transformed (C++17); hand: hand-written state machines, same compiler; "
              "coro: the same ASYNC source as C++20 coroutines (the runtime's bridge).\n"
              "~: drives differ by a few instructions (malloc's paths vary with its state); "
              "the mean of 10 drives.")
    table(f"time per drive, ns (median of {args.rounds} rounds; noisy on a shared machine)", "ns",
          lambda v: f"{v:,.1f}", "")
    table("heap allocations per drive (operator new calls)", "allocs", lambda v: f"{v:.0f}", "", ratios=False)
    table("sizeof the top future, bytes (coro: the handle; its frames are on the heap)", "sizeof",
          lambda v: f"{v:.0f}", "", ratios=False)

    for (compiler, form, workload), r in rows.items():
        if form in ("asyncc", "hand") and r["allocs"] != "0":
            problems.append(f"{workload}: {form} ({compiler}) allocated {r['allocs']} times per drive")
        if r.get("exact") is False and form != "coro":
            problems.append(f"{workload}: {form} ({compiler}): drives differ in instruction count")
        for other in rows.values():
            if other["workload"] == workload and other["result"] != r["result"]:
                problems.append(f"{workload}: {form} ({compiler}) computed {r['result']}, "
                                f"{other['form']} computed {other['result']}")
                break
    for p in problems:
        print("error:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
