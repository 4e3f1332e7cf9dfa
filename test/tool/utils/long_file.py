#!/usr/bin/env python3
"""long_file.py N: a C++ file of N small functions with an ASYNC function
after every thousandth, on stdout."""
import sys

n = int(sys.argv[1])
print("#include <asyncc/async.hpp>")
for i in range(n):
    print("int f%d() { return %d; }" % (i, i))
    if i % 1000 == 999:
        print("ASYNC asyncc::Async<int> g%d() { co_return f%d(); }" % (i, i))
