#!/usr/bin/env python3
"""expect_exit.py STATUS COMMAND [ARG]...

Runs COMMAND (its output goes where ours goes) and succeeds only if it exits
with STATUS: asyncc's non-zero statuses mean different things (1: errors in
the input, 2: usage error), and lit's `not` cannot tell them apart.
"""
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    want = int(sys.argv[1])
    command = sys.argv[2:]
    sys.stdout.flush()
    got = subprocess.call(command)
    if got != want:
        sys.stderr.write("expect_exit: expected exit status %d, got %d from: %s\n"
                         % (want, got, " ".join(command)))
        sys.exit(1)


if __name__ == "__main__":
    main()
