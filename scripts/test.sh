#!/usr/bin/env bash
# The project's test command: makes sure the face models are present, then runs every test.
#   scripts/test.sh            (extra arguments go to `cargo test`)
# Models: FACECTL_MODEL_DIR if it holds them; else ../shared/models beside the checkout;
# else `facectl models install` downloads them (official URLs, SHA-256 checked).
set -euo pipefail
cd "$(dirname "$0")/.."

have_models() {
  [ -f "$1/face_detection_yunet_2023mar_int8bq.onnx" ] && [ -f "$1/face_recognition_sface_2021dec_int8bq.onnx" ]
}

if [ -n "${FACECTL_MODEL_DIR:-}" ] && have_models "$FACECTL_MODEL_DIR"; then
  :
elif have_models "../shared/models"; then
  FACECTL_MODEL_DIR="$(cd ../shared/models && pwd)"
else
  FACECTL_MODEL_DIR="${FACECTL_MODEL_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/facectl/models}"
  echo "models not found; downloading into $FACECTL_MODEL_DIR" >&2
  cargo run --quiet -- --model-dir "$FACECTL_MODEL_DIR" models install
fi
export FACECTL_MODEL_DIR
echo "using models in $FACECTL_MODEL_DIR" >&2

# ONNX Runtime, the engine's faster runtime (scripts/ort_library.sh fetches and caches it). With
# ORT_DYLIB_PATH set the CLI and the engine tests run on it (runtime auto); the engine tests then
# run again on tract.
. scripts/ort_library.sh
if [ -z "${ORT_DYLIB_PATH:-}" ]; then
  ORT_DYLIB_PATH="$(ort_library)"
fi
export ORT_DYLIB_PATH
echo "using ONNX Runtime $ORT_DYLIB_PATH" >&2

cargo test --workspace "$@"

# The engine's tests again on the other runtime (the ones above ran on ONNX Runtime): the same
# test binaries, run directly (a `cargo test -p` would resolve features anew and rebuild).
engine_tests="$(cargo test --workspace --no-run --message-format=json "$@" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"] \
            and m["target"]["name"] != "facectl-eval" and "/crates/facectl-engine" in m["manifest_path"]:
        print(m["executable"])
')"
[ -n "$engine_tests" ] || { echo "no engine test binaries found" >&2; exit 1; }
for t in $engine_tests; do
  echo "on tract: $(basename "$t")" >&2
  (cd crates/facectl-engine && FACECTL_RUNTIME=tract "$t" -q)
done
