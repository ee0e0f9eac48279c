#!/usr/bin/env python3
"""check-layers.py: the layers of shared/ (shared/README.md) hold in the code.

Usage: check-layers.py REPO_ROOT

Every file of shared/lab/ sits in one of the layer folders, and includes of the project
("lab/<folder>/<file>.h") name a file that exists and that its layer may use: its own
folder, or a folder listed for it below. The clients (kafka, redis, elastic, http)
never include each other. Prints each violation and a summary; exits 1 on any.
"""
import re
import sys
from pathlib import Path

# folder -> the other folders its files may include
ALLOWED = {
    "contract": set(),
    "runtime": {"contract"},
    "kafka": {"runtime", "contract"},
    "redis": {"runtime", "contract"},
    "elastic": {"runtime", "contract"},
    "http": {"runtime", "contract"},
    "store": {"redis", "runtime", "contract"},
    "service": {"store", "kafka", "redis", "elastic", "http", "runtime", "contract"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(root):
    lab = Path(root) / "shared" / "lab"
    problems = []
    files = sorted(p for p in lab.rglob("*") if p.suffix in (".h", ".cpp"))
    for path in files:
        rel = path.relative_to(lab)
        if len(rel.parts) != 2 or rel.parts[0] not in ALLOWED:
            problems.append(f"shared/lab/{rel}: not in a layer folder ({', '.join(ALLOWED)})")
            continue
        layer = rel.parts[0]
        for target in INCLUDE.findall(path.read_text(encoding="utf-8")):
            parts = Path(target).parts
            if parts[0] != "lab":
                problems.append(f"shared/lab/{rel}: includes \"{target}\"; the project's headers are included as \"lab/<folder>/<file>.h\"")
                continue
            if len(parts) != 3 or not (lab / parts[1] / parts[2]).is_file():
                problems.append(f"shared/lab/{rel}: includes \"{target}\", which is not a file of shared/lab/<folder>/")
                continue
            other = parts[1]
            if other != layer and other not in ALLOWED[layer]:
                may = ", ".join(sorted(ALLOWED[layer])) or "nothing else"
                problems.append(f"shared/lab/{rel}: includes {target}, but {layer} may include only {layer} and {may}")
    for p in problems:
        print(f"FAIL {p}")
    print(f"{len(files)} files of shared/lab in {len(ALLOWED)} layers: {len(problems)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check-layers.py REPO_ROOT")
    sys.exit(main(sys.argv[1]))
