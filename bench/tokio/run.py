#!/usr/bin/env python3
"""asyncc against Tokio, side by side, in one run.

Scheduler: the workloads of Tokio's benches/rt_multi_threaded.rs, run by
asyncc_scheduler (asyncc's Runtime of 2 workers and LocalExecutor) and by
tokio_scheduler (Tokio's multi_thread runtime of 2 workers and current_thread
runtime), one workload at a time, the two programs taking turns, --rounds
times (a fresh process each time). Each figure is the median over the rounds
of the median microseconds per iteration; the ratio is asyncc's time over
Tokio's (below 1: asyncc is faster).

HTTP: http_hello --threads 2 (asyncc's Runtime, 2 workers) and tokio_http
--threads 2 (Tokio multi_thread, 2 workers) under wrk, 16 pipelined requests
per write over loopback, each server a fresh process per run, the servers
taking turns; each row is the best of --repeat runs by requests per second.
The ratio is asyncc's requests per second over Tokio's (above 1: asyncc
serves more).

Without the Tokio side (no cargo, or no Tokio package), asyncc's figures are
printed alone with the reason.

Usage: run.py --asyncc-scheduler BIN [--tokio-scheduler BIN] [--tokio-missing REASON]
              [--asyncc-http NAME=BIN]... [--tokio-http BIN] [--wrk WRK --script pipeline.lua]
              [--tokio-version V] [--iterations N] [--rounds N] [--duration S] [--repeat N]
              [--connections N,N]
"""
import argparse
import os
import re
import subprocess
import sys

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

WORKLOADS = ["spawn_many_local", "spawn_many_remote_idle", "spawn_many_remote_busy1", "spawn_many_remote_busy2",
             "ping_pong", "yield_many", "chained_spawn"]
# asyncc's flavor, Tokio's flavor, and the column titles.
FLAVORS = [("runtime", "multi_thread", "Runtime(2)", "multi_thread(2)"),
           ("local", "current_thread", "LocalExecutor", "current_thread")]


def run_scheduler(binary, workload, iterations):
    """{flavor: microseconds or a reason it was skipped} for one workload."""
    output = subprocess.run([binary, "--iterations", str(iterations), "--only", workload],
                            stdout=subprocess.PIPE, check=True, timeout=600).stdout.decode()
    figures = {}
    for line in output.splitlines():
        fields = line.split(None, 3)
        if len(fields) >= 4 and fields[0] == "RESULT":
            figures[fields[1]] = float(fields[3])
        elif len(fields) >= 3 and fields[0] == "SKIP":
            figures[fields[1]] = fields[3] if len(fields) > 3 else "skipped"
    return figures


def median_of_rounds(rounds):
    """{flavor: median of the rounds' figures} (or the reason it was skipped)."""
    merged = {}
    for flavor in {flavor for figures in rounds for flavor in figures}:
        values = [figures[flavor] for figures in rounds if flavor in figures]
        numbers = sorted(v for v in values if isinstance(v, float))
        merged[flavor] = numbers[len(numbers) // 2] if numbers else values[0]
    return merged


def scheduler(args):
    notes = []
    rows = []
    for workload in WORKLOADS:
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(run_scheduler(args.asyncc_scheduler, workload, args.iterations))
            if args.tokio_scheduler:
                theirs.append(run_scheduler(args.tokio_scheduler, workload, args.iterations))
        rows.append((workload, median_of_rounds(ours), median_of_rounds(theirs)))

    tokio = f"Tokio {args.tokio_version}" if args.tokio_version else "Tokio"
    print(f"Scheduler: Tokio's benches/rt_multi_threaded.rs workloads, asyncc against {tokio}; "
          f"median us per iteration of {args.iterations}, median of {args.rounds} rounds; ratio = asyncc time / Tokio time (below 1: asyncc faster)")
    header = f"{'workload':<24}"
    for _, _, ours_title, theirs_title in FLAVORS:
        header += f" {ours_title:>14} {theirs_title:>15} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for workload, ours, theirs in rows:
        line = f"{workload:<24}"
        for ours_flavor, theirs_flavor, _, _ in FLAVORS:
            a = ours.get(ours_flavor)
            t = theirs.get(theirs_flavor)
            line += f" {a:>14.1f}" if isinstance(a, float) else f" {'-':>14}"
            if isinstance(t, float):
                line += f" {t:>15.1f}"
                line += f" {a / t:>6.2f}" if isinstance(a, float) and t > 0 else f" {'-':>6}"
            else:
                line += f" {'n/a':>15} {'-':>6}"
                if isinstance(t, str):
                    notes.append(f"{workload} on {tokio} {theirs_flavor}: {t}")
        print(line)
    for note in notes:
        print(f"  n/a: {note}")


def cpu_seconds(pid):
    total = 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 (utime, stime), counted from 1 with the name in field 2.
    total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def wrk_command(args, url, connections, seconds):
    return [args.wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "-s", args.script, url]


def measure_http(binary, connections, args):
    server = subprocess.Popen([binary, "0", "--threads", "2"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        match = re.match(r"listening on ([\d.]+):(\d+)", server.stdout.readline().decode())
        if not match:
            raise RuntimeError(f"{binary} printed no listening address")
        url = f"http://{match.group(1)}:{match.group(2)}/"
        subprocess.run(wrk_command(args, url, connections, 1), stdout=subprocess.DEVNULL, check=True)
        cpu_before = cpu_seconds(server.pid)
        output = subprocess.run(wrk_command(args, url, connections, args.duration),
                                stdout=subprocess.PIPE, check=True).stdout.decode()
        cpu = cpu_seconds(server.pid) - cpu_before
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        total = int(re.search(r"(\d+) requests in", output).group(1))
        socket_errors = re.search(r"Socket errors: (.*)", output)
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        errors = (socket_errors.group(1) if socket_errors else "") + (f" non-2xx {non_2xx.group(1)}" if non_2xx else "")
        return {"rps": rate, "cpu": cpu, "rps_per_cpu": total / cpu if cpu > 0 else float("nan"),
                "errors": errors.strip()}
    finally:
        server.kill()
        server.wait()


def http(args):
    servers = [s.split("=", 1) for s in args.asyncc_http]
    if args.tokio_http:
        servers.append(["tokio", args.tokio_http])
    best = {}
    for connections in args.connections:
        runs = {name: [] for name, _ in servers}
        for _ in range(args.repeat):
            for name, binary in servers:
                runs[name].append(measure_http(binary, connections, args))
        for name, _ in servers:
            best[(name, connections)] = max(runs[name], key=lambda row: row["rps"])

    tokio = f"Tokio {args.tokio_version}" if args.tokio_version else "Tokio"
    print()
    print(f"HTTP hello on 2 workers: http_hello --threads 2 against {tokio} multi_thread(2); wrk -t1, 16 pipelined "
          f"requests per write, {args.duration} s per run, best of {args.repeat} by req/s, no CPU pinning; "
          f"ratio = asyncc / Tokio (above 1: asyncc faster)")
    header = f"{'server':<22} {'conns':>5} {'req/s':>11} {'ratio':>6} {'CPU s':>6} {'req/CPU-s':>11} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for connections in args.connections:
        base = best.get(("tokio", connections))
        for name, _ in servers:
            row = best[(name, connections)]
            ratio_rps = f"{row['rps'] / base['rps']:>6.2f}" if base else f"{'-':>6}"
            ratio_cpu = f"{row['rps_per_cpu'] / base['rps_per_cpu']:>6.2f}" if base else f"{'-':>6}"
            print(f"{name:<22} {connections:>5} {row['rps']:>11,.0f} {ratio_rps} {row['cpu']:>6.2f} "
                  f"{row['rps_per_cpu']:>11,.0f} {ratio_cpu}" + (f"  errors: {row['errors']}" if row["errors"] else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asyncc-scheduler", required=True)
    parser.add_argument("--tokio-scheduler")
    parser.add_argument("--tokio-missing", help="why the Tokio side is not built")
    parser.add_argument("--tokio-version", default="")
    parser.add_argument("--asyncc-http", action="append", default=[], help="NAME=BINARY taking --threads 2")
    parser.add_argument("--tokio-http")
    parser.add_argument("--wrk")
    parser.add_argument("--script")
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", default="64,256")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-scheduler", action="store_true")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]

    if args.tokio_missing:
        print(f"tokio: the Tokio side is skipped: {args.tokio_missing}")
    if not args.skip_scheduler:
        scheduler(args)
    if not args.skip_http:
        if not args.wrk or not args.script:
            print("\nHTTP: skipped (wrk was not found)")
        elif args.asyncc_http:
            http(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
