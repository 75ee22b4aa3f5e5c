#!/usr/bin/env bash
# How fast `facectl search` of one photo answers, from process start, with one enrolled face:
# the median of 9 runs per runtime (tract, ONNX Runtime), and where the time goes (process start,
# settings, model load, decode, detect, embed, search, output) from one `-vv` run's uptime stamps.
#   scripts/bench_startup.sh [RUNS]      (release build; models from FACECTL_MODEL_DIR or ../shared/models)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-9}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/facectl-target}"
export FACECTL_MODEL_DIR="${FACECTL_MODEL_DIR:-$(cd ../shared/models && pwd)}"
. scripts/ort_library.sh
export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$(ort_library)}"
cargo build --release --quiet --workspace --bins  # one feature set for every benchmark: no rebuilds
BIN="${FACECTL_BENCH_BIN:-$CARGO_TARGET_DIR/release/facectl}"  # FACECTL_BENCH_BIN: compare another build
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export FACECTL_DATA_DIR="$WORK/data"
"$BIN" -q provision >/dev/null
"$BIN" -q enroll examples/images/obama.jpg --name "Barack Obama" >/dev/null
python3 - "$BIN" "$RUNS" <<'PY'
import re, statistics, subprocess, sys, time
bin, runs = sys.argv[1], int(sys.argv[2])
probe = "examples/images/obama2.jpg"
steps = [("settings", "settings"), ("model load", "face engine loaded"), ("decode", "decoded"),
         ("detect", "detected"), ("embed", "aligned, measured and embedded"),
         ("search", "searched the collection")]
for runtime in ("tract", "onnxruntime"):
    cmd = [bin, "--runtime", runtime, "search", probe, "-o", "json"]
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True)
        walls.append((time.perf_counter() - t) * 1e3)
        if out.returncode != 0 or "Barack Obama" not in out.stdout:
            sys.exit(f"{runtime}: search failed: {out.stderr}")
    t = time.perf_counter()
    out = subprocess.run(cmd + ["-vv"], capture_output=True, text=True)
    total = (time.perf_counter() - t) * 1e3
    stamps = {}
    for line in out.stderr.splitlines():
        m = re.match(r"\s*([0-9.]+)s\s", line)
        if not m:
            continue
        for name, text in steps:
            if text in line and name not in stamps:
                stamps[name] = float(m.group(1)) * 1e3
    parts, prev = [], 0.0
    for name, _ in steps:
        if name in stamps:
            parts.append(f"{name} {stamps[name] - prev:.0f}")
            prev = stamps[name]
    parts.append(f"output and exit {total - prev:.0f}")
    print(f"facectl search on {runtime}: median {statistics.median(walls):.0f} ms, best {min(walls):.0f} ms "
          f"of {runs} runs; one -vv run {total:.0f} ms = " + ", ".join(parts) + " (ms; 'settings' includes process start)")
PY
