#!/usr/bin/env bash
# Speed benchmark of the face engine: tract (facectl-eval bench) vs Python onnxruntime on the same
# single-face 640x480 photos, release build, 1 and 2 workers. Numbers go to docs/engine.md.
#   scripts/bench_engine.sh [MODEL_DIR] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="${1:-${FACECTL_MODEL_DIR:-../shared/models}}"
DATA="${2:-../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/facectl-target}"
OUT="${BENCH_OUT:-/tmp/facectl-bench}"
SECS="${BENCH_SECONDS:-10}"

cargo build --release -p facectl-engine --bin facectl-eval
EVAL="$CARGO_TARGET_DIR/release/facectl-eval"
"$EVAL" bench-prepare --out "$OUT/images" --models "$MODELS" --data "$DATA"

if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  .venv-bench/bin/pip install -q onnxruntime numpy pillow onnx opencv-python-headless
fi

echo "load average before: $(cat /proc/loadavg)"
"$EVAL" bench --images "$OUT/images" --models "$MODELS" --seconds "$SECS" --json "$OUT/tract.json"
.venv-bench/bin/python scripts/bench_engine_ort.py --images "$OUT/images" --models "$MODELS" --seconds "$SECS" --json "$OUT/ort.json"
.venv-bench/bin/python - "$OUT" <<'PY'
import json, sys
t = json.load(open(sys.argv[1] + "/tract.json")); o = json.load(open(sys.argv[1] + "/ort.json"))
for k in ("detect_ms", "embed_ms"):
    print(f"{k:>12}: tract {t[k]:7.2f}  onnxruntime {o[k]:7.2f}  tract/ort {t[k] / o[k]:.2f}x")
for k in ("img_per_s_1", "img_per_s_2"):
    print(f"{k:>12}: tract {t[k]:7.1f}  onnxruntime {o[k]:7.1f}  ort/tract {o[k] / t[k]:.2f}x")
PY
