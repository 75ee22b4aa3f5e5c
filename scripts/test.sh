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

cargo test --workspace "$@"
