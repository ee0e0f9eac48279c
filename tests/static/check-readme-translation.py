#!/usr/bin/env python3
"""check-readme-translation.py: keeps a translated README in step with README.md.

Usage: check-readme-translation.py README.md README.vi.md

The translation must have the same section structure (the same headings, by level, in
the same order) and the very same code blocks (fences, info strings and contents), and
the two files must link to each other near their top. It fails when a section or a
code block is added, removed or changed in one and not the other, and names the first
difference. Text is not compared: that is the translator's.
"""
import re
import sys
from pathlib import Path

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
TOP_LINES = 8  # the link to the other language sits under the title


def parse(path):
    """Returns (headings, blocks): headings as (level, text, line), blocks as
    (info, content, line), in file order. Headings inside code blocks do not count."""
    headings, blocks = [], []
    fence = None
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = (m.group(1)[0], len(m.group(1)), m.group(2).strip(), number, [])
                continue
            h = HEADING.match(line)
            if h:
                headings.append((len(h.group(1)), h.group(2), number))
        else:
            char, length, info, start, lines = fence
            if m and m.group(1)[0] == char and len(m.group(1)) >= length and not m.group(2).strip():
                blocks.append((info, "\n".join(lines), start))
                fence = None
            else:
                lines.append(line)
    if fence is not None:
        raise SystemExit(f"{path}:{fence[3]}: a code block is never closed")
    return headings, blocks


def links_to(path, other):
    top = Path(path).read_text(encoding="utf-8").splitlines()[:TOP_LINES]
    return any(f"]({other})" in line for line in top)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    source, translation = argv[1], argv[2]
    (src_h, src_b), (tr_h, tr_b) = parse(source), parse(translation)
    problems = []

    levels = lambda hs: [level for level, _, _ in hs]
    if levels(src_h) != levels(tr_h):
        problems.append(
            f"section headings differ: {source} has {len(src_h)}, {translation} has {len(tr_h)}")
        for i in range(max(len(src_h), len(tr_h))):
            a = src_h[i] if i < len(src_h) else None
            b = tr_h[i] if i < len(tr_h) else None
            if a is None or b is None or a[0] != b[0]:
                show = lambda h, f: f"{f}:{h[2]}: {'#' * h[0]} {h[1]}" if h else f"{f}: (none)"
                problems.append(f"  first difference at heading {i + 1}:\n    {show(a, source)}\n    {show(b, translation)}")
                break

    if len(src_b) != len(tr_b):
        problems.append(f"code blocks differ: {source} has {len(src_b)}, {translation} has {len(tr_b)}")
    for i, (a, b) in enumerate(zip(src_b, tr_b)):
        if a[:2] != b[:2]:
            problems.append(
                f"code block {i + 1} differs ({source}:{a[2]}, {translation}:{b[2]}); code blocks are "
                f"copied, never translated:\n--- {source}\n```{a[0]}\n{a[1]}\n```\n--- {translation}\n```{b[0]}\n{b[1]}\n```")
            break

    for a, b in ((source, translation), (translation, source)):
        if not links_to(a, Path(b).name):
            problems.append(f"{a} does not link to {Path(b).name} in its first {TOP_LINES} lines")

    if problems:
        print("\n".join(problems))
        print(f"FAIL: {translation} is not in step with {source}")
        return 1
    print(f"ok: {translation} has the {len(src_h)} headings (same levels) and the {len(src_b)} code blocks "
          f"of {source}, and both link to each other")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
