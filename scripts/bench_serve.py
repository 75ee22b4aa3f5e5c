#!/usr/bin/env python3
"""Bounded load test of `facectl serve`: search from 1, 4 and 16 concurrent clients, through the
Rekognition endpoint (SearchFacesByImage, boto3) and the REST API (POST /api/v1/search, multipart).

Usage (with the moto venv's python, which has boto3; `scripts/moto.sh install` makes it):

    $HOME/.cache/facectl-moto-venv/bin/python scripts/bench_serve.py \\
        [--bin PATH] [--model-dir DIR] [--levels 1,4,16] [--requests 200] [--seconds 30] \\
        [--image examples/images/obama2.jpg] [--workers N] [--warmup 3] [--api both]

    --bin        facectl binary (default: $CARGO_TARGET_DIR/debug/facectl, else
                 ~/.cache/facectl-target/debug/facectl); pass the release build for real numbers:
                 --bin ~/.cache/facectl-target/release/facectl
    --model-dir  YuNet/SFace models (default: $FACECTL_MODEL_DIR, else ../shared/models)
    --levels     concurrent clients per level, comma-separated (threads, one boto3 client each)
    --requests   at most this many requests per level ...
    --seconds    ... and at most this long per level (whichever ends first)
    --workers    passed to `facectl serve --workers` (concurrent engine computations)
    --api        rekognition, rest or both (default): which interface to measure

It starts `facectl serve --listen 127.0.0.1:0 --in-memory` itself, indexes four example faces
(obama, biden, grace_hopper, two_people) into a fresh collection (and registers the same four
photos as persons for the REST API), checks that the probe image finds the obama face, and then
measures. Every answer is checked (a probe that stops finding its face
counts as an error). Prints a markdown table: requests, errors, requests/second, p50/p99 latency.
The server is stopped at the end (also on Ctrl-C).
"""

import argparse
import http.client
import json
import math
import urllib.parse
import uuid
import os
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from botocore.config import Config

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def default_bin():
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/facectl-target")
    return os.path.join(target, "debug", "facectl")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100.0 * len(sorted_values)) - 1))
    return sorted_values[k]


def start_server(binary, model_dir, workers):
    home = tempfile.mkdtemp(prefix="facectl-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FACECTL_"))}
    env.update(
        {
            "FACECTL_MODEL_DIR": model_dir,
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "FACECTL_DATA_DIR": os.path.join(home, "data"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    cmd = [binary, "-q", "serve", "--listen", "127.0.0.1:0", "--in-memory"]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    url = proc.stdout.readline().decode().strip()
    if not url.startswith("http://"):
        proc.kill()
        proc.wait()
        sys.exit(f"{' '.join(cmd)} did not print its URL (got {url!r}; exit {proc.poll()})")
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, url


def client(url, pool):
    return boto3.session.Session().client(
        "rekognition",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=pool, read_timeout=300),
    )


def rest_form(fields, files):
    boundary = "bench" + uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields]
    for field, name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n\r\n'.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Rest:
    """One keep-alive connection to the REST API."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.host, self.port = u.hostname, u.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def post(self, path, fields=(), files=()):
        body, ct = rest_form(fields, files)
        self.conn.request("POST", path, body=body, headers={"Content-Type": ct, "Host": f"127.0.0.1:{self.port}"})
        resp = self.conn.getresponse()
        data = json.loads(resp.read())
        if resp.status >= 300:
            raise RuntimeError(f"{path}: {resp.status} {data}")
        return data

    def search(self, probe):
        out = self.post("/api/v1/search", [("largest", "true"), ("max_matches", "1")], [("photo", "probe.jpg", probe)])
        faces = out["faces"]
        return faces[0]["matches"][0]["person"]["person_id"] if faces and faces[0]["matches"] else None


def run_level(url, clients, collection, probe, want_face, max_requests, seconds, api="rekognition"):
    lock = threading.Lock()
    state = {"left": max_requests, "errors": 0}
    latencies = []
    deadline = time.monotonic() + seconds
    first_error = []

    def worker():
        rek = client(url, 2) if api == "rekognition" else Rest(url)
        image = {"Bytes": probe}
        while True:
            with lock:
                if state["left"] <= 0 or time.monotonic() >= deadline:
                    return
                state["left"] -= 1
            t0 = time.perf_counter()
            ok = False
            try:
                if api == "rekognition":
                    out = rek.search_faces_by_image(CollectionId=collection, Image=image, MaxFaces=1)
                    got = [m["Face"]["FaceId"] for m in out["FaceMatches"]]
                    ok = got == [want_face]
                else:
                    got = rek.search(probe)
                    ok = got == want_face
                if not ok and not first_error:
                    first_error.append(f"unexpected matches: {got}")
            except Exception as e:  # noqa: BLE001 - every failure is counted and the first shown
                if not first_error:
                    first_error.append(repr(e))
            dt = time.perf_counter() - t0
            with lock:
                if ok:
                    latencies.append(dt)
                else:
                    state["errors"] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "clients": clients,
        "ok": len(latencies),
        "errors": state["errors"],
        "wall": wall,
        "rps": len(latencies) / wall if wall > 0 else 0.0,
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "first_error": first_error[0] if first_error else "",
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=default_bin())
    ap.add_argument("--model-dir", default=os.environ.get("FACECTL_MODEL_DIR") or os.path.join(REPO, "..", "shared", "models"))
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--image", default=os.path.join(REPO, "examples", "images", "obama2.jpg"))
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--api", default="both", choices=["rekognition", "rest", "both"])
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    if not os.path.isfile(args.bin):
        sys.exit(f"no facectl binary at {args.bin} (build it, or pass --bin)")
    if args.requests < 1 or args.seconds <= 0 or not levels or min(levels) < 1:
        sys.exit("--requests, --seconds and --levels must be positive")

    proc, url = start_server(args.bin, os.path.abspath(args.model_dir), args.workers)
    try:
        rek = client(url, 4)
        collection = "bench"
        rek.create_collection(CollectionId=collection)
        faces = {}
        for name in ("obama.jpg", "biden.jpg", "grace_hopper.jpg", "two_people.jpg"):
            with open(os.path.join(REPO, "examples", "images", name), "rb") as f:
                out = rek.index_faces(CollectionId=collection, Image={"Bytes": f.read()}, ExternalImageId=name[:-4])
            for r in out["FaceRecords"]:
                faces.setdefault(name, r["Face"]["FaceId"])
        with open(args.image, "rb") as f:
            probe = f.read()
        # The face the probe must find: its best match now (obama for the default probe).
        best = rek.search_faces_by_image(CollectionId=collection, Image={"Bytes": probe}, MaxFaces=1)
        if not best["FaceMatches"]:
            sys.exit(f"the probe {args.image} matches no indexed face; pick another --image")
        want = best["FaceMatches"][0]["Face"]["FaceId"]
        for _ in range(args.warmup):
            rek.search_faces_by_image(CollectionId=collection, Image={"Bytes": probe}, MaxFaces=1)

        apis = ["rekognition", "rest"] if args.api == "both" else [args.api]
        want_person = None
        if "rest" in apis:
            rest = Rest(url)
            for name in ("obama.jpg", "biden.jpg", "grace_hopper.jpg", "two_people.jpg"):
                with open(os.path.join(REPO, "examples", "images", name), "rb") as f:
                    rest.post("/api/v1/persons", [("name", name[:-4])], [("photo", name, f.read())])
            want_person = rest.search(probe)
            if want_person is None:
                sys.exit(f"the probe {args.image} matches no registered person; pick another --image")
            for _ in range(args.warmup):
                rest.search(probe)
        build = "release" if "/release/" in args.bin else "debug" if "/debug/" in args.bin else args.bin
        notes = []
        for api in apis:
            what = "SearchFacesByImage (boto3)" if api == "rekognition" else "POST /api/v1/search (multipart, keep-alive)"
            print(
                f"\nfacectl serve bench: {os.path.basename(args.bin)} ({build}), "
                f"{len(faces)} indexed images, probe {os.path.basename(args.image)} ({len(probe)} bytes), "
                f"{what}, up to {args.requests} requests or {args.seconds:g} s per level, "
                f"{os.cpu_count()} CPUs\n"
            )
            print("| clients | requests | errors | seconds | requests/s | p50 ms | p99 ms |")
            print("|---:|---:|---:|---:|---:|---:|---:|")
            for n in levels:
                target = want if api == "rekognition" else want_person
                r = run_level(url, n, collection, probe, target, args.requests, args.seconds, api)
                print(
                    f"| {r['clients']} | {r['ok']} | {r['errors']} | {r['wall']:.1f} | {r['rps']:.2f} "
                    f"| {r['p50']:.0f} | {r['p99']:.0f} |",
                    flush=True,
                )
                if r["first_error"]:
                    notes.append(f"{api}, {n} clients, first error: {r['first_error']}")
        for note in notes:
            print(f"\n{note}")
        return 1 if notes else 0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
