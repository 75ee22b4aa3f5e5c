#!/usr/bin/env bash
# Speed benchmark of the face engine on both of its runtimes (tract, and ONNX Runtime through
# `ort`) vs the same pipeline in Python onnxruntime, on the same single-face 640x480 photos, in one
# run, release build, 1 and 2 workers. Numbers go to docs/engine.md.
#   scripts/bench_engine.sh [MODEL_DIR] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="${1:-${FACECTL_MODEL_DIR:-../shared/models}}"
DATA="${2:-../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/facectl-target}"
OUT="${BENCH_OUT:-/tmp/facectl-bench}"
SECS="${BENCH_SECONDS:-10}"
. scripts/ort_library.sh
ORT_LIB="${ORT_DYLIB_PATH:-$(ort_library)}"

cargo build --release --quiet --workspace --bins  # one feature set for every benchmark: no rebuilds
EVAL="$CARGO_TARGET_DIR/release/facectl-eval"
"$EVAL" bench-prepare --out "$OUT/images" --models "$MODELS" --data "$DATA"

if [ ! -x .venv-bench/bin/python ]; then
  python3 -m venv .venv-bench
  # The same ONNX Runtime release facectl loads: the ratio is then the pipelines, not the library.
  .venv-bench/bin/pip install -q onnxruntime==1.31.1 numpy pillow onnx opencv-python-headless
fi

echo "load average before: $(cat /proc/loadavg)"
"$EVAL" bench --runtime tract --images "$OUT/images" --models "$MODELS" --seconds "$SECS" --json "$OUT/tract.json"
"$EVAL" bench --runtime onnxruntime --ort-lib "$ORT_LIB" --images "$OUT/images" --models "$MODELS" --seconds "$SECS" --json "$OUT/facectl-ort.json"
.venv-bench/bin/python scripts/bench_engine_ort.py --images "$OUT/images" --models "$MODELS" --seconds "$SECS" --json "$OUT/ort.json"
.venv-bench/bin/python - "$OUT" <<'PY'
import json, sys
d = sys.argv[1]
py = json.load(open(d + "/ort.json"))
print(f"Python {py['runtime']}: detect {py['detect_ms']:.2f} ms, embed {py['embed_ms']:.2f} ms, "
      f"{py['img_per_s_1']:.1f} img/s (1 worker), {py['img_per_s_2']:.1f} img/s (2 workers)")
for name in ("tract", "facectl-ort"):
    r = json.load(open(f"{d}/{name}.json"))
    print(f"facectl on {r['runtime']}: detect {r['detect_ms']:.2f} ms, embed {r['embed_ms']:.2f} ms, "
          f"{r['img_per_s_1']:.1f} img/s (1 worker, {r['img_per_s_1'] / py['img_per_s_1']:.2f}x Python), "
          f"{r['img_per_s_2']:.1f} img/s (2 workers, {r['img_per_s_2'] / py['img_per_s_2']:.2f}x Python)")
PY
