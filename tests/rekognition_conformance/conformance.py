#!/usr/bin/env python3
"""Conformance suite for `facectl serve`: drives the endpoint with boto3 as an application would.

Run with the moto venv's python (it has boto3 and moto[server]; `scripts/moto.sh install`):

    FACECTL_BIN=$CARGO_TARGET_DIR/debug/facectl FACECTL_MODEL_DIR=../shared/models \\
        $HOME/.cache/facectl-moto-venv/bin/python tests/rekognition_conformance/conformance.py -v

`cargo test --test serve_conformance` does exactly that. Only the standard library and boto3.

What it starts (and kills at the end): a `moto_server` on a free port (S3 for Image.S3Object) and
`facectl serve --listen 127.0.0.1:0 --in-memory --s3-endpoint-url <moto>`; the signature and quota
tests start their own servers with `--require-signature` and `--tps 1`.

Every response passes a strict check against Rekognition's published API model
(`client.meta.service_model`): boto3 clients made here carry a `before-parse` hook, and raw HTTP
requests (for what boto3 refuses to send) go through the same validator. A response body may only
hold members of the operation's output shape, with the modelled types, enums, ranges and patterns;
an error's `__type` must be one of the operation's modelled errors or a common error of the JSON
protocol.

Environment: FACECTL_BIN (required), FACECTL_MODEL_DIR (required), FACECTL_SHARED_DATA (default:
../shared/data beside the checkout), MOTO_SERVER (default: moto_server beside this python).
"""

import base64
import datetime
import hashlib
import hmac
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.exceptions
from botocore.config import Config

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(REPO, "examples", "images")
SHARED = os.environ.get("FACECTL_SHARED_DATA") or os.path.join(REPO, "..", "shared", "data")
REGION = "us-east-1"

# The endpoint's model for every request this suite makes.
OPERATIONS = [
    "CreateCollection",
    "DescribeCollection",
    "ListCollections",
    "DeleteCollection",
    "IndexFaces",
    "ListFaces",
    "DeleteFaces",
    "SearchFaces",
    "SearchFacesByImage",
    "DetectFaces",
    "CompareFaces",
    "CreateUser",
    "DeleteUser",
    "ListUsers",
    "AssociateFaces",
    "DisassociateFaces",
    "SearchUsers",
    "SearchUsersByImage",
]

# Errors any AWS JSON 1.1 operation may answer that service models do not list.
COMMON_ERRORS = {
    "SerializationException",
    "UnknownOperationException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
}

# Known, deliberate deviations from the model, each (shape name, member) with the reason. None:
# the endpoint reports its engine fingerprint as a numeric FaceModelVersion (`1.<n>`), which
# matches the model's `[0-9\.]+` pattern.
PATTERN_WAIVERS = set()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def example(name):
    return read(os.path.join(EXAMPLES, name))


def shared(*parts):
    path = os.path.join(SHARED, *parts)
    if not os.path.exists(path):
        raise AssertionError(
            f"evaluation data missing: {path} (set FACECTL_SHARED_DATA to the shared data folder)"
        )
    return path


# --------------------------------------------------------------------------------------------
# Response validation against the service model.
# --------------------------------------------------------------------------------------------


class ShapeError(AssertionError):
    """A response that does not match Rekognition's API model."""


_PATTERNS = {}


def _pattern(p):
    if p not in _PATTERNS:
        try:
            _PATTERNS[p] = re.compile(p)
        except re.error as e:
            _PATTERNS[p] = e
    return _PATTERNS[p]


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate_shape(shape, value, path="$", parent=None, member=None):
    """Checks a parsed JSON `value` against a botocore shape, recursively; raises ShapeError."""
    t = shape.type_name
    meta = shape.metadata
    if value is None:
        raise ShapeError(f"{path}: null (members without a value must be left out)")
    if t == "structure":
        if not isinstance(value, dict):
            raise ShapeError(f"{path}: expected an object ({shape.name}), got {type(value).__name__}")
        for key, v in value.items():
            if key not in shape.members:
                raise ShapeError(
                    f"{path}: unknown member {key!r} for {shape.name} (members: {', '.join(shape.members)})"
                )
            validate_shape(shape.members[key], v, f"{path}.{key}", shape.name, key)
        for key in shape.required_members:
            if key not in value:
                raise ShapeError(f"{path}: required member {key!r} of {shape.name} missing")
    elif t == "list":
        if not isinstance(value, list):
            raise ShapeError(f"{path}: expected a list ({shape.name}), got {type(value).__name__}")
        # No check of a list's `min`: list shapes are shared with requests, where `min` is an
        # input constraint (FaceIdList, min 1, is also DeleteFaces' DeletedFaces, which
        # Rekognition answers as [] when no face was deleted).
        if "max" in meta and len(value) > meta["max"]:
            raise ShapeError(f"{path}: {len(value)} items, more than {meta['max']}")
        for i, v in enumerate(value):
            validate_shape(shape.member, v, f"{path}[{i}]", parent, member)
    elif t == "map":
        if not isinstance(value, dict):
            raise ShapeError(f"{path}: expected a map ({shape.name})")
        for k, v in value.items():
            validate_shape(shape.key, k, f"{path}<key {k!r}>", parent, member)
            validate_shape(shape.value, v, f"{path}[{k!r}]", parent, member)
    elif t == "string":
        if not isinstance(value, str):
            raise ShapeError(f"{path}: expected a string ({shape.name}), got {value!r}")
        enum = meta.get("enum")
        if enum and value not in enum:
            raise ShapeError(f"{path}: {value!r} is not in the enum {shape.name} {enum}")
        if "min" in meta and len(value) < meta["min"]:
            raise ShapeError(f"{path}: {value!r} is shorter than {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            raise ShapeError(f"{path}: {value!r} is longer than {meta['max']}")
        if "pattern" in meta and (parent, member) not in PATTERN_WAIVERS:
            rx = _pattern(meta["pattern"])
            if isinstance(rx, re.error):
                raise ShapeError(f"{path}: cannot check pattern {meta['pattern']!r}: {rx}")
            if not rx.fullmatch(value):
                raise ShapeError(
                    f"{path}: {value!r} does not match the pattern of {shape.name}: {meta['pattern']}"
                )
    elif t in ("integer", "long"):
        if not (isinstance(value, int) and not isinstance(value, bool)):
            raise ShapeError(f"{path}: expected an integer ({shape.name}), got {value!r}")
        _check_range(meta, value, path, shape)
    elif t in ("float", "double"):
        if not _is_number(value) or not math.isfinite(value):
            raise ShapeError(f"{path}: expected a number ({shape.name}), got {value!r}")
        _check_range(meta, value, path, shape)
    elif t == "boolean":
        if not isinstance(value, bool):
            raise ShapeError(f"{path}: expected a boolean ({shape.name}), got {value!r}")
    elif t == "timestamp":
        # AWS JSON 1.1 sends timestamps as epoch seconds.
        if not _is_number(value):
            raise ShapeError(f"{path}: expected epoch seconds ({shape.name}), got {value!r}")
    elif t == "blob":
        if not isinstance(value, str):
            raise ShapeError(f"{path}: expected base64 ({shape.name}), got {value!r}")
        try:
            base64.b64decode(value, validate=True)
        except Exception as e:  # noqa: BLE001 - any decoding failure is a shape error
            raise ShapeError(f"{path}: not base64: {e}") from e
    else:
        raise ShapeError(f"{path}: no check for shape type {t} ({shape.name})")


def _check_range(meta, value, path, shape):
    if "min" in meta and value < meta["min"]:
        raise ShapeError(f"{path}: {value} is below the minimum {meta['min']} of {shape.name}")
    if "max" in meta and value > meta["max"]:
        raise ShapeError(f"{path}: {value} is above the maximum {meta['max']} of {shape.name}")


def error_name(type_field):
    """`__type` may be `Name` or `namespace#Name` (and legacy `Name:http://...`)."""
    return type_field.split("#")[-1].split(":")[0]


def validate_response(op_model, status, headers, body):
    """Validates one raw response of `op_model` (None for an unknown operation)."""
    headers = {k.lower(): v for k, v in headers.items()}
    if not headers.get("x-amzn-requestid"):
        raise ShapeError(f"{status} response without an x-amzn-RequestId header")
    ctype = headers.get("content-type", "")
    if not ctype.startswith("application/x-amz-json-1.1"):
        raise ShapeError(f"Content-Type {ctype!r} is not application/x-amz-json-1.1")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ShapeError(f"{status} response body is not JSON: {e}: {body[:200]!r}") from e
    if status == 200:
        if op_model is None:
            raise ShapeError("200 for an unknown operation")
        validate_shape(op_model.output_shape, data, op_model.name)
        return data
    if not isinstance(data, dict) or not isinstance(data.get("__type"), str):
        raise ShapeError(f"{status} error without a string __type: {data!r}")
    name = error_name(data["__type"])
    modelled = {e.name: e for e in op_model.error_shapes} if op_model else {}
    where = op_model.name if op_model else "an unknown operation"
    if name not in modelled and name not in COMMON_ERRORS:
        raise ShapeError(
            f"{where}: error __type {name!r} is neither modelled for it ({sorted(modelled)}) "
            f"nor a common error ({sorted(COMMON_ERRORS)})"
        )
    # botocore's copy of the model leaves the error shapes' members out (Rekognition's are
    # Message, Code, Logref); the JSON protocol always allows `__type` and `Message`/`message`.
    error_shape = modelled.get(name)
    members = set(error_shape.members) if error_shape is not None else set()
    allowed = {"__type", "Message", "message"} | members
    if name in modelled:
        allowed |= {"Code", "Logref"}
    extra = set(data) - allowed
    if extra:
        raise ShapeError(f"{where}!{name}: unknown member(s) {sorted(extra)} in the error body")
    for key in ("Message", "message", "Code", "Logref"):
        if key in data and not isinstance(data[key], str):
            raise ShapeError(f"{where}!{name}: {key} is not a string: {data[key]!r}")
    if error_shape is not None:
        for key in members:
            if key in data:
                validate_shape(error_shape.members[key], data[key], f"{where}!{name}.{key}")
    if name == "InternalServerError":
        if status != 500:
            raise ShapeError(f"InternalServerError with status {status}")
    elif status != 400 and not (status == 413 and name == "ImageTooLargeException"):
        raise ShapeError(f"client error {name} with HTTP status {status} (want 400)")
    return data


class Checker:
    """Counts requests sent and responses validated; the totals must agree at the end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.validated = 0
        self.per_op = {}

    def attach(self, client):
        client.meta.events.register("before-send.rekognition", self._before_send)
        client.meta.events.register("before-parse.rekognition", self._before_parse)
        return client

    def _before_send(self, request, **_):
        with self.lock:
            self.sent += 1

    def _before_parse(self, operation_model, response_dict, **_):
        # Counted as checked whether it passes or not: a failure raises out of the boto3 call.
        try:
            validate_response(
                operation_model,
                response_dict["status_code"],
                dict(response_dict["headers"]),
                response_dict["body"],
            )
        finally:
            self.count(operation_model.name)

    def count(self, op):
        with self.lock:
            self.validated += 1
            self.per_op[op] = self.per_op.get(op, 0) + 1


CHECK = Checker()
SERVICE_MODEL = boto3.session.Session().client(
    "rekognition", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
).meta.service_model


# --------------------------------------------------------------------------------------------
# Processes.
# --------------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout} s")


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


class Serve:
    """A `facectl serve` process; `url` is the first line it prints."""

    def __init__(self, *extra, env=None, global_args=(), listen="127.0.0.1:0"):
        binary = os.environ.get("FACECTL_BIN")
        if not binary or not os.path.isfile(binary):
            raise RuntimeError(f"FACECTL_BIN must name the facectl binary (got {binary!r})")
        if not os.environ.get("FACECTL_MODEL_DIR"):
            raise RuntimeError("FACECTL_MODEL_DIR is not set: point it at the YuNet/SFace models")
        self.home = tempfile.mkdtemp(prefix="facectl-serve-conf-")
        full_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "FACECTL_")) or k in ("FACECTL_MODEL_DIR",)
        }
        full_env.update(
            {
                "HOME": self.home,
                "XDG_CONFIG_HOME": os.path.join(self.home, "config"),
                "XDG_DATA_HOME": os.path.join(self.home, "data"),
                "FACECTL_DATA_DIR": os.path.join(self.home, "facectl"),
                # Its S3 client (moto accepts any key); no instance metadata lookups.
                "AWS_ACCESS_KEY_ID": "conformance",
                "AWS_SECRET_ACCESS_KEY": "conformance",
                "AWS_EC2_METADATA_DISABLED": "true",
                "NO_COLOR": "1",
            }
        )
        full_env.update(env or {})
        self.stderr_path = os.path.join(self.home, "stderr.log")
        self.stderr = open(self.stderr_path, "wb")
        cmd = [binary, *global_args, "serve", "--listen", listen, "--in-memory", *extra]
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=self.stderr, env=full_env, stdin=subprocess.DEVNULL
        )
        line = [None]

        def first_line():
            line[0] = self.proc.stdout.readline().decode().strip()
            # Keep draining so the process never blocks on a full pipe.
            for _ in self.proc.stdout:
                pass

        threading.Thread(target=first_line, daemon=True).start()
        deadline = time.time() + 120
        while line[0] is None and time.time() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
        if not line[0] or not line[0].startswith("http://"):
            self.close()
            raise RuntimeError(
                f"{' '.join(cmd)} did not print its URL (got {line[0]!r}); stderr:\n{self.log()}"
            )
        self.url = line[0]
        parsed = urllib.parse.urlparse(self.url)
        self.host, self.port = parsed.hostname, parsed.port

    def log(self):
        try:
            return read(self.stderr_path).decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def close(self):
        stop(self.proc)
        self.stderr.close()
        shutil.rmtree(self.home, ignore_errors=True)


def rek_client(url, key="conformance", secret="conformance", **config):
    cfg = Config(retries={"total_max_attempts": 1}, **config)
    client = boto3.session.Session().client(
        "rekognition",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=cfg,
    )
    return CHECK.attach(client)


def raw(server, target, body, headers=None, exact=False):
    """POST / outside boto3; the response is validated too. Returns (status, headers, json).
    With `exact`, only `headers` are sent (no default Content-Type / X-Amz-Target)."""
    op = target.split(".", 1)[1] if target and target.startswith("RekognitionService.") else None
    op_model = SERVICE_MODEL.operation_model(op) if op in OPERATIONS else None
    if isinstance(body, str):
        body = body.encode()
    h = {} if exact else {"Content-Type": "application/x-amz-json-1.1"}
    if target is not None and not exact:
        h["X-Amz-Target"] = target
    h.update(headers or {})
    conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
    try:
        conn.request("POST", "/", body=body, headers=h)
        resp = conn.getresponse()
        status, rheaders, rbody = resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()
    data = checked(op_model, status, rheaders, rbody)
    return status, {k.lower(): v for k, v in rheaders.items()}, data


LIST_REQUEST = (
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
    b"X-Amz-Target: RekognitionService.ListCollections\r\nContent-Length: 2\r\n\r\n{}"
)


def exchange(data, wait=10):
    """Sends raw bytes to SERVER; returns (what came back, whether the server closed the
    connection) after the server closes it or stays silent for `wait` seconds."""
    sock = socket.create_connection((SERVER.host, SERVER.port), timeout=wait)
    out = b""
    try:
        sock.sendall(data)
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                return out, False
            except ConnectionResetError:
                return out, True
            if not chunk:
                return out, True
            out += chunk
    finally:
        sock.close()


def checked(op_model, status, headers, body):
    """validate_response for a request made outside boto3, counted like the hook counts."""
    with CHECK.lock:
        CHECK.sent += 1
    try:
        return validate_response(op_model, status, headers, body)
    finally:
        CHECK.count(op_model.name if op_model else "(unknown operation)")


def b64(data):
    return base64.b64encode(data).decode()


def unique(tag):
    return f"conf-{tag}-{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------------------------
# Module fixtures: moto (S3) and the main endpoint.
# --------------------------------------------------------------------------------------------

MOTO = None
MOTO_URL = None
SERVER = None


def start_moto():
    """A moto_server on a free port: (process, URL)."""
    moto = os.environ.get("MOTO_SERVER") or os.path.join(os.path.dirname(sys.executable), "moto_server")
    if not os.path.exists(moto):
        moto = shutil.which("moto_server")
    if not moto:
        raise RuntimeError("moto_server not found: run scripts/moto.sh install and use its python")
    port = free_port()
    proc = subprocess.Popen(
        [moto, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        wait_port(port, proc, "moto_server")
    except BaseException:
        stop(proc)
        raise
    return proc, f"http://127.0.0.1:{port}"


def setUpModule():
    global MOTO, MOTO_URL, SERVER
    MOTO, MOTO_URL = start_moto()
    try:
        SERVER = Serve("--s3-endpoint-url", MOTO_URL)
    except BaseException:
        stop(MOTO)
        raise


def tearDownModule():
    if SERVER is not None:
        SERVER.close()
    stop(MOTO)


class Base(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.rek = rek_client(SERVER.url)

    def new_collection(self, tag):
        cid = unique(tag)
        self.rek.create_collection(CollectionId=cid)
        self.addCleanup(self._drop, cid)
        return cid

    def _drop(self, cid):
        try:
            self.rek.delete_collection(CollectionId=cid)
        except self.rek.exceptions.ResourceNotFoundException:
            pass

    def assertError(self, name, fn, *args, **kwargs):
        """Calls fn and asserts a ClientError with that code and HTTP 400; returns the error."""
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], name, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400, err)
        self.assertTrue(err["ResponseMetadata"].get("RequestId"), err)
        self.assertTrue(err["Error"].get("Message"), err)
        return cm.exception

    def index(self, cid, image, external=None, **kw):
        if external is not None:
            kw["ExternalImageId"] = external
        return self.rek.index_faces(CollectionId=cid, Image={"Bytes": image}, **kw)

    def assertRatio(self, v, what):
        self.assertIsInstance(v, float, what)
        self.assertGreaterEqual(v, 0.0, what)
        self.assertLessEqual(v, 1.0, what)

    def assertBox(self, box, what="BoundingBox"):
        self.assertEqual(set(box), {"Width", "Height", "Left", "Top"}, what)
        for k in box:
            self.assertRatio(box[k], f"{what}.{k}")
        self.assertGreater(box["Width"], 0.02, what)
        self.assertGreater(box["Height"], 0.02, what)
        self.assertLessEqual(box["Left"] + box["Width"], 1.0 + 1e-6, what)
        self.assertLessEqual(box["Top"] + box["Height"], 1.0 + 1e-6, what)

    def assertFaceDetail(self, d):
        self.assertBox(d["BoundingBox"])
        self.assertGreaterEqual(d["Confidence"], 50.0)
        self.assertLessEqual(d["Confidence"], 100.0)
        types = [lm["Type"] for lm in d["Landmarks"]]
        self.assertEqual(types, ["eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight"])
        box = d["BoundingBox"]
        for lm in d["Landmarks"]:
            self.assertRatio(lm["X"], lm["Type"])
            self.assertRatio(lm["Y"], lm["Type"])
            # Landmarks lie on the face (a little slack for the detector's box).
            self.assertGreaterEqual(lm["X"], box["Left"] - 0.05 * box["Width"], lm)
            self.assertLessEqual(lm["X"], box["Left"] + 1.05 * box["Width"], lm)
            self.assertGreaterEqual(lm["Y"], box["Top"] - 0.05 * box["Height"], lm)
            self.assertLessEqual(lm["Y"], box["Top"] + 1.05 * box["Height"], lm)
        lm = {x["Type"]: x for x in d["Landmarks"]}
        # eyeLeft is the eye on the image's left; the eyes are above the mouth.
        self.assertLess(lm["eyeLeft"]["X"], lm["eyeRight"]["X"])
        self.assertLess(lm["eyeLeft"]["Y"], lm["mouthLeft"]["Y"])
        for k in ("Roll", "Yaw", "Pitch"):
            self.assertGreaterEqual(d["Pose"][k], -180.0)
            self.assertLessEqual(d["Pose"][k], 180.0)
        for k in ("Brightness", "Sharpness"):
            self.assertGreaterEqual(d["Quality"][k], 0.0)
            self.assertLessEqual(d["Quality"][k], 100.0)


# --------------------------------------------------------------------------------------------
# The validator itself.
# --------------------------------------------------------------------------------------------


class ValidatorTest(unittest.TestCase):
    def setUp(self):
        self.describe = SERVICE_MODEL.operation_model("DescribeCollection")
        self.detect = SERVICE_MODEL.operation_model("DetectFaces")
        self.headers = {"x-amzn-RequestId": "r", "Content-Type": "application/x-amz-json-1.1"}

    def ok(self, op, data, status=200):
        return validate_response(op, status, self.headers, json.dumps(data).encode())

    def test_accepts_a_conforming_body(self):
        self.ok(
            self.describe,
            {
                "FaceCount": 3,
                "UserCount": 0,
                "FaceModelVersion": "7.0",
                "CollectionARN": "aws:rekognition:us-east-1:1:collection/x",
                "CreationTimestamp": 1700000000.5,
            },
        )
        self.ok(self.detect, {"__type": "InvalidImageFormatException", "Message": "m"}, 400)
        self.ok(self.detect, {"__type": "SerializationException", "Message": "m"}, 400)

    def test_rejects_a_misspelt_key(self):
        with self.assertRaisesRegex(ShapeError, "unknown member 'FaceCont'"):
            self.ok(self.describe, {"FaceCont": 3})
        landmark = {"FaceDetails": [{"Landmarks": [{"Type": "nose", "X": 0.5, "Yy": 0.5}]}]}
        with self.assertRaisesRegex(ShapeError, r"FaceDetails\[0\]\.Landmarks\[0\]: unknown member 'Yy'"):
            self.ok(self.detect, landmark)

    def test_rejects_wrong_types_enums_ranges_and_nulls(self):
        cases = [
            (self.describe, {"FaceCount": "3"}, "expected an integer"),
            (self.describe, {"FaceCount": True}, "expected an integer"),
            (self.describe, {"FaceCount": 1.5}, "expected an integer"),
            (self.describe, {"CreationTimestamp": "yesterday"}, "epoch seconds"),
            (self.describe, {"FaceModelVersion": None}, "null"),
            (self.detect, {"FaceDetails": {}}, "expected a list"),
            (self.detect, {"FaceDetails": [{"Confidence": "high"}]}, "expected a number"),
            (self.detect, {"FaceDetails": [{"Confidence": 101}]}, "above the maximum"),
            (self.detect, {"FaceDetails": [{"Landmarks": [{"Type": "leftEye"}]}]}, "not in the enum"),
            (self.detect, {"FaceDetails": [{"Smile": {"Value": "yes"}}]}, "expected a boolean"),
            (self.detect, {"OrientationCorrection": "ROTATE_45"}, "not in the enum"),
        ]
        for op, body, why in cases:
            with self.subTest(body=body), self.assertRaisesRegex(ShapeError, why):
                self.ok(op, body)
        face = {"FaceRecords": [{"Face": {"FaceId": "NOT-A-UUID"}}]}
        with self.assertRaisesRegex(ShapeError, "does not match the pattern"):
            self.ok(SERVICE_MODEL.operation_model("IndexFaces"), face)

    def test_rejects_unmodelled_errors_statuses_and_headers(self):
        with self.assertRaisesRegex(ShapeError, "neither modelled"):
            self.ok(self.detect, {"__type": "ResourceNotFoundException", "Message": "m"}, 400)
        with self.assertRaisesRegex(ShapeError, "neither modelled"):
            self.ok(self.detect, {"__type": "ValidationException", "Message": "m"}, 400)
        with self.assertRaisesRegex(ShapeError, "want 400"):
            self.ok(self.detect, {"__type": "InvalidParameterException", "Message": "m"}, 500)
        with self.assertRaisesRegex(ShapeError, r"unknown member\(s\) \['Detail'\]"):
            self.ok(self.detect, {"__type": "InvalidParameterException", "Detail": "m"}, 400)
        with self.assertRaisesRegex(ShapeError, "without a string __type"):
            self.ok(self.detect, {"Message": "m"}, 400)
        with self.assertRaisesRegex(ShapeError, "x-amzn-RequestId"):
            validate_response(self.detect, 200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}")

    def test_hook_rejects_a_bad_live_response(self):
        """The hook really runs on boto3 responses: a doctored body fails the call."""
        client = rek_client(SERVER.url)

        def doctor(response_dict, **_):
            body = json.loads(response_dict["body"])
            body["CollectionIdz"] = body.pop("CollectionIds")
            response_dict["body"] = json.dumps(body).encode()

        # Registered first, so it runs before the validator.
        client.meta.events.register_first("before-parse.rekognition.ListCollections", doctor)
        with self.assertRaisesRegex(ShapeError, "unknown member 'CollectionIdz'"):
            client.list_collections()


# --------------------------------------------------------------------------------------------
# Collections.
# --------------------------------------------------------------------------------------------


class CollectionTest(Base):
    def test_create_describe_delete(self):
        cid = unique("coll")
        out = self.rek.create_collection(CollectionId=cid)
        self.assertEqual(out["StatusCode"], 200)
        self.assertTrue(out["CollectionArn"].endswith(f":collection/{cid}"), out["CollectionArn"])
        self.assertRegex(out["FaceModelVersion"], r"^1\.[0-9]+$")
        d = self.rek.describe_collection(CollectionId=cid)
        self.assertEqual(d["FaceCount"], 0)
        self.assertEqual(d["CollectionARN"], out["CollectionArn"])
        self.assertEqual(d["FaceModelVersion"], out["FaceModelVersion"])
        age = time.time() - d["CreationTimestamp"].timestamp()
        self.assertTrue(-5 < age < 300, age)
        self.assertEqual(self.rek.delete_collection(CollectionId=cid)["StatusCode"], 200)
        self.assertError("ResourceNotFoundException", self.rek.describe_collection, CollectionId=cid)
        self.assertError("ResourceNotFoundException", self.rek.delete_collection, CollectionId=cid)
        self.assertNotIn(cid, self.rek.list_collections()["CollectionIds"])

    def test_create_twice_is_already_exists(self):
        cid = self.new_collection("twice")
        self.assertError("ResourceAlreadyExistsException", self.rek.create_collection, CollectionId=cid)

    def test_invalid_collection_id(self):
        for bad in ("bad/id", "white space", "x" * 256):
            with self.subTest(bad=bad[:20]):
                self.assertError("InvalidParameterException", self.rek.create_collection, CollectionId=bad)

    def test_missing_collection_everywhere(self):
        cid = unique("missing")
        img = {"Bytes": example("obama.jpg")}
        calls = [
            (self.rek.describe_collection, dict(CollectionId=cid)),
            (self.rek.delete_collection, dict(CollectionId=cid)),
            (self.rek.index_faces, dict(CollectionId=cid, Image=img)),
            (self.rek.list_faces, dict(CollectionId=cid)),
            (self.rek.delete_faces, dict(CollectionId=cid, FaceIds=[str(uuid.uuid4())])),
            (self.rek.search_faces, dict(CollectionId=cid, FaceId=str(uuid.uuid4()))),
            (self.rek.search_faces_by_image, dict(CollectionId=cid, Image=img)),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                self.assertError("ResourceNotFoundException", fn, **kw)

    def test_list_collections_paginates(self):
        mine = {self.new_collection(f"page{i}") for i in range(5)}
        everything = self.rek.list_collections()
        self.assertNotIn("NextToken", everything)
        self.assertEqual(len(everything["CollectionIds"]), len(everything["FaceModelVersions"]))
        self.assertTrue(mine <= set(everything["CollectionIds"]))
        paginator = self.rek.get_paginator("list_collections")
        for size in (1, 2):
            with self.subTest(page_size=size):
                seen, pages = [], 0
                for page in paginator.paginate(PaginationConfig={"PageSize": size}):
                    pages += 1
                    self.assertLessEqual(len(page["CollectionIds"]), size)
                    self.assertEqual(len(page["CollectionIds"]), len(page["FaceModelVersions"]))
                    seen.extend(page["CollectionIds"])
                self.assertEqual(len(seen), len(set(seen)), "a collection was listed twice")
                self.assertEqual(sorted(seen), sorted(everything["CollectionIds"]))
                self.assertGreaterEqual(pages, math.ceil(len(seen) / size))

    def test_list_collections_garbage_token(self):
        for token in ("garbage", "!!!not-base64!!!", b64(b"faces/x:1")):
            with self.subTest(token=token):
                self.assertError("InvalidPaginationTokenException", self.rek.list_collections, NextToken=token)


# --------------------------------------------------------------------------------------------
# Faces in a collection.
# --------------------------------------------------------------------------------------------


class FacesTest(Base):
    def test_index_then_search_by_image(self):
        cid = self.new_collection("search")
        out = self.index(cid, example("obama.jpg"), "obama")
        self.assertEqual(len(out["FaceRecords"]), 1, out)
        self.assertEqual(out["UnindexedFaces"], [])
        self.assertTrue(out["FaceModelVersion"])
        rec = out["FaceRecords"][0]
        face = rec["Face"]
        self.assertEqual(face["ExternalImageId"], "obama")
        self.assertBox(face["BoundingBox"])
        self.assertEqual(face["BoundingBox"], rec["FaceDetail"]["BoundingBox"])
        self.assertFaceDetail(rec["FaceDetail"])
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 1)

        hit = self.rek.search_faces_by_image(CollectionId=cid, Image={"Bytes": example("obama2.jpg")})
        self.assertBox(hit["SearchedFaceBoundingBox"])
        self.assertGreater(hit["SearchedFaceConfidence"], 50)
        self.assertEqual(hit["FaceModelVersion"], out["FaceModelVersion"])
        self.assertEqual(len(hit["FaceMatches"]), 1, hit)
        m = hit["FaceMatches"][0]
        self.assertEqual(m["Face"]["FaceId"], face["FaceId"])
        self.assertEqual(m["Face"]["ExternalImageId"], "obama")
        self.assertEqual(m["Face"]["ImageId"], face["ImageId"])
        self.assertGreaterEqual(m["Similarity"], 80.0)
        self.assertLessEqual(m["Similarity"], 100.0)

        miss = self.rek.search_faces_by_image(CollectionId=cid, Image={"Bytes": example("biden.jpg")})
        self.assertEqual(miss["FaceMatches"], [], "biden must not match obama at the default threshold")
        # With threshold 0 everything is a match, and MaxFaces bounds the list.
        low = self.rek.search_faces_by_image(
            CollectionId=cid, Image={"Bytes": example("biden.jpg")}, FaceMatchThreshold=0, MaxFaces=1
        )
        self.assertEqual([x["Face"]["FaceId"] for x in low["FaceMatches"]], [face["FaceId"]])
        self.assertLess(low["FaceMatches"][0]["Similarity"], 80.0)

    def test_search_by_image_uses_the_largest_face(self):
        cid = self.new_collection("largest")
        self.index(cid, example("obama.jpg"), "obama")
        self.index(cid, example("biden.jpg"), "biden")
        out = self.rek.search_faces_by_image(CollectionId=cid, Image={"Bytes": example("two_people.jpg")})
        self.assertBox(out["SearchedFaceBoundingBox"])
        names = {m["Face"]["ExternalImageId"] for m in out["FaceMatches"]}
        self.assertEqual(len(names), 1, out)  # one searched face, one person
        sims = [m["Similarity"] for m in out["FaceMatches"]]
        self.assertEqual(sims, sorted(sims, reverse=True))

    def test_index_two_people_and_max_faces(self):
        cid = self.new_collection("maxfaces")
        both = self.index(cid, example("two_people.jpg"), "pair")
        self.assertEqual(len(both["FaceRecords"]), 2, both)
        image_ids = {r["Face"]["ImageId"] for r in both["FaceRecords"]}
        self.assertEqual(len(image_ids), 1, "faces of one image share the ImageId")
        one = self.index(cid, example("two_people.jpg"), "pair2", MaxFaces=1)
        self.assertEqual(len(one["FaceRecords"]), 1, one)
        self.assertEqual(len(one["UnindexedFaces"]), 1, one)
        self.assertEqual(one["UnindexedFaces"][0]["Reasons"], ["EXCEEDS_MAX_FACES"])
        self.assertFaceDetail(one["UnindexedFaces"][0]["FaceDetail"])
        # The largest face is the one indexed.
        kept = one["FaceRecords"][0]["FaceDetail"]["BoundingBox"]
        dropped = one["UnindexedFaces"][0]["FaceDetail"]["BoundingBox"]
        self.assertGreaterEqual(kept["Width"] * kept["Height"], dropped["Width"] * dropped["Height"])
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 3)
        for q in ("NONE", "AUTO", "LOW", "MEDIUM", "HIGH"):
            with self.subTest(quality=q):
                r = self.index(cid, example("obama.jpg"), QualityFilter=q, DetectionAttributes=["DEFAULT"])
                self.assertEqual(len(r["FaceRecords"]) + len(r["UnindexedFaces"]), 1)

    def test_list_faces_and_paginate(self):
        cid = self.new_collection("list")
        ids = {}
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg", "grace_hopper.jpg", "two_people.jpg"):
            for r in self.index(cid, example(name), name.replace(".jpg", ""))["FaceRecords"]:
                ids[r["Face"]["FaceId"]] = r["Face"]
        self.assertEqual(len(ids), 6)
        everything = self.rek.list_faces(CollectionId=cid)
        self.assertNotIn("NextToken", everything)
        self.assertTrue(everything["FaceModelVersion"])
        self.assertEqual({f["FaceId"] for f in everything["Faces"]}, set(ids))
        for f in everything["Faces"]:
            want = ids[f["FaceId"]]
            for k in ("BoundingBox", "ImageId", "ExternalImageId", "Confidence"):
                self.assertEqual(f[k], want[k], k)
            self.assertEqual(f["IndexFacesModelVersion"], everything["FaceModelVersion"])
        paginator = self.rek.get_paginator("list_faces")
        for size in (1, 2):
            with self.subTest(page_size=size):
                seen = []
                pages = list(paginator.paginate(CollectionId=cid, PaginationConfig={"PageSize": size}))
                for page in pages:
                    self.assertLessEqual(len(page["Faces"]), size)
                    seen.extend(f["FaceId"] for f in page["Faces"])
                self.assertEqual(len(seen), len(set(seen)), "a face was listed twice")
                self.assertEqual(set(seen), set(ids))
                self.assertGreaterEqual(len(pages), math.ceil(len(ids) / size))
        # MaxItems + StartingToken resumes where the first run stopped.
        first = paginator.paginate(CollectionId=cid, PaginationConfig={"PageSize": 2, "MaxItems": 3})
        part = first.build_full_result()
        rest = paginator.paginate(
            CollectionId=cid, PaginationConfig={"PageSize": 2, "StartingToken": part["NextToken"]}
        ).build_full_result()
        both = [f["FaceId"] for f in part["Faces"] + rest["Faces"]]
        self.assertEqual(sorted(both), sorted(ids))
        # FaceIds filter.
        pick = sorted(ids)[:2]
        only = self.rek.list_faces(CollectionId=cid, FaceIds=pick)
        self.assertEqual(sorted(f["FaceId"] for f in only["Faces"]), pick)

    def test_list_faces_garbage_token(self):
        cid = self.new_collection("tok")
        other = self.new_collection("tok2")
        for r in range(3):
            self.index(other, example("obama.jpg"))
        # A token of another collection is as foreign as garbage.
        token = self.rek.list_faces(CollectionId=other, MaxResults=1)["NextToken"]
        for bad in ("garbage", "%%%", token, b64(b"collections:x")):
            with self.subTest(token=bad):
                self.assertError("InvalidPaginationTokenException", self.rek.list_faces, CollectionId=cid, NextToken=bad)

    def test_delete_faces_then_list(self):
        cid = self.new_collection("delete")
        a = self.index(cid, example("obama.jpg"))["FaceRecords"][0]["Face"]["FaceId"]
        b = self.index(cid, example("biden.jpg"))["FaceRecords"][0]["Face"]["FaceId"]
        ghost = str(uuid.uuid4())
        out = self.rek.delete_faces(CollectionId=cid, FaceIds=[a, ghost])
        self.assertEqual(out["DeletedFaces"], [a])
        self.assertEqual(
            out["UnsuccessfulFaceDeletions"], [{"FaceId": ghost, "Reasons": ["FACE_NOT_FOUND"]}]
        )
        left = [f["FaceId"] for f in self.rek.list_faces(CollectionId=cid)["Faces"]]
        self.assertEqual(left, [b])
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 1)
        # The deleted face is no longer found by search.
        hit = self.rek.search_faces_by_image(CollectionId=cid, Image={"Bytes": example("obama2.jpg")})
        self.assertEqual(hit["FaceMatches"], [])
        again = self.rek.delete_faces(CollectionId=cid, FaceIds=[a])
        self.assertEqual(again["DeletedFaces"], [])
        self.assertEqual(again["UnsuccessfulFaceDeletions"][0]["FaceId"], a)
        self.assertError("InvalidParameterException", self.rek.delete_faces, CollectionId=cid, FaceIds=["not-a-face-id"])

    def test_search_faces_excludes_the_searched_face(self):
        cid = self.new_collection("sf")
        o1 = self.index(cid, example("obama.jpg"), "obama1")["FaceRecords"][0]["Face"]["FaceId"]
        o2 = self.index(cid, example("obama2.jpg"), "obama2")["FaceRecords"][0]["Face"]["FaceId"]
        bd = self.index(cid, example("biden.jpg"), "biden")["FaceRecords"][0]["Face"]["FaceId"]
        out = self.rek.search_faces(CollectionId=cid, FaceId=o1)
        self.assertEqual(out["SearchedFaceId"], o1)
        self.assertTrue(out["FaceModelVersion"])
        found = [m["Face"]["FaceId"] for m in out["FaceMatches"]]
        self.assertEqual(found, [o2])
        self.assertGreaterEqual(out["FaceMatches"][0]["Similarity"], 80.0)
        everyone = self.rek.search_faces(CollectionId=cid, FaceId=o1, FaceMatchThreshold=0)
        found = [m["Face"]["FaceId"] for m in everyone["FaceMatches"]]
        self.assertNotIn(o1, found)
        self.assertEqual(sorted(found), sorted([o2, bd]))
        self.assertEqual(found[0], o2)  # best first
        capped = self.rek.search_faces(CollectionId=cid, FaceId=o1, FaceMatchThreshold=0, MaxFaces=1)
        self.assertEqual(len(capped["FaceMatches"]), 1)
        self.assertError("InvalidParameterException", self.rek.search_faces, CollectionId=cid, FaceId=str(uuid.uuid4()))
        self.assertError("InvalidParameterException", self.rek.search_faces, CollectionId=cid, FaceId="NOT-A-UUID")

    def test_parameter_ranges(self):
        cid = self.new_collection("ranges")
        img = {"Bytes": example("obama.jpg")}
        bad = [
            (self.rek.search_faces_by_image, dict(CollectionId=cid, Image=img, FaceMatchThreshold=101)),
            (self.rek.index_faces, dict(CollectionId=cid, Image=img, ExternalImageId="has space")),
            (self.rek.index_faces, dict(CollectionId=cid, Image=img, QualityFilter="SUPERB")),
            (self.rek.detect_faces, dict(Image=img, Attributes=["EVERYTHING"])),
            (self.rek.detect_faces, dict(Image={"Bytes": example("obama.jpg"), "S3Object": {"Bucket": "abc", "Name": "k"}})),
        ]
        for fn, kw in bad:
            with self.subTest(op=fn.__name__, kw=sorted(kw)):
                self.assertError("InvalidParameterException", fn, **kw)

    def test_index_in_flight_never_lands_in_a_recreated_collection(self):
        """IndexFaces that was working when its collection was deleted and created again under
        the same id must not put its faces into the new collection."""
        crowd = read(shared("wider-dev/images/49--Greeting/49_Greeting_peoplegreeting_49_302.jpg"))
        cid = self.new_collection("recreate")
        hit_window = 0
        for _ in range(4):
            result = {}

            def work():
                try:
                    result["out"] = self.index(cid, crowd, "crowd")
                except botocore.exceptions.ClientError as e:
                    result["err"] = e.response["Error"]["Code"]

            t = threading.Thread(target=work)
            t.start()
            time.sleep(0.05)
            self.rek.delete_collection(CollectionId=cid)
            self.rek.create_collection(CollectionId=cid)
            t.join(120)
            self.assertFalse(t.is_alive(), "IndexFaces did not return")
            faces = self.rek.list_faces(CollectionId=cid)["Faces"]
            self.assertEqual(faces, [], result)
            if result.get("err") == "ResourceNotFoundException":
                hit_window += 1
            else:
                self.assertIn("out", result, result)
        # The delete landed while the engine worked at least once (else this test proves nothing).
        self.assertGreater(hit_window, 0, "no IndexFaces was in flight during the delete")

    def test_delete_collection_with_faces(self):
        cid = unique("full")
        self.rek.create_collection(CollectionId=cid)
        self.index(cid, example("obama.jpg"))
        self.rek.delete_collection(CollectionId=cid)
        self.assertError("ResourceNotFoundException", self.rek.describe_collection, CollectionId=cid)
        self.assertError("ResourceNotFoundException", self.rek.list_faces, CollectionId=cid)
        # The id is free again, and the new collection is empty.
        self.rek.create_collection(CollectionId=cid)
        self.addCleanup(self._drop, cid)
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 0)
        self.assertEqual(self.rek.list_faces(CollectionId=cid)["Faces"], [])


# --------------------------------------------------------------------------------------------
# Image-only operations.
# --------------------------------------------------------------------------------------------


class UsersTest(Base):
    """The Users API: users, face association, user search."""

    def faces(self, cid):
        ids = {}
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg"):
            out = self.index(cid, example(name), name.split(".")[0])
            ids[name] = out["FaceRecords"][0]["Face"]["FaceId"]
        return ids

    def test_create_list_describe_delete_users(self):
        cid = self.new_collection("users")
        self.rek.create_user(CollectionId=cid, UserId="obama")
        self.assertError("ConflictException", self.rek.create_user, CollectionId=cid, UserId="obama")
        # A retry with the same client request token is idempotent.
        self.rek.create_user(CollectionId=cid, UserId="biden", ClientRequestToken="retry-1")
        self.rek.create_user(CollectionId=cid, UserId="biden", ClientRequestToken="retry-1")
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["UserCount"], 2)
        pages = self.rek.get_paginator("list_users").paginate(
            CollectionId=cid, PaginationConfig={"PageSize": 1})
        seen = [u for page in pages for u in page["Users"]]
        self.assertEqual(seen, [{"UserId": "biden", "UserStatus": "ACTIVE"},
                                {"UserId": "obama", "UserStatus": "ACTIVE"}])
        self.assertError("InvalidPaginationTokenException", self.rek.list_users,
                         CollectionId=cid, NextToken="bm9wZQ==")
        self.rek.delete_user(CollectionId=cid, UserId="obama")
        self.assertError("ResourceNotFoundException", self.rek.delete_user, CollectionId=cid, UserId="obama")
        self.assertError("ResourceNotFoundException", self.rek.create_user,
                         CollectionId=unique("missing"), UserId="x")
        self.assertError("InvalidParameterException", self.rek.create_user, CollectionId=cid, UserId="bad id")
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["UserCount"], 1)

    def test_associate_by_similarity_and_disassociate(self):
        cid = self.new_collection("assoc")
        ids = self.faces(cid)
        self.rek.create_user(CollectionId=cid, UserId="obama")
        first = self.rek.associate_faces(CollectionId=cid, UserId="obama", FaceIds=[ids["obama.jpg"]])
        self.assertEqual(first["AssociatedFaces"], [{"FaceId": ids["obama.jpg"]}])
        self.assertEqual(first["UserStatus"], "ACTIVE")
        # obama2 resembles the user's face; biden does not and is refused with its confidence.
        out = self.rek.associate_faces(CollectionId=cid, UserId="obama",
                                       FaceIds=[ids["obama2.jpg"], ids["biden.jpg"], "0" * 8 + "-0000-4000-8000-" + "0" * 12])
        self.assertEqual(out["AssociatedFaces"], [{"FaceId": ids["obama2.jpg"]}])
        reasons = {f["FaceId"]: f["Reasons"] for f in out["UnsuccessfulFaceAssociations"]}
        self.assertEqual(reasons[ids["biden.jpg"]], ["LOW_MATCH_CONFIDENCE"])
        self.assertEqual(reasons["0" * 8 + "-0000-4000-8000-" + "0" * 12], ["FACE_NOT_FOUND"])
        low = [f for f in out["UnsuccessfulFaceAssociations"] if f["FaceId"] == ids["biden.jpg"]][0]
        self.assertLess(low["Confidence"], 75)
        listed = self.rek.list_faces(CollectionId=cid, UserId="obama")["Faces"]
        self.assertEqual(sorted(f["FaceId"] for f in listed), sorted([ids["obama.jpg"], ids["obama2.jpg"]]))
        self.assertTrue(all(f["UserId"] == "obama" for f in listed))
        # Another user cannot take a face that is already associated.
        self.rek.create_user(CollectionId=cid, UserId="other")
        taken = self.rek.associate_faces(CollectionId=cid, UserId="other", FaceIds=[ids["obama.jpg"]])
        self.assertEqual(taken["UnsuccessfulFaceAssociations"][0]["Reasons"], ["ASSOCIATED_TO_A_DIFFERENT_USER"])
        # Associated faces cannot be deleted until they are disassociated.
        held = self.rek.delete_faces(CollectionId=cid, FaceIds=[ids["obama.jpg"]])
        self.assertEqual(held["DeletedFaces"], [])
        self.assertEqual(held["UnsuccessfulFaceDeletions"][0]["Reasons"], ["ASSOCIATED_TO_AN_EXISTING_USER"])
        gone = self.rek.disassociate_faces(CollectionId=cid, UserId="obama",
                                           FaceIds=[ids["obama.jpg"], ids["biden.jpg"]])
        self.assertEqual(gone["DisassociatedFaces"], [{"FaceId": ids["obama.jpg"]}])
        self.assertEqual(gone["UnsuccessfulFaceDisassociations"][0]["Reasons"], ["ASSOCIATED_TO_A_DIFFERENT_USER"])
        self.assertEqual(self.rek.delete_faces(CollectionId=cid, FaceIds=[ids["obama.jpg"]])["DeletedFaces"],
                         [ids["obama.jpg"]])
        # Deleting a user frees its faces.
        self.rek.delete_user(CollectionId=cid, UserId="obama")
        self.assertEqual(self.rek.list_faces(CollectionId=cid, UserId="obama")["Faces"], [])
        self.assertError("ResourceNotFoundException", self.rek.associate_faces,
                         CollectionId=cid, UserId="obama", FaceIds=[ids["obama2.jpg"]])

    def test_search_users_by_face_user_and_image(self):
        cid = self.new_collection("susers")
        ids = self.faces(cid)
        self.rek.create_user(CollectionId=cid, UserId="obama")
        self.rek.create_user(CollectionId=cid, UserId="biden")
        self.rek.associate_faces(CollectionId=cid, UserId="obama", FaceIds=[ids["obama.jpg"]])
        self.rek.associate_faces(CollectionId=cid, UserId="biden", FaceIds=[ids["biden.jpg"]])
        by_face = self.rek.search_users(CollectionId=cid, FaceId=ids["obama2.jpg"])
        self.assertEqual(by_face["SearchedFace"], {"FaceId": ids["obama2.jpg"]})
        self.assertEqual([m["User"]["UserId"] for m in by_face["UserMatches"]], ["obama"])
        self.assertGreaterEqual(by_face["UserMatches"][0]["Similarity"], 80)
        by_user = self.rek.search_users(CollectionId=cid, UserId="obama", UserMatchThreshold=0)
        self.assertEqual(by_user["SearchedUser"], {"UserId": "obama"})
        self.assertNotIn("obama", [m["User"]["UserId"] for m in by_user["UserMatches"]])
        sims = [m["Similarity"] for m in by_user["UserMatches"]]
        self.assertEqual(sims, sorted(sims, reverse=True))
        by_image = self.rek.search_users_by_image(CollectionId=cid, Image={"Bytes": example("obama2.jpg")})
        self.assertEqual([m["User"]["UserId"] for m in by_image["UserMatches"]], ["obama"])
        self.assertFaceDetail(by_image["SearchedFace"]["FaceDetail"])
        group = self.rek.search_users_by_image(CollectionId=cid, Image={"Bytes": example("two_people.jpg")})
        self.assertEqual(len(group["UnsearchedFaces"]), 1)
        self.assertEqual(group["UnsearchedFaces"][0]["Reasons"], ["FACE_NOT_LARGEST"])
        self.assertError("InvalidParameterException", self.rek.search_users, CollectionId=cid)
        self.assertError("ResourceNotFoundException", self.rek.search_users, CollectionId=cid, UserId="nobody")


class DetectCompareTest(Base):
    def test_detect_faces_two_people(self):
        out = self.rek.detect_faces(Image={"Bytes": example("two_people.jpg")})
        self.assertEqual(len(out["FaceDetails"]), 2, out)
        for d in out["FaceDetails"]:
            self.assertFaceDetail(d)
        a, b = (d["BoundingBox"] for d in out["FaceDetails"])
        self.assertTrue(a["Left"] + a["Width"] <= b["Left"] or b["Left"] + b["Width"] <= a["Left"], "boxes overlap")
        same = self.rek.detect_faces(Image={"Bytes": example("two_people.jpg")}, Attributes=["ALL"])
        self.assertEqual(len(same["FaceDetails"]), 2)

    def test_detect_faces_single_and_none(self):
        for name in ("obama.jpg", "biden.jpg", "grace_hopper.jpg"):
            with self.subTest(image=name):
                out = self.rek.detect_faces(Image={"Bytes": example(name)})
                self.assertEqual(len(out["FaceDetails"]), 1, out)
                self.assertFaceDetail(out["FaceDetails"][0])
        for path in self.no_face_images():
            with self.subTest(image=os.path.basename(path)):
                self.assertEqual(self.rek.detect_faces(Image={"Bytes": read(path)})["FaceDetails"], [])

    @staticmethod
    def no_face_images():
        return [
            shared("peers/compreface/embedding-calculator/sample_images/017_0.jpg"),
            shared("peers/insightface/cpp-package/inspireface/test_res/data/bulk/view.jpg"),
        ]

    def test_detect_faces_png_and_exif_orientation(self):
        hopper = shared("peers/pillow_hopper/Tests/images")
        upright = self.rek.detect_faces(Image={"Bytes": read(os.path.join(hopper, "hopper.jpg"))})
        self.assertEqual(len(upright["FaceDetails"]), 1)
        ref = upright["FaceDetails"][0]["BoundingBox"]
        png = self.rek.detect_faces(Image={"Bytes": read(os.path.join(hopper, "hopper.png"))})
        self.assertEqual(len(png["FaceDetails"]), 1)
        for n in range(2, 9):
            with self.subTest(orientation=n):
                out = self.rek.detect_faces(
                    Image={"Bytes": read(os.path.join(hopper, f"hopper_orientation_{n}.jpg"))}
                )
                self.assertEqual(len(out["FaceDetails"]), 1, out)
                box = out["FaceDetails"][0]["BoundingBox"]
                # Boxes are relative to the upright image: they coincide with the upright file's.
                for k in box:
                    self.assertAlmostEqual(box[k], ref[k], delta=0.06, msg=k)

    def test_compare_faces_matched_and_unmatched(self):
        out = self.rek.compare_faces(
            SourceImage={"Bytes": example("obama.jpg")}, TargetImage={"Bytes": example("two_people.jpg")}
        )
        self.assertBox(out["SourceImageFace"]["BoundingBox"])
        self.assertGreater(out["SourceImageFace"]["Confidence"], 50)
        self.assertEqual(len(out["FaceMatches"]), 1, out)
        self.assertEqual(len(out["UnmatchedFaces"]), 1, out)
        match = out["FaceMatches"][0]
        self.assertGreaterEqual(match["Similarity"], 80.0)
        self.assertFaceDetail(match["Face"])
        self.assertFaceDetail(out["UnmatchedFaces"][0])
        # In two_people.jpg Obama is the person on the left (as face_recognition's tests say).
        self.assertLess(match["Face"]["BoundingBox"]["Left"], out["UnmatchedFaces"][0]["BoundingBox"]["Left"])

        diff = self.rek.compare_faces(
            SourceImage={"Bytes": example("obama.jpg")}, TargetImage={"Bytes": example("biden.jpg")}
        )
        self.assertEqual(diff["FaceMatches"], [])
        self.assertEqual(len(diff["UnmatchedFaces"]), 1)

        same = self.rek.compare_faces(
            SourceImage={"Bytes": example("obama.jpg")}, TargetImage={"Bytes": example("obama2.jpg")}
        )
        self.assertEqual(len(same["FaceMatches"]), 1)
        self.assertGreaterEqual(same["FaceMatches"][0]["Similarity"], 80.0)

        everyone = self.rek.compare_faces(
            SourceImage={"Bytes": example("obama.jpg")},
            TargetImage={"Bytes": example("two_people.jpg")},
            SimilarityThreshold=0,
            QualityFilter="NONE",
        )
        sims = [m["Similarity"] for m in everyone["FaceMatches"]]
        self.assertEqual(len(sims), 2)
        self.assertEqual(sims, sorted(sims, reverse=True))
        self.assertEqual(everyone["UnmatchedFaces"], [])

    def test_compare_faces_target_without_faces_and_source_without_face(self):
        none = read(self.no_face_images()[0])
        out = self.rek.compare_faces(SourceImage={"Bytes": example("obama.jpg")}, TargetImage={"Bytes": none})
        self.assertEqual(out["FaceMatches"], [])
        self.assertEqual(out["UnmatchedFaces"], [])
        self.assertError(
            "InvalidParameterException",
            self.rek.compare_faces,
            SourceImage={"Bytes": none},
            TargetImage={"Bytes": example("obama.jpg")},
        )


# --------------------------------------------------------------------------------------------
# Bad images.
# --------------------------------------------------------------------------------------------


class BadImageTest(Base):
    FILES = "peers/compreface/embedding-calculator/src/services/imgtools/test/files"

    def image_ops(self, cid, data):
        img = {"Bytes": data}
        good = {"Bytes": example("obama.jpg")}
        return [
            (self.rek.detect_faces, dict(Image=img)),
            (self.rek.index_faces, dict(CollectionId=cid, Image=img)),
            (self.rek.search_faces_by_image, dict(CollectionId=cid, Image=img)),
            (self.rek.compare_faces, dict(SourceImage=img, TargetImage=good)),
            (self.rek.compare_faces, dict(SourceImage=good, TargetImage=img)),
        ]

    def test_non_image_bytes(self):
        cid = self.new_collection("nonimage")
        for label, data in [
            ("text", b"this is not an image at all"),
            ("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
            ("gif", read(shared(self.FILES, "einstein.gif"))),
            ("webp", read(shared(self.FILES, "einstein.webp"))),
            ("bmp", read(shared(self.FILES, "einstein.bmp"))),
            ("empty.png (5 bytes)", read(shared(self.FILES, "empty.png"))),
        ]:
            for fn, kw in self.image_ops(cid, data):
                with self.subTest(image=label, op=fn.__name__):
                    self.assertError("InvalidImageFormatException", fn, **kw)
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 0)

    def test_corrupt_and_truncated_files(self):
        cid = self.new_collection("corrupt")
        jpeg = example("obama.jpg")
        for label, data in [
            ("corrupted.png", read(shared(self.FILES, "corrupted.png"))),
            ("jpeg header only", jpeg[:300]),
            ("png signature only", b"\x89PNG\r\n\x1a\n"),
        ]:
            for fn, kw in self.image_ops(cid, data):
                with self.subTest(image=label, op=fn.__name__):
                    self.assertError("InvalidImageFormatException", fn, **kw)
        # truncated.jpg lacks its end but decodes (as its source project's tests require).
        out = self.rek.detect_faces(Image={"Bytes": read(shared(self.FILES, "truncated.jpg"))})
        self.assertEqual(len(out["FaceDetails"]), 1)

    def test_no_face_image(self):
        cid = self.new_collection("noface")
        for path in DetectCompareTest.no_face_images():
            with self.subTest(image=os.path.basename(path)):
                out = self.index(cid, read(path))
                self.assertEqual(out["FaceRecords"], [])
                self.assertEqual(out["UnindexedFaces"], [])
                self.assertError(
                    "InvalidParameterException",
                    self.rek.search_faces_by_image,
                    CollectionId=cid,
                    Image={"Bytes": read(path)},
                )
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 0)

    def test_other_formats_of_the_same_face(self):
        # JPEG and PNG of the same picture give the same single face.
        a = self.rek.detect_faces(Image={"Bytes": read(shared(self.FILES, "einstein.jpeg"))})
        b = self.rek.detect_faces(Image={"Bytes": read(shared(self.FILES, "einstein.png"))})
        self.assertEqual(len(a["FaceDetails"]), 1)
        self.assertEqual(len(b["FaceDetails"]), 1)
        for k in ("Left", "Top", "Width", "Height"):
            self.assertAlmostEqual(a["FaceDetails"][0]["BoundingBox"][k], b["FaceDetails"][0]["BoundingBox"][k], delta=0.03)


# --------------------------------------------------------------------------------------------
# S3Object images from moto.
# --------------------------------------------------------------------------------------------


class S3Test(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = boto3.session.Session().client(
            "s3",
            endpoint_url=MOTO_URL,
            region_name=REGION,
            aws_access_key_id="conformance",
            aws_secret_access_key="conformance",
            config=Config(s3={"addressing_style": "path"}),
        )
        cls.bucket = unique("bucket")
        cls.s3.create_bucket(Bucket=cls.bucket)
        for name in ("obama.jpg", "obama2.jpg", "biden.jpg", "two_people.jpg"):
            cls.s3.put_object(Bucket=cls.bucket, Key=f"photos/{name}", Body=example(name))
        cls.s3.put_object(Bucket=cls.bucket, Key="photos/notes.txt", Body=b"not an image")

    def obj(self, key, bucket=None):
        return {"S3Object": {"Bucket": bucket or self.bucket, "Name": key}}

    def test_index_search_detect_compare_from_s3(self):
        cid = self.new_collection("s3")
        out = self.rek.index_faces(CollectionId=cid, Image=self.obj("photos/obama.jpg"), ExternalImageId="obama")
        self.assertEqual(len(out["FaceRecords"]), 1)
        face_id = out["FaceRecords"][0]["Face"]["FaceId"]
        # Same bytes by value give the same box.
        by_value = self.rek.detect_faces(Image={"Bytes": example("obama.jpg")})
        self.assertEqual(out["FaceRecords"][0]["FaceDetail"]["BoundingBox"], by_value["FaceDetails"][0]["BoundingBox"])
        hit = self.rek.search_faces_by_image(CollectionId=cid, Image=self.obj("photos/obama2.jpg"))
        self.assertEqual([m["Face"]["FaceId"] for m in hit["FaceMatches"]], [face_id])
        det = self.rek.detect_faces(Image=self.obj("photos/two_people.jpg"))
        self.assertEqual(len(det["FaceDetails"]), 2)
        cmp = self.rek.compare_faces(SourceImage=self.obj("photos/obama.jpg"), TargetImage=self.obj("photos/biden.jpg"))
        self.assertEqual(cmp["FaceMatches"], [])
        self.assertEqual(len(cmp["UnmatchedFaces"]), 1)

    def test_missing_object_or_bucket(self):
        cid = self.new_collection("s3missing")
        for label, image in [
            ("missing key", self.obj("photos/nobody.jpg")),
            ("missing bucket", self.obj("photos/obama.jpg", bucket=unique("nobucket"))),
        ]:
            for fn, kw in [
                (self.rek.detect_faces, dict(Image=image)),
                (self.rek.index_faces, dict(CollectionId=cid, Image=image)),
                (self.rek.search_faces_by_image, dict(CollectionId=cid, Image=image)),
                (self.rek.compare_faces, dict(SourceImage=image, TargetImage={"Bytes": example("obama.jpg")})),
            ]:
                with self.subTest(case=label, op=fn.__name__):
                    self.assertError("InvalidS3ObjectException", fn, **kw)

    def test_s3_object_that_is_not_an_image(self):
        self.assertError("InvalidImageFormatException", self.rek.detect_faces, Image=self.obj("photos/notes.txt"))


# --------------------------------------------------------------------------------------------
# The tutorial's seed flow: a folder of people indexed with ExternalImageId, then recognition.
# --------------------------------------------------------------------------------------------


class SeedFlowTest(Base):
    PEOPLE = ["Colin_Powell", "David_Beckham", "Hugo_Chavez", "Jennifer_Capriati", "Tiger_Woods", "Tony_Blair"]

    def test_seed_then_recognise(self):
        root = shared("lfw-dev/images")
        cid = self.new_collection("seed")
        who = {}  # FaceId -> person, what the tutorial keeps in DynamoDB
        probes = {}
        for person in self.PEOPLE:
            files = sorted(os.listdir(os.path.join(root, person)))
            self.assertGreaterEqual(len(files), 3, person)
            out = self.index(
                cid, read(os.path.join(root, person, files[0])), person, MaxFaces=1, QualityFilter="AUTO"
            )
            self.assertEqual(len(out["FaceRecords"]), 1, (person, out))
            rec = out["FaceRecords"][0]["Face"]
            self.assertEqual(rec["ExternalImageId"], person)
            who[rec["FaceId"]] = person
            probes[person] = files[1:3]
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], len(self.PEOPLE))
        listed = self.rek.get_paginator("list_faces").paginate(CollectionId=cid, PaginationConfig={"PageSize": 2})
        listed = {f["FaceId"]: f["ExternalImageId"] for page in listed for f in page["Faces"]}
        self.assertEqual(listed, who)
        for person, files in probes.items():
            for name in files:
                with self.subTest(person=person, probe=name):
                    out = self.rek.search_faces_by_image(
                        CollectionId=cid,
                        Image={"Bytes": read(os.path.join(root, person, name))},
                        MaxFaces=1,
                        FaceMatchThreshold=80,
                    )
                    self.assertEqual(len(out["FaceMatches"]), 1, out)
                    match = out["FaceMatches"][0]
                    self.assertGreaterEqual(match["Similarity"], 80.0)
                    self.assertEqual(who[match["Face"]["FaceId"]], person)
                    self.assertEqual(match["Face"]["ExternalImageId"], person)
                    # Looking the FaceId up in the collection gives the same person.
                    looked = self.rek.list_faces(CollectionId=cid, FaceIds=[match["Face"]["FaceId"]])
                    self.assertEqual([f["ExternalImageId"] for f in looked["Faces"]], [person])

    def test_strangers_get_no_name_at_the_default_threshold(self):
        """The tutorial's client searches with Rekognition's default FaceMatchThreshold (80) and
        prints the first match's name: strangers must get none (on the bigger gallery at most the
        measured false-positive rate), while the enrolled people are still found."""
        root = shared("lfw-dev/images")
        people = sorted(os.listdir(root))
        # Strangers: every 7th lfw-dev person not among the enrolled (40 of them).
        others = [p for p in people if p not in self.PEOPLE]
        strangers = others[::7][:40]
        distractors = [p for p in others if p not in strangers][:150]
        cid = self.new_collection("strangers")

        def enroll(person):
            first = sorted(os.listdir(os.path.join(root, person)))[0]
            self.index(cid, read(os.path.join(root, person, first)), person, MaxFaces=1)

        def best(person, photo):
            out = self.rek.search_faces_by_image(
                CollectionId=cid, Image={"Bytes": read(os.path.join(root, person, photo))}, MaxFaces=1
            )
            return [(m["Face"]["ExternalImageId"], m["Similarity"]) for m in out["FaceMatches"]]

        def named_strangers():
            named = []
            for person in strangers:
                photo = sorted(os.listdir(os.path.join(root, person)))[0]
                hit = best(person, photo)
                if hit:
                    named.append((person, hit))
            return named

        for person in self.PEOPLE:
            enroll(person)
        self.assertEqual(named_strangers(), [], "6-face gallery")
        for person in distractors:
            enroll(person)
        # FPIR at 80 measured on lfw-dev is under 1 % (README, "Open-set identification"), not
        # zero: at most one of these 40 strangers may be named.
        named = named_strangers()
        self.assertLessEqual(len(named), 1, f"{6 + len(distractors)}-face gallery: {named}")
        found = 0
        for person in self.PEOPLE:
            photo = sorted(os.listdir(os.path.join(root, person)))[1]
            hit = best(person, photo)
            found += bool(hit) and hit[0][0] == person
        self.assertGreaterEqual(found, 5, "enrolled people found at the default threshold")


# --------------------------------------------------------------------------------------------
# Raw HTTP: what boto3 validates client-side must still get Rekognition's errors.
# --------------------------------------------------------------------------------------------


class RawProtocolTest(Base):
    def call(self, op, body, want_type, want_status=400, **kw):
        status, headers, data = raw(SERVER, f"RekognitionService.{op}" if op else None, body, **kw)
        self.assertEqual(status, want_status, data)
        self.assertEqual(error_name(data["__type"]), want_type, data)
        self.assertTrue(headers.get("x-amzn-requestid"), headers)
        self.assertIsInstance(data.get("Message"), str)
        return data

    def test_raw_success_matches_the_model(self):
        cid = unique("raw")
        status, headers, data = raw(SERVER, "RekognitionService.CreateCollection", json.dumps({"CollectionId": cid}))
        self.addCleanup(self._drop, cid)
        self.assertEqual(status, 200)
        self.assertEqual(data["StatusCode"], 200)
        status, _, data = raw(
            SERVER, "RekognitionService.DetectFaces", json.dumps({"Image": {"Bytes": b64(example("obama.jpg"))}})
        )
        self.assertEqual(status, 200)
        self.assertEqual(len(data["FaceDetails"]), 1)
        # An empty body is an empty request: ListCollections needs nothing.
        status, _, data = raw(SERVER, "RekognitionService.ListCollections", b"")
        self.assertEqual(status, 200)
        self.assertIn(cid, data["CollectionIds"])

    def test_oversized_bytes(self):
        big = b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 + 1)
        cid = self.new_collection("big")
        body = {"Image": {"Bytes": b64(big)}}
        self.call("DetectFaces", json.dumps(body), "ImageTooLargeException")
        self.call("IndexFaces", json.dumps({"CollectionId": cid, **body}), "ImageTooLargeException")
        self.call("SearchFacesByImage", json.dumps({"CollectionId": cid, **body}), "ImageTooLargeException")
        good = {"Bytes": b64(example("obama.jpg"))}
        self.call("CompareFaces", json.dumps({"SourceImage": good, "TargetImage": body["Image"]}), "ImageTooLargeException")
        # Exactly 5 MB is allowed (and then fails as the non-image it is).
        edge = b"\xff\xd8\xff\xe0" + b"\0" * (5 * 1024 * 1024 - 4)
        self.call("DetectFaces", json.dumps({"Image": {"Bytes": b64(edge)}}), "InvalidImageFormatException")

    def head_only(self, head):
        """Sends a request head (no body follows) and returns the validated error response."""
        sock = socket.create_connection((SERVER.host, SERVER.port), timeout=30)
        try:
            sock.sendall(head)
            resp = http.client.HTTPResponse(sock)
            resp.begin()
            status, headers, body = resp.status, dict(resp.getheaders()), resp.read()
        finally:
            sock.close()
        data = checked(SERVICE_MODEL.operation_model("DetectFaces"), status, headers, body)
        self.assertTrue({k.lower(): v for k, v in headers.items()}.get("x-amzn-requestid"), headers)
        return status, data

    def test_request_body_over_the_server_limit(self):
        # Bigger than any valid request (two 5 MB images in base64): refused from the head alone.
        head = (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: RekognitionService.DetectFaces\r\nContent-Length: 17000000\r\n\r\n"
        )
        status, data = self.head_only(head)
        self.assertEqual((status, error_name(data["__type"])), (413, "ImageTooLargeException"), data)

    def test_malformed_http(self):
        # Framing errors are answered by the HTTP layer (a bare 400, as AWS's front door does)
        # and the connection is closed: nothing after a malformed head is read as a request.
        head = (
            b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: RekognitionService.DetectFaces\r\n"
            b"Content-Length: lots\r\n\r\n"
        )
        out, closed = exchange(head + LIST_REQUEST)
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:200])
        self.assertEqual(out.count(b"HTTP/1.1 "), 1, out)
        self.assertTrue(closed, out)

    def test_ambiguous_framing_cannot_smuggle_a_request(self):
        cid = unique("smuggled")
        inner = json.dumps({"CollectionId": cid}).encode()
        smuggled = (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: RekognitionService.CreateCollection\r\n"
            b"Content-Length: " + str(len(inner)).encode() + b"\r\n\r\n" + inner
        )
        chunked = b"2\r\n{}\r\n0\r\n\r\n"
        head = (
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
            b"X-Amz-Target: RekognitionService.ListCollections\r\n"
        )
        # Content-Length and chunked together: the body is read as chunked (RFC 9112 6.1) and
        # the connection is closed after the one answer, so what follows is never a request.
        both = head + b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + smuggled
        out, closed = exchange(both)
        self.assertTrue(out.startswith(b"HTTP/1.1 200"), out[:200])
        self.assertEqual(out.count(b"HTTP/1.1 "), 1, out)
        self.assertTrue(closed, out)
        # Anything but a final plain `chunked`, and conflicting lengths, are refused outright.
        for framing in (
            b"Transfer-Encoding: chunkedx\r\n",
            b"Transfer-Encoding: xchunked\r\n",
            b"Transfer-Encoding: chunked, gzip\r\n",
            b"Content-Length: 2\r\nContent-Length: 40\r\n",
            b"Content-Length: +2\r\n",
        ):
            with self.subTest(framing=framing):
                out, closed = exchange(head + framing + b"\r\n" + chunked + smuggled)
                self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:200])
                self.assertEqual(out.count(b"HTTP/1.1 "), 1, out)
                self.assertTrue(closed, out)
        self.assertNotIn(cid, self.rek.list_collections()["CollectionIds"])

    def test_idle_and_slow_clients_do_not_stop_a_normal_request(self):
        idle, stop = [], threading.Event()
        slow = socket.create_connection((SERVER.host, SERVER.port), timeout=30)
        try:
            for _ in range(1000):
                idle.append(socket.create_connection((SERVER.host, SERVER.port), timeout=10))
            slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")

            def dribble():
                while not stop.is_set():
                    try:
                        slow.sendall(b"X-Slow: y\r\n")
                    except OSError:
                        return
                    time.sleep(0.5)

            threading.Thread(target=dribble, daemon=True).start()
            rek = rek_client(SERVER.url, connect_timeout=10, read_timeout=20)
            self.assertIn("CollectionIds", rek.list_collections())
            # A head that never ends is cut off by the header timeout (10 s), however it trickles.
            got = b""
            try:
                while True:
                    chunk = slow.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            except ConnectionResetError:
                pass
            except socket.timeout:
                self.fail("the server kept a never-ending request head open for 30 s")
            self.assertNotIn(b"HTTP/1.1 200", got)
        finally:
            stop.set()
            slow.close()
            for s in idle:
                s.close()

    def test_out_of_range_values(self):
        # Ranges boto3 checks itself (minimums): the server must refuse them as well.
        cid = self.new_collection("range")
        img = {"Bytes": b64(example("obama.jpg"))}
        cases = [
            ("CompareFaces", {"SourceImage": img, "TargetImage": img, "SimilarityThreshold": -1}),
            ("IndexFaces", {"CollectionId": cid, "Image": img, "MaxFaces": 0}),
            ("SearchFacesByImage", {"CollectionId": cid, "Image": img, "MaxFaces": 0}),
            ("SearchFacesByImage", {"CollectionId": cid, "Image": img, "FaceMatchThreshold": -0.5}),
            ("ListFaces", {"CollectionId": cid, "MaxResults": -1}),
            ("ListCollections", {"MaxResults": -1}),
            ("CreateCollection", {"CollectionId": ""}),
            ("IndexFaces", {"CollectionId": cid, "Image": img, "ExternalImageId": ""}),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=str(body)[:80]):
                self.call(op, json.dumps(body), "InvalidParameterException")
        self.assertEqual(self.rek.describe_collection(CollectionId=cid)["FaceCount"], 0)

    def test_malformed_json(self):
        for body in ('{"CollectionId": ', "{oops}", "[1, 2]", '"a string"', "42", "null", '{"a":1}{"b":2}'):
            with self.subTest(body=body):
                self.call("ListCollections", body, "SerializationException")
        self.call("DetectFaces", b"\xff\xfe{}", "SerializationException")

    def test_unknown_operation(self):
        for target in ("RekognitionService.DetectLabels", "RekognitionService.Nope", "OtherService.DetectFaces", ""):
            with self.subTest(target=target):
                status, headers, data = raw(SERVER, target, "{}")
                self.assertEqual(status, 400, data)
                self.assertEqual(error_name(data["__type"]), "UnknownOperationException", data)
                self.assertTrue(headers.get("x-amzn-requestid"))
        status, headers, data = raw(SERVER, None, "{}")
        self.assertEqual((status, error_name(data["__type"])), (400, "UnknownOperationException"))

    def test_wrong_json_types(self):
        cid = self.new_collection("types")
        img = {"Bytes": b64(example("obama.jpg"))}
        cases = [
            ("CreateCollection", {"CollectionId": 5}),
            ("DescribeCollection", {"CollectionId": ["x"]}),
            ("ListCollections", {"MaxResults": "2"}),
            ("ListCollections", {"NextToken": 7}),
            ("ListFaces", {"CollectionId": cid, "MaxResults": 1.5}),
            ("ListFaces", {"CollectionId": cid, "FaceIds": "abc"}),
            ("DeleteFaces", {"CollectionId": cid, "FaceIds": "abc"}),
            ("DeleteFaces", {"CollectionId": cid, "FaceIds": [1, 2]}),
            ("IndexFaces", {"CollectionId": cid, "Image": "abc"}),
            ("IndexFaces", {"CollectionId": cid, "Image": img, "MaxFaces": "1"}),
            ("IndexFaces", {"CollectionId": cid, "Image": img, "DetectionAttributes": "ALL"}),
            ("SearchFaces", {"CollectionId": cid, "FaceId": {"id": 1}}),
            ("SearchFacesByImage", {"CollectionId": cid, "Image": img, "FaceMatchThreshold": "80"}),
            ("DetectFaces", {"Image": {"Bytes": 123}}),
            ("DetectFaces", {"Image": {"S3Object": "s3://b/k"}}),
            ("DetectFaces", {"Image": {"Bytes": "!!not base64!!"}}),
            ("CompareFaces", {"SourceImage": img, "TargetImage": img, "SimilarityThreshold": True}),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=str(body)[:60]):
                self.call(op, json.dumps(body), "SerializationException")

    def test_missing_members(self):
        cid = self.new_collection("missingmembers")
        img = {"Bytes": b64(example("obama.jpg"))}
        cases = [
            ("CreateCollection", {}),
            ("DescribeCollection", {}),
            ("DeleteCollection", {}),
            ("IndexFaces", {"CollectionId": cid}),
            ("IndexFaces", {"Image": img}),
            ("IndexFaces", {"CollectionId": cid, "Image": {}}),
            ("ListFaces", {}),
            ("DeleteFaces", {"CollectionId": cid}),
            ("DeleteFaces", {"CollectionId": cid, "FaceIds": []}),
            ("SearchFaces", {"CollectionId": cid}),
            ("SearchFacesByImage", {"CollectionId": cid}),
            ("DetectFaces", {}),
            ("DetectFaces", {"Image": {"Bytes": ""}}),
            ("DetectFaces", {"Image": {"S3Object": {"Name": "k"}}}),
            ("CompareFaces", {"SourceImage": img}),
            ("CompareFaces", {"TargetImage": img}),
        ]
        for op, body in cases:
            with self.subTest(op=op, body=str(body)[:60]):
                self.call(op, json.dumps(body), "InvalidParameterException")

    def test_get_and_other_methods(self):
        conn = http.client.HTTPConnection(SERVER.host, SERVER.port, timeout=30)
        try:
            conn.request("PUT", "/", body=b"{}", headers={"X-Amz-Target": "RekognitionService.ListCollections"})
            resp = conn.getresponse()
            status, headers, body = resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()
        data = checked(None, status, headers, body)
        self.assertEqual((status, error_name(data["__type"])), (400, "UnknownOperationException"))

    def test_the_server_lists_exactly_the_operations_this_suite_checks(self):
        # GET / describes the endpoint; its operation list is the server's dispatch table, so a
        # new server operation without conformance tests (or the reverse) fails here.
        conn = http.client.HTTPConnection(SERVER.host, SERVER.port, timeout=30)
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            status, body = resp.status, json.loads(resp.read())
        finally:
            conn.close()
        self.assertEqual(status, 200)
        self.assertEqual(sorted(body["Operations"]), sorted(OPERATIONS))
        self.assertRegex(body["FaceModelVersion"], r"^1\.[0-9]+$")

    def test_keep_alive_serves_several_requests(self):
        conn = http.client.HTTPConnection(SERVER.host, SERVER.port, timeout=30)
        op_model = SERVICE_MODEL.operation_model("ListCollections")
        try:
            for _ in range(3):
                conn.request(
                    "POST",
                    "/",
                    body=b"{}",
                    headers={"X-Amz-Target": "RekognitionService.ListCollections", "Content-Type": "application/x-amz-json-1.1"},
                )
                resp = conn.getresponse()
                status, headers, body = resp.status, dict(resp.getheaders()), resp.read()
                checked(op_model, status, headers, body)
                self.assertEqual(status, 200)
        finally:
            conn.close()


# --------------------------------------------------------------------------------------------
# Servers with other settings.
# --------------------------------------------------------------------------------------------


class SignatureTest(unittest.TestCase):
    KEY, SECRET = "AKIDCONFORMANCE", "conformance/secret+key"

    @classmethod
    def setUpClass(cls):
        cls.server = Serve(
            "--require-signature", env={"AWS_ACCESS_KEY_ID": cls.KEY, "AWS_SECRET_ACCESS_KEY": cls.SECRET}
        )

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def code(self, fn, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(**kw)
        r = cm.exception.response
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 400, r)
        return r["Error"]["Code"]

    def test_right_keys_pass(self):
        rek = rek_client(self.server.url, self.KEY, self.SECRET)
        cid = unique("signed")
        self.assertEqual(rek.create_collection(CollectionId=cid)["StatusCode"], 200)
        self.assertIn(cid, rek.list_collections()["CollectionIds"])
        det = rek.detect_faces(Image={"Bytes": example("obama.jpg")})
        self.assertEqual(len(det["FaceDetails"]), 1)
        rek.delete_collection(CollectionId=cid)

    def test_wrong_secret_or_key(self):
        wrong = rek_client(self.server.url, self.KEY, "not-the-secret")
        self.assertEqual(self.code(wrong.list_collections), "InvalidSignatureException")
        self.assertEqual(
            self.code(wrong.detect_faces, Image={"Bytes": example("obama.jpg")}), "InvalidSignatureException"
        )
        other = rek_client(self.server.url, "AKIDSOMEONEELSE", self.SECRET)
        self.assertEqual(self.code(other.list_collections), "InvalidSignatureException")

    def test_tampered_body(self):
        rek = rek_client(self.server.url, self.KEY, self.SECRET)

        def tamper(request, **_):
            request.body = b'{"MaxResults": 1}'
            request.headers["Content-Length"] = str(len(request.body))

        # After signing, before sending.
        rek.meta.events.register_first("before-send.rekognition.ListCollections", tamper)
        self.assertEqual(self.code(rek.list_collections, MaxResults=2), "InvalidSignatureException")

    def signed(self, target, body, when=None, scope_day=None, region=REGION, payload_header=None, key=None):
        """Headers of a request signed here (an independent SigV4 signer, not botocore's)."""
        when = when or datetime.datetime.now(datetime.timezone.utc)
        amz_date = when.strftime("%Y%m%dT%H%M%SZ")
        day = scope_day or amz_date[:8]
        headers = {
            "content-type": "application/x-amz-json-1.1",
            "host": f"{self.server.host}:{self.server.port}",
            "x-amz-date": amz_date,
            "x-amz-target": target,
        }
        if payload_header:
            headers["x-amz-content-sha256"] = payload_header
        names = sorted(headers)
        creq = "\n".join(
            [
                "POST",
                "/",
                "",
                "".join(f"{k}:{headers[k]}\n" for k in names),
                ";".join(names),
                payload_header or hashlib.sha256(body).hexdigest(),
            ]
        )
        scope = f"{day}/{region}/rekognition/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
        k = ("AWS4" + self.SECRET).encode()
        for part in (day, region, "rekognition", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={key or self.KEY}/{scope}, SignedHeaders={';'.join(names)}, Signature={sig}"
        )
        return headers

    def send(self, target, body, headers):
        # Exactly the signed headers: a second, unsigned Content-Type would break the signature.
        return raw(self.server, target, body, headers=headers, exact=True)

    def test_the_body_is_what_is_signed(self):
        good = json.dumps({"CollectionId": unique("good")}).encode()
        evil_id = unique("evil")
        evil = json.dumps({"CollectionId": evil_id}).encode()
        target = "RekognitionService.CreateCollection"
        status, _, data = self.send(target, good, self.signed(target, good))
        self.assertEqual(status, 200, data)
        # Signed for one body (its hash in X-Amz-Content-SHA256), sent with another.
        forged = self.signed(target, good, payload_header=hashlib.sha256(good).hexdigest())
        status, _, data = self.send(target, evil, forged)
        self.assertEqual((status, error_name(data["__type"])), (400, "InvalidSignatureException"), data)
        # A body nobody signed is refused unless the operator allows it.
        unsigned = self.signed(target, evil, payload_header="UNSIGNED-PAYLOAD")
        status, _, data = self.send(target, evil, unsigned)
        self.assertEqual((status, error_name(data["__type"])), (400, "InvalidSignatureException"), data)
        rek = rek_client(self.server.url, self.KEY, self.SECRET)
        self.assertNotIn(evil_id, rek.list_collections()["CollectionIds"])

    def test_old_future_and_misscoped_signatures_are_refused(self):
        target, body = "RekognitionService.ListCollections", b"{}"
        now = datetime.datetime.now(datetime.timezone.utc)
        status, _, data = self.send(target, body, self.signed(target, body, when=now - datetime.timedelta(minutes=5)))
        self.assertEqual(status, 200, data)
        cases = {
            "2 hours old": self.signed(target, body, when=now - datetime.timedelta(hours=2)),
            "400 days old": self.signed(target, body, when=now - datetime.timedelta(days=400)),
            "30 days ahead": self.signed(target, body, when=now + datetime.timedelta(days=30)),
            "scope of another day": self.signed(
                target, body, scope_day=(now - datetime.timedelta(days=1)).strftime("%Y%m%d")
            ),
            "another region": self.signed(target, body, region="eu-west-3"),
        }
        for what, headers in cases.items():
            with self.subTest(what=what):
                status, _, data = self.send(target, body, headers)
                self.assertEqual((status, error_name(data["__type"])), (400, "InvalidSignatureException"), data)

    def test_unsigned_raw_request(self):
        status, headers, data = raw(self.server, "RekognitionService.ListCollections", "{}")
        self.assertEqual(status, 400)
        self.assertEqual(error_name(data["__type"]), "MissingAuthenticationTokenException")
        self.assertTrue(headers.get("x-amzn-requestid"))
        status, _, data = raw(
            self.server,
            "RekognitionService.ListCollections",
            "{}",
            headers={"Authorization": "AWS4-HMAC-SHA256 garbage"},
        )
        self.assertEqual((status, error_name(data["__type"])), (400, "InvalidSignatureException"))


class ShutdownTest(unittest.TestCase):
    def test_sigterm_lets_requests_in_flight_finish(self):
        server = Serve("--latency-ms", "1500")
        try:
            result = {}

            def call():
                try:
                    result["ok"] = rek_client(server.url, read_timeout=30).list_collections()
                except Exception as e:  # noqa: BLE001 - reported below
                    result["error"] = e

            t = threading.Thread(target=call)
            t.start()
            time.sleep(0.5)
            server.proc.terminate()
            t.join(30)
            self.assertIn("ok", result, result)
            self.assertEqual(server.proc.wait(20), 0, server.log())
            with self.assertRaises(OSError):
                socket.create_connection((server.host, server.port), timeout=2).close()
        finally:
            server.close()


class QuotaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Serve(global_args=("--tps", "1"))

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def test_rapid_calls_are_throttled(self):
        rek = rek_client(self.server.url)
        outcomes = []
        t0 = time.monotonic()
        for _ in range(6):
            try:
                rek.list_collections()
                outcomes.append("ok")
            except rek.exceptions.ProvisionedThroughputExceededException as e:
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                outcomes.append("throttled")
        elapsed = time.monotonic() - t0
        self.assertEqual(outcomes[0], "ok", outcomes)
        # One token to start with, one more per second that passed.
        self.assertLessEqual(outcomes.count("ok"), 1 + math.floor(elapsed), (outcomes, elapsed))
        self.assertGreaterEqual(outcomes.count("throttled"), 1, outcomes)
        # The quota is per operation: another operation still has its token.
        cid = unique("quota")
        self.assertEqual(rek.create_collection(CollectionId=cid)["StatusCode"], 200)
        # And tokens come back with time.
        time.sleep(1.2)
        self.assertIn(cid, rek.list_collections()["CollectionIds"])

    def test_concurrent_burst(self):
        time.sleep(1.2)
        rek = rek_client(self.server.url)

        def one(_):
            try:
                rek.describe_collection(CollectionId="nothing-here")
                return "ok"
            except rek.exceptions.ResourceNotFoundException:
                return "served"
            except rek.exceptions.ProvisionedThroughputExceededException:
                return "throttled"

        t0 = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(one, range(8)))
        elapsed = time.monotonic() - t0
        self.assertNotIn("ok", got)
        self.assertGreaterEqual(got.count("served"), 1, got)
        self.assertLessEqual(got.count("served"), 1 + math.floor(elapsed), (got, elapsed))
        self.assertEqual(got.count("served") + got.count("throttled"), 8, got)


class ZzAccountingTest(unittest.TestCase):
    """Runs last (alphabetical): every request made so far passed the model check."""

    def test_every_response_was_validated(self):
        self.assertGreater(CHECK.sent, 0)
        self.assertEqual(CHECK.sent, CHECK.validated, CHECK.per_op)
        if CHECK.sent < 100:
            return  # a filtered run: coverage of every operation is for the full suite
        for op in OPERATIONS:
            self.assertGreater(CHECK.per_op.get(op, 0), 0, f"{op} was never exercised")


if __name__ == "__main__":
    unittest.main()
