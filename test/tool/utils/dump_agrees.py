#!/usr/bin/env python3
"""dump_agrees.py DUMP.json OUTPUT.cpp

Checks that asyncc --dump=json and the emitted code agree: for each function,
the dump's states are the enumerators of the emitted State enum, in order,
and every stored item (frame slot, alive value) is a member of the struct.
"""
import json
import re
import sys


def main():
    dump = json.load(open(sys.argv[1]))
    text = open(sys.argv[2]).read()
    failures = []
    checked = 0
    for f in dump["files"]:
        for fn in f["functions"]:
            m = re.search(r"struct %s \{(.*?)\n\};" % re.escape(fn["future"]), text, re.S)
            if not m:
                failures.append("no struct " + fn["future"])
                continue
            body = m.group(1)
            enum = re.search(r"enum class State : std::uint8_t \{(.*?)\n\s*\};", body, re.S).group(1)
            emitted = re.findall(r"^\s*(\w+),", enum, re.M)
            dumped = [s["name"] for s in fn["states"]]
            if emitted != dumped:
                failures.append("%s: states %s in the dump, %s emitted" % (fn["name"], dumped, emitted))
            names = set(slot["name"] for slot in fn["frame"])
            for s in fn["states"]:
                names.update(a["name"] for a in s["alive"])
            for name in sorted(names):
                if not re.search(r"[\w>*&] *\b%s;" % re.escape(name), body):
                    failures.append("%s: %s is not a member of %s" % (fn["name"], name, fn["future"]))
                checked += 1
    for line in failures:
        print("dump_agrees: " + line)
    print("checked %d stored items" % checked)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
