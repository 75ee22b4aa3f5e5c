#!/usr/bin/env bash
# Keeps the shared build folder from filling the disk (a full disk kills the linker with
# SIGBUS): when less than FREE_GB (default 20) is free, removes test and binary executables of
# debug/deps that a newer build of the same target replaced, and stale incremental data.
# Nothing a current build uses is removed; at worst cargo links a binary again.
set -euo pipefail
target="${CARGO_TARGET_DIR:-target}"
[ -d "$target" ] || exit 0
free_gb=$(df -Pk "$target" | awk 'NR==2 {print int($4 / 1048576)}')
[ "$free_gb" -lt "${FREE_GB:-20}" ] || exit 0
echo "only ${free_gb} GB free: removing replaced build outputs from $target" >&2
python3 - "$target/debug" <<'PY'
import collections, os, shutil, sys
root = sys.argv[1]
def newest_only(folder, is_candidate, remove):
    if not os.path.isdir(folder):
        return 0
    groups = collections.defaultdict(list)
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if is_candidate(name, path):
            groups[name.rpartition("-")[0]].append((os.path.getmtime(path), path))
    n = 0
    for entries in groups.values():
        for _, path in sorted(entries)[:-1]:
            remove(path)
            n += 1
    return n
def rm_exe(path):
    os.remove(path)
    if os.path.exists(path + ".d"):
        os.remove(path + ".d")
exes = newest_only(os.path.join(root, "deps"),
                   lambda n, p: "." not in n and os.path.isfile(p) and os.access(p, os.X_OK), rm_exe)
inc = newest_only(os.path.join(root, "incremental"), lambda n, p: os.path.isdir(p), shutil.rmtree)
print(f"removed {exes} replaced executables and {inc} stale incremental folders", file=sys.stderr)
PY
