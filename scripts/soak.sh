#!/usr/bin/env bash
# Soak benchmark (not a timed test): concurrent writers on one data dir, kill -9 at random
# moments, then a settling run and doctor. Per round: two bulk-imports of overlapping folders,
# an enroll loop and a delete, one of them killed at random; then every folder imported once
# more in the foreground, `doctor`, and the checks: 0 lost images (indexed without stored
# object), 0 duplicate faces (an image indexed twice), 0 orphans of any kind.
#   scripts/soak.sh [ROUNDS=20] [IMAGES_PER_FOLDER=12]
# Needs a release build (`cargo build --release`) and FACECTL_MODEL_DIR; uses lfw-dev images.
set -euo pipefail
ROUNDS="${1:-20}"
PER="${2:-12}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${FACECTL_BIN:-$ROOT/target/release/facectl}"
LFW="${FACECTL_LFW:-$ROOT/../shared/data/lfw-dev/images}"
: "${FACECTL_MODEL_DIR:?set FACECTL_MODEL_DIR to the models folder}"
[ -x "$BIN" ] || { echo "build first: cargo build --release ($BIN)" >&2; exit 2; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Two overlapping folders: A holds persons 1-12, B persons 7-18 (7-12 in both), at most
# IMAGES_PER_FOLDER photos each.
people=$(ls "$LFW" | sed -n '1,60p')
mkfolder() { # name first last
  local n=0
  for p in $(echo "$people" | sed -n "$2,$3p"); do
    mkdir -p "$WORK/$1/$p"
    for f in $(ls "$LFW/$p" | sed -n '1,3p'); do
      cp "$LFW/$p/$f" "$WORK/$1/$p/"
      n=$((n + 1))
      [ "$n" -ge "$PER" ] && return 0
    done
  done
  return 0
}
mkfolder A 1 12
mkfolder B 7 18
ENROLL="$(find "$WORK/A" -name '*.jpg' | sort | sed -n 1p)"

lost=0 dup=0 orphans=0 killed=0
for round in $(seq 1 "$ROUNDS"); do
  export FACECTL_DATA_DIR="$WORK/data-$round"
  "$BIN" -q provision >/dev/null
  "$BIN" -q bulk-import "$WORK/A" --jobs 2 >/dev/null 2>&1 &
  a=$!
  "$BIN" -q bulk-import "$WORK/B" --jobs 2 >/dev/null 2>&1 &
  b=$!
  ( for _ in 1 2 3; do "$BIN" -q enroll "$ENROLL" --name "Soak Enroll" >/dev/null 2>&1 || true; done ) &
  e=$!
  "$BIN" -q delete --person "Soak Enroll" --yes >/dev/null 2>&1 || true
  sleep "0.$((RANDOM % 9 + 1))"
  victim=$(printf '%s\n' "$a" "$b" "$e" | shuf -n 1)
  kill -9 "$victim" 2>/dev/null && killed=$((killed + 1)) || true
  wait "$a" "$b" "$e" 2>/dev/null || true
  # Settle: everything once more in the foreground, then doctor.
  "$BIN" -q bulk-import "$WORK/A" >/dev/null 2>&1 || true
  "$BIN" -q bulk-import "$WORK/B" >/dev/null 2>&1 || true
  report="$("$BIN" doctor --output json)"
  faces="$("$BIN" list faces --output json)"
  read -r l o < <(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print(len(d["missing_objects"]), len(d["orphan_faces"]) + len(d["dangling_records"]) + len(d["orphan_objects"]) + len(d["pending_images"]))
' "$report")
  d="$(python3 -c '
import json, sys, collections
c = collections.Counter(f["image_hash"] for f in json.loads(sys.argv[1]))
print(sum(n - 1 for n in c.values() if n > 1))
' "$faces")"
  lost=$((lost + l)) orphans=$((orphans + o)) dup=$((dup + d))
  echo "round $round: lost $l, duplicate faces $d, orphans $o"
done
echo "rounds $ROUNDS, kill -9 $killed: lost images $lost, duplicate faces $dup, orphans $orphans"
[ "$lost" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$orphans" -eq 0 ]
