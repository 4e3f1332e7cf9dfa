#!/usr/bin/env python3
"""Runs one end-to-end program in every variant and checks that each prints
exactly what X.expected holds.

Variants:
  native-gcc, native-clang            X.cpp as C++20 coroutines, via the runtime's bridge
  transformed-gcc, transformed-clang  asyncc's output for X.cpp, as C++17 (needs --tool)

Usage:
  run_e2e.py X.cpp --runtime-include DIR --runtime-source SRC.cpp [--runtime-source ...]
             [--tool ASYNCC] [--gxx G++] [--clangxx CLANG++] [--variants a,b,...]
             [--sanitize] [--work-dir DIR] [--keep] [--update]

Exit status: 0 if every variant that ran passed, 1 on a failure (compile
error, tool error, wrong output, wrong exit status), 2 on a usage error.

Directives, in the comment lines at the top of X.cpp, one per line:
  // E2E: native-only [reason]          no transformed variants (e.g. a construct
                                        the transformer does not support yet)
  // E2E: skip=VARIANT[,VARIANT] reason  skip those variants; the reason is printed
  // E2E: expect-exit=N                  the program must exit with status N
                                        (128+signal for a signal: abort() is 134)
Only stdout is compared; stderr is shown when something fails.
"""

import argparse
import difflib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

VARIANTS = ("native-gcc", "native-clang", "transformed-gcc", "transformed-clang")
SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
COMPILE_TIMEOUT = 300
RUN_TIMEOUT = 60


class UsageError(Exception):
    pass


def parse_directives(source_path):
    """Reads the `// E2E:` lines of the leading comment block."""
    native_only = None
    skips = {}
    expect_exit = 0
    with open(source_path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if not line.startswith("//"):
                break
            m = re.match(r"//\s*E2E:\s*(.*)$", line)
            if not m:
                continue
            directive = m.group(1).strip()
            name, _, rest = directive.partition(" ")
            rest = rest.strip()
            where = f"{source_path}:{number}"
            if name == "native-only":
                native_only = rest or "marked native-only"
            elif name.startswith("skip="):
                if not rest:
                    raise UsageError(f"{where}: skip= needs a reason")
                for variant in name[len("skip="):].split(","):
                    if variant not in VARIANTS:
                        raise UsageError(f"{where}: unknown variant '{variant}' (one of {', '.join(VARIANTS)})")
                    skips[variant] = rest
            elif name.startswith("expect-exit="):
                try:
                    expect_exit = int(name[len("expect-exit="):])
                except ValueError:
                    raise UsageError(f"{where}: expect-exit= needs a number")
            else:
                raise UsageError(f"{where}: unknown directive '{directive}'")
    return native_only, skips, expect_exit


def run(cmd, timeout, env=None, cwd=None):
    """Runs cmd; returns (exit status as a shell reports it, stdout, stderr)."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", (e.stderr or b"") + f"\n(timed out after {timeout} s)\n".encode()
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    return status, p.stdout, p.stderr


def text(data):
    return data.decode("utf-8", errors="replace")


def show_command(cmd):
    return " ".join(cmd)


class Runner:
    def __init__(self, args):
        self.args = args
        self.include = os.path.abspath(args.runtime_include)
        self.sources = [os.path.abspath(s) for s in args.runtime_source]
        self.compilers = {"gcc": args.gxx, "clang": args.clangxx}

    def base_flags(self, std):
        flags = [f"-std={std}", "-O1", "-pthread"]
        if self.args.sanitize:
            flags += SANITIZE_FLAGS
        return flags

    def runtime_objects(self, cxx, flags, cache_dir):
        """The runtime compiled with cxx and flags, cached across programs:
        keyed by compiler, flags and the runtime's sources and headers; a lock
        lets concurrent tests share the work."""
        h = hashlib.sha256()
        exe = shutil.which(cxx) or cxx
        h.update(os.path.realpath(exe).encode())
        h.update(str(os.stat(os.path.realpath(exe)).st_mtime_ns).encode() if os.path.exists(exe) else b"")
        h.update("\0".join(flags).encode())
        inputs = list(self.sources)
        for root, _, files in os.walk(self.include):
            inputs += sorted(os.path.join(root, f) for f in files)
        for path in sorted(inputs):
            h.update(path.encode())
            with open(path, "rb") as f:
                h.update(f.read())
        key_dir = os.path.join(cache_dir, h.hexdigest()[:16])
        os.makedirs(cache_dir, exist_ok=True)
        objects = [os.path.join(key_dir, f"{i}_{os.path.basename(s)}.o") for i, s in enumerate(self.sources)]
        with open(key_dir + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if all(os.path.exists(o) for o in objects):
                return objects, None
            os.makedirs(key_dir, exist_ok=True)
            for source, obj in zip(self.sources, objects):
                cmd = [cxx, *flags, f"-I{self.include}", "-c", source, "-o", obj + ".tmp"]
                status, _, err = run(cmd, COMPILE_TIMEOUT)
                if status != 0:
                    return None, f"$ {show_command(cmd)}\n{text(err)}"
                os.replace(obj + ".tmp", obj)
        return objects, None

    def build(self, cxx, std, source, exe, extra_includes, cache_dir):
        """Compiles and links one program; returns an error message or None."""
        flags = self.base_flags(std)
        objects, error = self.runtime_objects(cxx, flags, cache_dir)
        if error:
            return "compiling the runtime failed:\n" + error
        includes = [f"-I{d}" for d in extra_includes] + [f"-I{self.include}"]
        cmd = [cxx, *flags, *includes, source, *objects, "-o", exe]
        status, out, err = run(cmd, COMPILE_TIMEOUT)
        if status != 0:
            return f"compilation failed:\n$ {show_command(cmd)}\n{text(out)}{text(err)}"
        return None

    def transform(self, source, output):
        cmd = [self.args.tool, source, "-o", output, "--",
               "-std=c++20", f"-I{self.include}", f"-I{os.path.dirname(source)}"]
        status, out, err = run(cmd, COMPILE_TIMEOUT)
        if status != 0:
            return f"asyncc failed (exit status {status}):\n$ {show_command(cmd)}\n{text(out)}{text(err)}"
        if not os.path.exists(output):
            return f"asyncc exited 0 but wrote no output:\n$ {show_command(cmd)}\n{text(err)}"
        return None


def diff(a, b, name_a, name_b):
    lines = difflib.unified_diff(a.splitlines(keepends=True), b.splitlines(keepends=True), name_a, name_b)
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", help="the test program X.cpp (X.expected beside it)")
    parser.add_argument("--runtime-include", required=True, help="runtime/include")
    parser.add_argument("--runtime-source", action="append", default=[], help="a runtime .cpp (repeat)")
    parser.add_argument("--tool", help="the asyncc executable; without it, native variants only")
    parser.add_argument("--gxx", default="g++")
    parser.add_argument("--clangxx", default="clang++-19")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated subset of " + ", ".join(VARIANTS))
    parser.add_argument("--sanitize", action="store_true", help="build every variant with ASan+UBSan")
    parser.add_argument("--work-dir", help="where builds go (default: a temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the program's build directory")
    parser.add_argument("--update", action="store_true",
                        help="write X.expected from the output when every variant agrees")
    args = parser.parse_args()

    try:
        source = os.path.abspath(args.program)
        if not os.path.isfile(source):
            raise UsageError(f"no such program: {args.program}")
        expected_path = os.path.splitext(source)[0] + ".expected"
        if not args.update and not os.path.isfile(expected_path):
            raise UsageError(f"no expected output: {expected_path}")
        wanted = [v for v in args.variants.split(",") if v]
        for v in wanted:
            if v not in VARIANTS:
                raise UsageError(f"unknown variant '{v}' (one of {', '.join(VARIANTS)})")
        native_only, skips, expect_exit = parse_directives(source)
    except UsageError as e:
        print(f"run_e2e: {e}", file=sys.stderr)
        return 2

    name = os.path.splitext(os.path.basename(source))[0]
    own_work_dir = args.work_dir is None
    work_root = tempfile.mkdtemp(prefix="asyncc-e2e-") if own_work_dir else os.path.abspath(args.work_dir)
    work = os.path.join(work_root, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cache_dir = os.path.join(work_root, "runtime-objects")

    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")

    runner = Runner(args)
    expected = None if args.update else open(expected_path, encoding="utf-8", errors="replace").read()
    outputs = {}  # variant -> stdout of a run with the expected exit status
    failures = []
    transformed_source = None
    transform_error = None

    for variant in VARIANTS:
        if variant not in wanted:
            continue
        kind, compiler = variant.split("-")
        if variant in skips:
            print(f"{variant}: skipped: {skips[variant]}")
            continue
        if kind == "transformed":
            if not args.tool:
                print(f"{variant}: skipped: no --tool")
                continue
            if native_only:
                print(f"{variant}: skipped: native-only: {native_only}")
                continue
            if transformed_source is None and transform_error is None:
                transformed_source = os.path.join(work, f"{name}.transformed.cpp")
                started = time.monotonic()
                transform_error = runner.transform(source, transformed_source)
                print(f"asyncc: {'failed' if transform_error else 'ok'} ({time.monotonic() - started:.1f} s)")
            if transform_error:
                failures.append(f"{variant}: {transform_error}")
                continue
            std, program = "c++17", transformed_source
        else:
            std, program = "c++20", source

        exe = os.path.join(work, f"{name}.{variant}")
        started = time.monotonic()
        error = runner.build(runner.compilers[compiler], std, program, exe, [os.path.dirname(source)], cache_dir)
        compile_time = time.monotonic() - started
        if error:
            failures.append(f"{variant}: {error}")
            print(f"{variant}: FAILED to compile ({compile_time:.1f} s)")
            continue
        started = time.monotonic()
        status, out, err = run([exe], RUN_TIMEOUT, env=env, cwd=work)
        run_time = time.monotonic() - started
        timing = f"(compile {compile_time:.1f} s, run {run_time:.2f} s)"
        if status != expect_exit:
            got = "timed out" if status is None else f"exit status {status}"
            failures.append(f"{variant}: {got}, expected {expect_exit}\n--- stdout:\n{text(out)}--- stderr:\n{text(err)}")
            print(f"{variant}: FAILED: {got} {timing}")
            continue
        outputs[variant] = (text(out), text(err))
        print(f"{variant}: ran {timing}")

    # Group the variants by identical output, then compare each group with
    # the expected output, and the groups with each other.
    groups = {}
    for variant, (out, _) in outputs.items():
        groups.setdefault(out, []).append(variant)
    if args.update:
        if failures or len(groups) != 1:
            failures.append("not updating: the variants failed or disagree")
        else:
            with open(expected_path, "w", encoding="utf-8") as f:
                f.write(next(iter(groups)))
            print(f"wrote {expected_path}")
    else:
        for out, variants in groups.items():
            if out != expected:
                names = ", ".join(variants)
                stderr = "".join(f"--- stderr of {v}:\n{outputs[v][1]}" for v in variants if outputs[v][1])
                failures.append(f"{names}: output differs from {name}.expected\n"
                                + diff(expected, out, f"{name}.expected", names) + stderr)
        if len(groups) > 1:
            (first_out, first_variants), *others = list(groups.items())
            for out, variants in others:
                a, b = ", ".join(first_variants), ", ".join(variants)
                failures.append(f"the variants disagree: {a} vs {b}\n" + diff(first_out, out, a, b))

    if not outputs and not failures:
        print("no variant ran")
    for failure in failures:
        print(f"\n=== {failure}", end="" if failure.endswith("\n") else "\n")
    keep = args.keep or failures
    if keep:
        print(f"\nbuild directory kept: {work}")
    elif own_work_dir:
        shutil.rmtree(work_root, ignore_errors=True)
    else:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{name}: FAILED")
        return 1
    print(f"{name}: passed ({', '.join(outputs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
