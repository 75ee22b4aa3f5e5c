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
def save(img, ext, n, tag="", **kw):
    img.save(f"{out}/{n:02d}-{img.width}x{img.height}{tag}.{ext}", **kw)
n = 0
for k, ext, tag in [(1, "jpg", ""), (5, "jpg", ""), (7, "jpg", ""), (9, "jpg", ""),
                    (9, "jpg", "-progressive"), (9, "png", ""), (12, "jpg", "")]:
    n += 1
    kw = {"quality": 90, "progressive": bool(tag)} if ext == "jpg" else {"compress_level": 1}
    save(face.resize((face.width * k, face.height * k), Image.NEAREST), ext, n, tag, **kw)
for w, h in [(9000, 9000), (12000, 9000)]:
    n += 1
    save(Image.new("RGB", (w, h), (128, 128, 128)), "png", n, optimize=True)
PY
export FACECTL_DATA_DIR="$WORK/data"
export FACECTL_MODEL_DIR="${FACECTL_MODEL_DIR:-$(cd ../shared/models && pwd)}"
"$BIN" -q provision >/dev/null
"$BIN" -q enroll --name "Barack Obama" "$SRC" >/dev/null
printf '| photo | on disk | exit | wall s | peak RSS MB | answer |\n|---|---|---|---|---|---|\n'
for path in "$WORK"/[0-9]*; do
  f=$(basename "$path")
  set +e
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" -q --output json search "$WORK/$f" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  set -e
  read -r wall rss < <(grep -v "^Command" "$WORK/time")
  answer=$("$VENV/bin/python" -c 'import json,sys
r = json.load(open(sys.argv[1]))
out = []
for f in r.get("faces", []):
    b, m = f["face"]["box"], f.get("matches") or [{}]
    out.append("%s %.0f at %.0fx%.0f+%.0f+%.0f" % ((m[0].get("person") or {}).get("name", "unknown"), m[0].get("similarity", 0), b["width"], b["height"], b["x"], b["y"]))
print("; ".join(out) or "no face")' "$WORK/out" 2>/dev/null || true)
  [ -s "$WORK/out" ] || answer=$(grep -v '^Command exited' "$WORK/err" | head -1 | cut -c1-90)
  size=$(du -k "$WORK/$f" | cut -f1)
  printf '| %s | %s KB | %s | %s | %s | %s |\n' "$f" "$size" "$rc" "$wall" "$((rss / 1024))" "$answer"
done
