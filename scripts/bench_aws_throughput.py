#!/usr/bin/env python3
"""Throughput benchmark of `facectl bulk-import` on the aws backend under a Rekognition quota.

Usage (with the venv of scripts/moto.sh, which has boto3 and moto):
    ~/.cache/facectl-moto-venv/bin/python scripts/bench_aws_throughput.py \
        [--bin target/release/facectl] [--images 1000] [--tps 50] [--latency-ms 150] \
        [--jobs 16] [--baseline 100] [--watch 300]

It starts, on loopback:
  * moto_server for S3 and DynamoDB (real protocol, Python);
  * a Rekognition stub (this file) that answers every call after --latency-ms and enforces a
    per-operation quota of --tps requests/second (token bucket, 1 s of burst), answering
    ProvisionedThroughputExceededException above it, like the service;
then bulk-imports --images generated photos (unique content, 10 per person folder) with
`facectl --backend aws bulk-import --jobs N --tps T`, and runs the tutorials' sequential loop
(put_object, index_faces, put_item, one image at a time, boto3) on --baseline images for
comparison. Prints a markdown table. The stub makes this measure facectl's client side
(concurrency, rate limiting, backoff), not face detection.
"""
import argparse
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on port {port}")


def png(seed, size=120):
    """A unique size x size RGB PNG (stdlib only)."""
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            v = (x * 31 + y * 17 + seed * 7919) & 0xFFFFFF
            row += bytes([(v >> 16) & 255, (v >> 8) & 255, v & 255])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


class Stub:
    """Rekognition stub state: collections, quota buckets, counters."""

    def __init__(self, tps, latency):
        self.tps, self.latency = tps, latency
        self.lock = threading.Lock()
        self.buckets = {}
        self.collections = {}
        self.accepted = {}
        self.throttled = 0
        self.store_calls = 0
        # Which stored object each face was indexed from (to find a photo indexed twice).
        self.face_keys = {}
        self.first = self.last = None

    def take(self, op):
        with self.lock:
            now = time.monotonic()
            tokens, last = self.buckets.get(op, (self.tps, now))
            tokens = min(self.tps, tokens + (now - last) * self.tps)
            if tokens >= 1:
                self.buckets[op] = (tokens - 1, now)
                self.accepted[op] = self.accepted.get(op, 0) + 1
                if op == "IndexFaces":
                    self.first = self.first or now
                    self.last = now
                return True
            self.buckets[op] = (tokens, now)
            self.throttled += 1
            return False

    def answer(self, op, body):
        cid = body.get("CollectionId")
        if op == "CreateCollection":
            if cid in self.collections:
                return 400, {"__type": "ResourceAlreadyExistsException", "Message": cid}
            self.collections[cid] = {}
            return 200, {"StatusCode": 200, "CollectionArn": f"aws:rekognition:us-east-1:0:collection/{cid}",
                         "FaceModelVersion": "7.0"}
        if cid is not None and cid not in self.collections and op != "CreateCollection":
            return 400, {"__type": "ResourceNotFoundException", "Message": f"{cid} does not exist"}
        faces = self.collections.get(cid, {})
        if op == "DescribeCollection":
            return 200, {"FaceCount": len(faces), "FaceModelVersion": "7.0",
                         "CollectionARN": f"aws:rekognition:us-east-1:0:collection/{cid}",
                         "CreationTimestamp": 0}
        if op == "IndexFaces":
            fid = str(uuid.uuid4())
            face = {"FaceId": fid, "ImageId": str(uuid.uuid4()), "Confidence": 99.9,
                    "ExternalImageId": body.get("ExternalImageId"),
                    "BoundingBox": {"Width": 0.5, "Height": 0.6, "Left": 0.25, "Top": 0.2}}
            with self.lock:
                faces[fid] = face
                self.face_keys[fid] = (body.get("Image", {}).get("S3Object") or {}).get("Name")
            detail = {"BoundingBox": face["BoundingBox"], "Confidence": 99.9}
            return 200, {"FaceRecords": [{"Face": face, "FaceDetail": detail}], "UnindexedFaces": [],
                         "FaceModelVersion": "7.0"}
        if op == "ListFaces":
            return 200, {"Faces": list(faces.values()), "FaceModelVersion": "7.0"}
        if op == "DeleteFaces":
            gone = [f for f in body.get("FaceIds", []) if faces.pop(f, None)]
            return 200, {"DeletedFaces": gone}
        return 400, {"__type": "UnknownOperationException", "Message": op}


def serve_stub(stub, port):
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, data, ctype="application/x-amz-json-1.1", extra=()):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for k, v in extra:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_PUT(self):
            # --stores stub: S3 PutObject (and bucket settings) accepted and dropped.
            n = int(self.headers.get("Content-Length", 0))
            self.rfile.read(n)
            with stub.lock:
                stub.store_calls += 1
            self.reply(200, b"", "application/xml", [("ETag", '"%s"' % uuid.uuid4().hex)])

        def do_POST(self):
            n = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(n) or b"{}")
            target = self.headers.get("X-Amz-Target", "")
            op = target.split(".")[-1]
            if target.startswith("DynamoDB_"):
                # --stores stub: no item exists yet, every write succeeds.
                with stub.lock:
                    stub.store_calls += 1
                out = {"Query": {"Items": [], "Count": 0, "ScannedCount": 0},
                       "Scan": {"Items": [], "Count": 0, "ScannedCount": 0},
                       "BatchGetItem": {"Responses": {}, "UnprocessedKeys": {}}}.get(op, {})
                self.reply(200, json.dumps(out).encode(), "application/x-amz-json-1.0")
                return
            if not stub.take(op):
                status, out = 400, {"__type": "ProvisionedThroughputExceededException",
                                    "Message": "Provisioned rate exceeded"}
            else:
                time.sleep(stub.latency)
                status, out = stub.answer(op, body)
            data = json.dumps(out).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    srv = ThreadingHTTPServer(("127.0.0.1", port), H)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    ap.add_argument("--bin", default=os.path.join(target, "release", "facectl"))
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--tps", type=float, default=50)
    ap.add_argument("--latency-ms", type=float, default=150)
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--baseline", type=int, default=100)
    ap.add_argument("--watch", type=int, default=0, metavar="N",
                    help="also upload N photos under uploads/ (tutorial metadata) after "
                         "`provision --trigger` and time `facectl watch --once` draining them "
                         "(needs --stores moto: its S3 sends the notifications to its SQS)")
    ap.add_argument("--stores", choices=["moto", "stub"], default="moto",
                    help="S3 and DynamoDB from moto (real protocol, CPU-bound Python) or answered "
                         "by the stub (accept-and-drop: measures the client alone)")
    a = ap.parse_args()
    venv = os.path.dirname(sys.executable)
    # One moto process per service: moto is CPU-bound (one core each), the stub is not.
    s3_port, ddb_port, rek_port = free_port(), free_port(), free_port()
    motos = [subprocess.Popen([os.path.join(venv, "moto_server"), "-H", "127.0.0.1", "-p", str(p)],
                              stdout=subprocess.DEVNULL,
                              stderr=open(os.environ["BENCH_MOTO_LOG"] + str(p), "w") if os.environ.get("BENCH_MOTO_LOG") else subprocess.DEVNULL)
             for p in (s3_port, ddb_port)]
    stub = Stub(a.tps, a.latency_ms / 1000)
    serve_stub(stub, rek_port)
    wait_port(s3_port)
    wait_port(ddb_port)
    s3_url, ddb_url = f"http://127.0.0.1:{s3_port}", f"http://127.0.0.1:{ddb_port}"
    rek_url = f"http://127.0.0.1:{rek_port}"
    store_s3, store_ddb = (rek_url, rek_url) if a.stores == "stub" else (s3_url, ddb_url)
    work = tempfile.mkdtemp(prefix="facectl-bench-aws-")
    try:
        photos = os.path.join(work, "photos")
        for i in range(a.images):
            d = os.path.join(photos, f"Person_{i // 10:04d}")
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{i % 10}.png"), "wb") as f:
                f.write(png(i))
        env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
                   AWS_REGION="us-east-1", HOME=work, FACECTL_DATA_DIR=os.path.join(work, "data"))
        common = [a.bin, "--backend", "aws", "--bucket", "bench-faces", "--s3-endpoint-url", store_s3,
                  "--dynamodb-endpoint-url", store_ddb, "--rekognition-endpoint-url", rek_url, "--force-path-style", "-q"]
        if a.stores == "moto":
            subprocess.run(common + ["provision"], env=env, check=True, stdout=subprocess.DEVNULL)
        else:
            stub.collections["facectl"] = {}
        t0 = time.monotonic()
        out = subprocess.run([c for c in common if c != "-q"] + ["--tps", str(a.tps), "--output", "json", "bulk-import", photos,
                                       "--jobs", str(a.jobs)], env=env, capture_output=True, text=True)
        wall = time.monotonic() - t0
        if out.returncode not in (0, 1):
            sys.exit(f"bulk-import failed ({out.returncode}): {out.stderr[-20000:]}")
        report = json.loads(out.stdout)
        counts = report.get("counts", report)
        index_calls = stub.accepted.get("IndexFaces", 0)
        span = (stub.last - stub.first) if stub.first and stub.last and index_calls > 1 else wall
        sustained = (index_calls - 1) / span if span > 0 else 0.0
        # The tutorials' loop: one image at a time.
        s3 = boto3.client("s3", endpoint_url=store_s3, region_name="us-east-1",
                          aws_access_key_id="bench", aws_secret_access_key="bench")
        rek = boto3.client("rekognition", endpoint_url=rek_url, region_name="us-east-1",
                           aws_access_key_id="bench", aws_secret_access_key="bench")
        ddb = boto3.client("dynamodb", endpoint_url=store_ddb, region_name="us-east-1",
                           aws_access_key_id="bench", aws_secret_access_key="bench")
        s3.create_bucket(Bucket="tutorial")
        rek.create_collection(CollectionId="tutorial")
        ddb.create_table(TableName="tutorial", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "RekognitionId", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "RekognitionId", "KeyType": "HASH"}])
        files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(photos) for f in fs)[: a.baseline]
        t1 = time.monotonic()
        for p in files:
            key = "index/" + os.path.relpath(p, photos)
            with open(p, "rb") as f:
                s3.put_object(Bucket="tutorial", Key=key, Body=f.read(),
                              Metadata={"FullName": os.path.basename(os.path.dirname(p))})
            r = rek.index_faces(CollectionId="tutorial", Image={"S3Object": {"Bucket": "tutorial", "Name": key}})
            for rec in r["FaceRecords"]:
                ddb.put_item(TableName="tutorial", Item={
                    "RekognitionId": {"S": rec["Face"]["FaceId"]},
                    "FullName": {"S": os.path.basename(os.path.dirname(p))}})
        seq = len(files) / (time.monotonic() - t1)
        watch_line = None
        if a.watch and a.stores == "moto":
            wenv = dict(env, AWS_ENDPOINT_URL_SQS=s3_url)
            subprocess.run(common + ["provision", "--trigger"], env=wenv, check=True,
                           stdout=subprocess.DEVNULL)
            for i in range(a.watch):
                s3.put_object(Bucket="bench-faces", Key=f"uploads/w{i:05d}.png",
                              Body=png(10_000_000 + i), Metadata={"FullName": f"Upload {i // 10:04d}"})
            before = stub.accepted.get("IndexFaces", 0)
            faces_before = set(stub.collections.get("facectl", {}))
            t2 = time.monotonic()
            # Without -q: every message left for another try is a Note on stderr, with its reason.
            loud = [c for c in common if c != "-q"]
            out = subprocess.run(loud + ["--tps", str(a.tps), "--output", "json", "watch", "--once",
                                         "--jobs", str(a.jobs)], env=wenv, capture_output=True, text=True)
            wall_w = time.monotonic() - t2
            if os.environ.get("BENCH_WATCH_LOG"):
                with open(os.environ["BENCH_WATCH_LOG"], "w") as f:
                    f.write(out.stderr)
            if out.returncode not in (0, 1):
                sys.exit(f"watch failed ({out.returncode}): {out.stderr[-2000:]}")
            wr = json.loads(out.stdout)
            indexed = stub.accepted.get("IndexFaces", 0) - before
            # Why messages came back: the reasons watch gave, with the key and hash taken out.
            reasons = {}
            for line in out.stderr.splitlines():
                for marker in ("left on the queue for another try", "could not update the queue"):
                    if marker in line:
                        why = line.split(marker, 1)[1]
                        why = re.sub(r"uploads/\S+", "<key>", why)
                        why = re.sub(r"\b[0-9a-f]{64}\b", "<hash>", why)
                        why = re.sub(r"(in \d+ s )?\(receive \d+\)", "", why)
                        reasons[marker + why] = reasons.get(marker + why, 0) + 1
            # Each upload indexed exactly once: new faces, and stored objects with several faces.
            faces_now = stub.collections.get("facectl", {})
            new_faces = [f for f in faces_now if f not in faces_before]
            per_key = {}
            for f in faces_now:
                per_key[stub.face_keys.get(f)] = per_key.get(stub.face_keys.get(f), 0) + 1
            twice = sum(1 for k, n in per_key.items() if n > 1)
            doc = subprocess.run(common + ["--output", "json", "doctor"], env=wenv,
                                 capture_output=True, text=True)
            try:
                d = json.loads(doc.stdout)
                problems = {k: len(d.get(k) or []) for k in ("orphan_faces", "dangling_records", "orphan_objects",
                                                             "missing_objects", "pending_images")
                            if d.get(k)}
                verdict = "clean" if not problems else json.dumps(problems)
            except ValueError:
                verdict = f"doctor failed ({doc.returncode}): {doc.stderr[-500:]}"
            # The stores themselves, beside doctor: image records by status, face records whose
            # face is not in the collection, indexed images whose stored object is gone.
            statuses, records, dangling, missing = {}, 0, 0, 0
            stored = set()
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="bench-faces"):
                stored.update(o["Key"] for o in page.get("Contents", []))
            for page in ddb.get_paginator("scan").paginate(TableName="facectl-faces"):
                for it in page["Items"]:
                    if it["FaceId"]["S"].startswith("image#"):
                        st = it.get("Status", {}).get("S", "?")
                        statuses[st] = statuses.get(st, 0) + 1
                        key = it.get("ImageKey", {}).get("S")
                        if st == "indexed" and key and not any(k.endswith(key) for k in stored):
                            missing += 1
                    else:
                        records += 1
                        dangling += it["FaceId"]["S"] not in faces_now
            watch_line_stores = (f"| stores after watch: image records / face records / records without "
                                 f"their face / indexed images without their object | {json.dumps(statuses)} / "
                                 f"{records} / {dangling} / {missing} |")
            watch_line = (f"| facectl watch --once --jobs {a.jobs} --tps {a.tps:g}, {a.watch} uploads | "
                          f"{wall_w:.1f} s, {a.watch / wall_w:.1f} uploads/s ({indexed} IndexFaces; "
                          f"{json.dumps(wr.get('counts'))}, {wr.get('messages')} messages received, "
                          f"{wr.get('rejected')} rejected, {wr.get('retried')} tries left for another, "
                          f"{wr.get('left')} messages not back before the end; includes the "
                          f"final 2 s empty poll) |\n"
                          f"| watch: faces added / stored objects with more than one face / doctor | "
                          f"{len(new_faces)} / {twice} / {verdict} |")
            watch_line += "\n" + watch_line_stores
            for why, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
                watch_line += f"\n| watch: {n} x | {why.strip()} |"
        rate = a.images / wall
        print(f"| setting | value |\n|---|---|")
        print(f"| images | {a.images} |")
        print(f"| S3 + DynamoDB | {a.stores} |")
        print(f"| quota / latency | {a.tps:g} TPS per operation / {a.latency_ms:g} ms |")
        print(f"| facectl bulk-import --jobs {a.jobs} --tps {a.tps:g} | {wall:.1f} s, {rate:.1f} img/s end to end |")
        print(f"| IndexFaces sustained (first to last call) | {sustained:.1f}/s = {100 * sustained / a.tps:.1f} % of quota |")
        print(f"| outcome | {json.dumps(counts)} |")
        print(f"| throttled answers (ProvisionedThroughputExceeded) | {stub.throttled} |")
        print(f"| sequential tutorial loop ({len(files)} images) | {seq:.2f} img/s |")
        print(f"| ratio facectl / sequential | {rate / seq:.1f}x |")
        if watch_line:
            print(watch_line)
    finally:
        for m in motos:
            m.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
