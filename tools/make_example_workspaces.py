#!/usr/bin/env python3
"""Makes the bundled examples ready workspaces for `kaoping serve` (used by `make serve`).

    python3 tools/make_example_workspaces.py WORKSPACES_DIR

Each example becomes WORKSPACES_DIR/<example>/ laid out as the workbench keeps a workspace:
config.yaml, the county's files under files/, out/. The config is the example's own, with its
input paths moved under files/. A workspace that already exists is left as it is, so what a
person changed on the page survives the next `make serve`.
"""

import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def make(example, target):
    source = os.path.join(ROOT, "examples", example)
    if os.path.exists(os.path.join(target, "config.yaml")):
        print(f"{target}: 已存在，保留原样")
        return
    os.makedirs(os.path.join(target, "out"), exist_ok=True)
    shutil.copytree(os.path.join(source, "data"), os.path.join(target, "files", "data"), dirs_exist_ok=True)
    with open(os.path.join(source, "config.yaml"), encoding="utf-8") as f:
        text = f.read()
    # Input paths (data/…) are relative to the config; in a workspace they live under files/.
    text = re.sub(r"(?<=[\s\[,])data/", "files/data/", text)
    with open(os.path.join(target, "config.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    print(f"{target}: 示例考评已就绪")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    os.makedirs(root, exist_ok=True)
    for example in ("lechang", "qingxin"):
        make(example, os.path.join(root, example))
    return 0


if __name__ == "__main__":
    sys.exit(main())
