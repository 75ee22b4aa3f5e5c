#!/usr/bin/env bash
# Benchmarks of the facectl binary on the local backend (release build, this machine):
#   bulk-import images/s with 1 and 2 jobs, search latency (process start to output) with the
#   imported faces and with extra synthetic face prints, and database bytes per face.
# Usage: scripts/bench_cli.sh [IMAGES]   (default 600 lfw-dev images, 3811 = all of them; search is then timed with the
#   imported faces, and with the collection filled up to 4,000, 100,000 and 1,000,000 faces by
#   synthetic face prints)
# Needs FACECTL_MODEL_DIR (or ../shared/models) and ../shared/data/lfw-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-600}
export FACECTL_MODEL_DIR="${FACECTL_MODEL_DIR:-$(cd ../shared/models && pwd)}"
cargo build --release --quiet --workspace --bins  # one feature set for every benchmark: no rebuilds
cargo build --release --quiet -p facectl-collection --example scale
BIN="${CARGO_TARGET_DIR:-target}/release/facectl"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SRC="$WORK/src"
mkdir -p "$SRC"
# The first N images of lfw-dev, keeping the Person/ folders.
( cd ../shared/data/lfw-dev/images && find . -name '*.jpg' | sort | sed -n "1,${N}p" ) | while read -r f; do
  mkdir -p "$SRC/$(dirname "$f")"; ln -s "$(cd ../shared/data/lfw-dev/images && pwd)/$f" "$SRC/$f"
done

probe="../shared/data/lfw-dev/images/$(cd ../shared/data/lfw-dev/images && find . -name '*_0002.jpg' | sort | sed -n 1p)"
time_search() {
  local best=999999
  for _ in 1 2 3 4 5; do
    local t0=$(date +%s%N)
    "$BIN" -q search "$probe" -o json >/dev/null || true
    local t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    [ "$ms" -lt "$best" ] && best=$ms
  done
  # Peak resident memory of one more run, where GNU time is installed.
  local rss=""
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$WORK/rss" "$BIN" -q search "$probe" -o json >/dev/null 2>&1 || true
    rss=$(tail -1 "$WORK/rss" 2>/dev/null || true)
    [ -n "$rss" ] && rss=", peak RSS $(( rss / 1024 )) MB"
  fi
  echo "$best ms$rss"
}
# The same search on an empty collection: the floor every other figure is compared with.
export FACECTL_DATA_DIR="$WORK/data-empty"
"$BIN" -q provision >/dev/null
echo "search latency with 0 faces: $(time_search) (best of 5, process start to output)"

for jobs in 1 2; do
  export FACECTL_DATA_DIR="$WORK/data-$jobs"
  "$BIN" -q provision >/dev/null
  "$BIN" -q bulk-import "$SRC" --jobs "$jobs" -o json > "$WORK/import-$jobs.json" || true
  python3 - "$WORK/import-$jobs.json" "$jobs" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["counts"]
print(f"bulk-import jobs={sys.argv[2]}: {r['files_found']} files, {c['imported']} imported, "
      f"{c['no_face']} no face, {c['multiple_faces']} several faces, {c['failed']} failed, "
      f"{r['elapsed_secs']:.1f} s, {r['images_per_sec']:.2f} images/s")
PY
done

# A second run over the same folder imports nothing: every image is skipped by content hash.
export FACECTL_DATA_DIR="$WORK/data-2"
"$BIN" -q bulk-import "$SRC" --jobs 2 -o json > "$WORK/import-again.json" || true
python3 - "$WORK/import-again.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["counts"]
print(f"bulk-import again: {c['imported']} imported, {c['skipped']} skipped, {c['failed']} failed, "
      f"{r['elapsed_secs']:.1f} s")
PY
faces=$("$BIN" -q status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["collection"]["faces"])')
db="$FACECTL_DATA_DIR/facectl.db"
size=$(stat -c %s "$db")
echo "search latency with $faces faces: $(time_search) (best of 5, process start to output)"
echo "database: $size bytes for $faces faces = $(( size / (faces > 0 ? faces : 1) )) bytes/face"

# Synthetic face prints (same model fingerprint) up to $1 faces, by the collection scale
# benchmark's filler (crates/facectl-collection/examples/scale.rs).
FILL="${CARGO_TARGET_DIR:-target}/release/examples/scale"
fill_to() {
  "$FILL" --fill "$db" "$1"
}
for target in 4000 100000 1000000; do
  fill_to "$target"
  faces=$("$BIN" -q status -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["collection"]["faces"])')
  echo "search latency with $faces faces: $(time_search) (best of 5, process start to output)"
done
