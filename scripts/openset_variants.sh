#!/usr/bin/env bash
# Search-score variants on lfw-dev's open-set protocol, from face prints (no search code path):
# the scoring facectl uses (cohort normalisation + gallery calibration over faces) against
# calibration over persons, per-person mean templates, max of face and template, and a
# runner-up penalty. Answers "would another way of scoring the same model separate strangers
# from enrolled people better?" in seconds, so the open_set example need not be rerun per idea.
#   scripts/openset_variants.sh [FACECTL_EVAL_BIN] [STRANGERS_EVERY] [SIZES]
# Face prints come from `facectl-eval embed` (cached under ~/.cache/facectl-openset); numpy and
# scipy from a venv there. Split and order follow crates/facectl-local/examples/open_set.rs;
# enrolled faces are the largest passing face of each photo, so gallery sizes differ a little.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL="${1:-${CARGO_TARGET_DIR:-target}/release/facectl-eval}"
EVERY="${2:-5}"
SIZES="${3:-300,1000,3100}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/facectl-openset"
mkdir -p "$CACHE"
export FACECTL_MODEL_DIR="${FACECTL_MODEL_DIR:-$(cd ../shared/models && pwd)}"
[ -x "$CACHE/venv/bin/python" ] || { python3 -m venv "$CACHE/venv" && "$CACHE/venv/bin/pip" install -q numpy scipy; }
for set in lfw-dev/images wider-dev; do
  out="$CACHE/${set%%/*}.jsonl"
  [ -s "$out" ] || "$EVAL" embed --data "../shared/data/$set" --out "$out"
done
exec "$CACHE/venv/bin/python" - "$CACHE/lfw-dev.jsonl" "$CACHE/wider-dev.jsonl" "$EVERY" "$SIZES" <<'PY'
import hashlib, json, sys
import numpy as np
from scipy.stats import norm

lfw_path, wider_path, every, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# crates/facectl-engine/src/matching.rs
MU0, SD0, PRIOR = 0.0857, 0.0888, 100.0
KNOTS = ([-1.0, 0.0, 0.3244, 0.4150, 1.0], [0.0, 50.0, 80.0, 90.0, 100.0])
THRESHOLDS = [70, 75, 78, 80, 82, 85, 90]

def similarity(c):
    return float(np.interp(np.clip(c, -1, 1), *KNOTS))

def load(path):
    return {r["path"]: r.get("faces") or [] for r in map(json.loads, open(path))}

def unit(f):
    e = np.asarray(f["embedding"], dtype=np.float64)
    return e / np.linalg.norm(e)

def largest(faces, passing):
    faces = [f for f in faces if not passing or not f["issues"]]
    if not faces:
        return None
    return unit(max(faces, key=lambda f: f["bbox"]["width"] * f["bbox"]["height"]))

def sha(s):
    return hashlib.sha256(s.encode()).digest()

lfw, wider = load(lfw_path), load(wider_path)
people = {}
for p in lfw:
    people.setdefault(p.split("/")[0], []).append(p)
units, mated, strangers = [], [], []
for name in sorted(people):
    photos = sorted(people[name])
    if sha(name)[0] % every == 0:
        strangers += photos
        continue
    if len(photos) >= 2:
        mated.append((name, photos.pop()))
    units.append((name, [largest(lfw[p], True) for p in photos]))
k = 0
for p in sorted(wider):
    for f in wider[p]:
        if not f["issues"]:
            units.append((f"distractor_{k}", [unit(f)]))
            k += 1
units.sort(key=lambda u: sha(u[0]))

def cohort(cos):
    n, m = len(cos), np.median(cos)
    s = 1.4826 * np.median(np.abs(cos - m))
    mean = (n * m + PRIOR * MU0) / (n + PRIOR)
    sd = np.sqrt((n * s * s + PRIOR * SD0 * SD0) / (n + PRIOR))
    return lambda c: MU0 + SD0 * (c - mean) / sd

def gallery(c, n):
    if n <= 1:
        return c
    l = n * norm.logcdf((c - MU0) / SD0)
    return MU0 + SD0 * norm.ppf(np.exp(l)) if l > -700 else -1.0

def person_max(cos, inv, persons):
    m = np.full(persons, -2.0)
    np.maximum.at(m, inv, cos)
    return m

def faces(g):       # what facectl does: best face, calibrated for the number of faces
    i = int(np.argmax(g.cos))
    return g.names[g.inv[i]], similarity(gallery(g.norm(g.cos[i]), len(g.cos)))

def faces_persons(g):  # the same, calibrated for the number of persons
    i = int(np.argmax(g.cos))
    return g.names[g.inv[i]], similarity(gallery(g.norm(g.cos[i]), len(g.names)))

def template(g):    # one mean face print per person
    tc = g.templates @ g.q
    i = int(np.argmax(tc))
    return g.names[i], similarity(gallery(cohort(tc)(tc[i]), len(g.names)))

def fused(g):       # per person, the better of best face and template
    sc = np.maximum(person_max(g.cos, g.inv, len(g.names)), g.templates @ g.q)
    i = int(np.argmax(sc))
    return g.names[i], similarity(gallery(g.norm(sc[i]), len(g.cos)))

def runner_up(g):   # best person, less half of how far the second person also reaches
    pm = person_max(g.cos, g.inv, len(g.names))
    order = np.argsort(-pm)
    s1 = gallery(g.norm(pm[order[0]]), len(g.cos))
    s2 = gallery(g.norm(pm[order[min(1, len(order) - 1)]]), len(g.cos))
    return g.names[order[0]], similarity(s1 - 0.5 * max(0.0, s2 - 0.30))

VARIANTS = [faces, faces_persons, template, fused, runner_up]

class Probe:
    pass

def rates(r, t, nm, ns):
    fp = sum(1 for want, who, s in r if want is None and s >= t) / ns * 100
    fn = 100 - sum(1 for want, who, s in r if want and who == want and s >= t) / nm * 100
    return fp, fn

G, L, nxt = [], [], 0
for size in [int(s) for s in sizes.split(",")] + [10**9]:
    while nxt < len(units) and len(G) < size:
        name, prints = units[nxt]
        nxt += 1
        for e in prints:
            if e is not None:
                G.append(e)
                L.append(name)
    g = Probe()
    gm = np.array(G)
    g.names, g.inv = np.unique(np.array(L), return_inverse=True)
    g.templates = np.zeros((len(g.names), gm.shape[1]))
    np.add.at(g.templates, g.inv, gm)
    g.templates /= np.linalg.norm(g.templates, axis=1, keepdims=True)
    enrolled = set(L)
    probes = [(n, p) for n, p in mated if n in enrolled] + [(None, p) for p in strangers]
    results = {v.__name__: [] for v in VARIANTS}
    for want, path in probes:
        g.q = largest(lfw[path], False)
        if g.q is None:
            for r in results.values():
                r.append((want, None, 0.0))
            continue
        g.cos = gm @ g.q
        g.norm = cohort(g.cos)
        for v in VARIANTS:
            results[v.__name__].append((want,) + v(g))
    nm = sum(1 for n, _ in probes if n)
    ns = len(probes) - nm
    print(f"\n### {len(G)} faces, {len(g.names)} people: {nm} mated probes, {ns} stranger photos\n")
    print("| variant | " + " | ".join(f"{t}" for t in THRESHOLDS) + " | FPIR = FNIR |")
    print("|---|" + "---|" * (len(THRESHOLDS) + 1))
    for name, r in results.items():
        cells = ["%.2f / %.2f" % rates(r, t, nm, ns) for t in THRESHOLDS]
        eer = min((abs(fp - fn), t, fp, fn) for t in np.arange(40, 100, 0.1)
                  for fp, fn in [rates(r, t, nm, ns)])
        print(f"| {name} | " + " | ".join(cells) + f" | {eer[1]:.1f}: {(eer[2] + eer[3]) / 2:.2f} % |")
    if nxt >= len(units):
        break
PY
