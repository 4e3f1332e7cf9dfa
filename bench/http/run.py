#!/usr/bin/env python3
"""HTTP throughput of http_hello (asyncc) against a hand-written epoll server
and a Boost.Asio coroutine server, in the same run.

Each server runs alone, pinned to one core, and wrk (pinned to another core)
sends 16 pipelined requests per write over loopback. For each server and
connection count, a fresh server process is measured, --repeat times, the
servers taking turns so that a change in the machine's load hits them all;
each row is the run with the best requests per CPU-second:
  req/s        responses per second seen by wrk
  CPU s        the server's user+system time over the measured window
  req/CPU-s    requests per second of server CPU time (efficiency)
  peak RSS     the server's VmHWM at the end
Ratios are to the hand-written epoll server.

Usage: run.py --wrk WRK --script pipeline.lua --server NAME=BINARY... [--duration S] [--repeat N]
              [--connections N,N]
"""
import argparse
import os
import re
import subprocess
import sys
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 (utime, stime), counted from 1 with the name in field 2.
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def wrk_command(args, url, connections, seconds):
    return ["taskset", "-c", args.client_cpu, args.wrk, "-t1", f"-c{connections}", f"-d{seconds}s",
            "-s", args.script, url]


def measure(binary, connections, args):
    """Runs wrk against a fresh server process; returns the row of figures."""
    server = subprocess.Popen(["taskset", "-c", args.server_cpu, binary, "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        match = re.match(r"listening on ([\d.]+):(\d+)", server.stdout.readline().decode())
        if not match:
            raise RuntimeError(f"{binary} printed no listening address")
        url = f"http://{match.group(1)}:{match.group(2)}/"
        # A short warm-up opens the connections and faults the buffers in.
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
        return {"connections": connections, "rps": rate, "cpu": cpu,
                "rps_per_cpu": total / cpu if cpu > 0 else float("nan"),
                "rss": peak_rss_kib(server.pid), "errors": errors.strip()}
    finally:
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--script", required=True)
    parser.add_argument("--server", action="append", required=True, help="NAME=BINARY; the first is the baseline")
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--connections", default="64,256")
    parser.add_argument("--server-cpu", default="0")
    parser.add_argument("--client-cpu", default="1")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]

    servers = [s.split("=", 1) for s in args.server]
    measured = {name: [] for name, _ in servers}
    for connections in args.connections:
        runs = {name: [] for name, _ in servers}
        for _ in range(args.repeat):
            for name, binary in servers:
                runs[name].append(measure(binary, connections, args))
        for name, _ in servers:
            measured[name].append(max(runs[name], key=lambda row: row["rps_per_cpu"]))
    baseline = measured[servers[0][0]]

    print(f"HTTP hello, 16 pipelined requests per write, {args.duration} s per run, best of {args.repeat}, "
          f"server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu}")
    header = f"{'server':<10} {'conns':>5} {'req/s':>11} {'ratio':>6} {'CPU s':>6} {'req/CPU-s':>11} {'ratio':>6} {'peak RSS':>10} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for name, _ in servers:
        for row, base in zip(measured[name], baseline):
            print(f"{name:<10} {row['connections']:>5} {row['rps']:>11,.0f} {row['rps'] / base['rps']:>6.2f} "
                  f"{row['cpu']:>6.2f} {row['rps_per_cpu']:>11,.0f} {row['rps_per_cpu'] / base['rps_per_cpu']:>6.2f} "
                  f"{row['rss']:>7} KiB {row['rss'] / base['rss']:>6.2f}"
                  + (f"  errors: {row['errors']}" if row["errors"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
