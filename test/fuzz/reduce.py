#!/usr/bin/env python3
"""Reduces a program while a property holds: the delta debugging that turns a
failing fuzz program into a small regression test.

  reduce(text, still_fails) -> smaller text

Only the lines from the first ASYNC function to `int main()` are edited; the
header and main stay as generated. Three kinds of edit are tried, each kept
only when still_fails(candidate) is true, until none applies:
  - removing a chunk of lines (halving chunk sizes, as ddmin does); only
    chunks whose braces balance are tried, so most candidates compile;
  - unwrapping a block: removing a line that opens `{` and the line that
    closes it, keeping what is between;
  - simplifying a leaf: `leaf(k, v)` and `failing(k, v)` with k pending
    polls become k = 0 (fewer lines of trace to read).
Candidates already tried are not tried again.
"""
import re

LEAF = re.compile(r"\b(leaf|failing)\((\d+), ")


def braces(line):
    """The change of brace depth along a line, and the lowest depth reached."""
    depth = low = 0
    for c in line:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            low = min(low, depth)
    return depth, low


def removable(chunk):
    """A chunk can go if its braces balance; one that begins by closing a
    block (`} else {`) may dip one level, which removes an else branch."""
    depth = low = 0
    for line in chunk:
        d, l = braces(line)
        low = min(low, depth + l)
        depth += d
    floor = -1 if chunk and chunk[0].lstrip().startswith("}") else 0
    return depth == 0 and low >= floor


def closing_line(lines, start):
    """The index of the line that closes the block opened at the end of
    lines[start], if that line is only `}`; else None."""
    depth = 0
    for i in range(start, len(lines)):
        d, _ = braces(lines[i])
        depth += d
        if depth == 0:
            return i if i > start and lines[i].strip() == "}" else None
    return None


class Reducer:
    def __init__(self, still_fails, log=None):
        self.still_fails = still_fails
        self.log = log or (lambda message: None)
        self.tried = set()
        self.checks = 0

    def accept(self, head, body, tail):
        text = "\n".join(head + body + tail)
        if text in self.tried:
            return False
        self.tried.add(text)
        self.checks += 1
        return self.still_fails(text)

    def reduce(self, text):
        lines = text.split("\n")
        first = next((i for i, l in enumerate(lines) if l.startswith("ASYNC ")), None)
        last = next((i for i, l in enumerate(lines) if l.startswith("int main(")), None)
        if first is None or last is None or last < first:
            return text
        head, body, tail = lines[:first], lines[first:last], lines[last:]
        changed = True
        while changed:
            changed = False
            # Chunks, largest first.
            size = max(1, len(body) // 2)
            while size >= 1:
                i = 0
                while i < len(body):
                    chunk = body[i:i + size]
                    candidate = body[:i] + body[i + size:]
                    if removable(chunk) and self.accept(head, candidate, tail):
                        self.log("removed %d lines (%d left)" % (len(chunk), len(candidate)))
                        body, changed = candidate, True
                    else:
                        i += size
                size //= 2
            # Unwrapping blocks.
            i = 0
            while i < len(body):
                end = closing_line(body, i) if body[i].rstrip().endswith("{") else None
                if end is not None and not body[i].startswith("ASYNC "):
                    candidate = body[:i] + body[i + 1:end] + body[end + 1:]
                    if self.accept(head, candidate, tail):
                        self.log("unwrapped: %s" % body[i].strip())
                        body, changed = candidate, True
                        continue
                i += 1
            # Leaves that stay pending fewer times.
            for i, line in enumerate(body):
                for m in LEAF.finditer(line):
                    if m.group(2) == "0":
                        continue
                    simpler = line[:m.start(2)] + "0" + line[m.end(2):]
                    candidate = body[:i] + [simpler] + body[i + 1:]
                    if self.accept(head, candidate, tail):
                        self.log("simplified: %s" % simpler.strip())
                        body[i], changed = simpler, True
                        break
        return "\n".join(head + body + tail)


def reduce(text, still_fails, log=None):
    """Returns the smallest program found for which still_fails holds (text
    itself must satisfy it), and the number of candidates checked."""
    r = Reducer(still_fails, log)
    return r.reduce(text), r.checks
