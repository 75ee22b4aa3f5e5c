#!/usr/bin/env bash
# Cost of one large photo in `facectl search`: wall time, peak memory and outcome per file.
#   scripts/bench_large_photos.sh [FACECTL_BIN]
# Makes the test photos with Pillow (in a venv under ~/.cache) from a public-domain portrait in
# ../shared/data, blown up with nearest-neighbour so the face stays a face at every size.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-${FACECTL_BIN:-target/release/facectl}}"
SRC="../shared/data/peers/ageitgey_face_recognition/examples/obama-480p.jpg"
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/facectl-bench-pillow"
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q pillow; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$VENV/bin/python" - "$SRC" "$WORK" <<'PY'
import sys
from PIL import Image
src, out = sys.argv[1], sys.argv[2]
face = Image.open(src).convert("RGB")
def big(k):
    return face.resize((face.width * k, face.height * k), Image.NEAREST)
Image.new("RGB", (9000, 9000), (128, 128, 128)).save(f"{out}/grey-9000x9000.png", optimize=True)
Image.new("RGB", (12000, 9000), (128, 128, 128)).save(f"{out}/grey-12000x9000.png", optimize=True)
big(1).save(f"{out}/face-640x480.jpg", quality=90)
big(9).save(f"{out}/face-5760x4320.png", compress_level=1)
big(9).save(f"{out}/face-5760x4320.jpg", quality=90)
big(12).save(f"{out}/face-7680x5760.jpg", quality=90)
big(13).save(f"{out}/face-8320x6240.jpg", quality=90)
PY
export FACECTL_DATA_DIR="$WORK/data"
printf '| photo | on disk | exit | wall s | peak RSS MB | answer |\n|---|---|---|---|---|---|\n'
for f in face-640x480.jpg face-5760x4320.png face-5760x4320.jpg face-7680x5760.jpg face-8320x6240.jpg grey-9000x9000.png grey-12000x9000.png; do
  set +e
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" -q search "$WORK/$f" --format json >"$WORK/out" 2>"$WORK/err"
  rc=$?
  set -e
  read -r wall rss <"$WORK/time"
  answer=$(head -c 300 "$WORK/out" | tr -d '\n' | cut -c1-60)
  [ -s "$WORK/out" ] || answer=$(grep -v '^Command exited' "$WORK/err" | head -1 | cut -c1-90)
  size=$(du -k "$WORK/$f" | cut -f1)
  printf '| %s | %s KB | %s | %s | %s | %s |\n' "$f" "$size" "$rc" "$wall" "$((rss / 1024))" "$answer"
done
