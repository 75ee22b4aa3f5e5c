#!/usr/bin/env python3
"""The REST API of `facectl serve` (/api/v1 and the tutorials' /register, /verify), driven over
HTTP as a front end would, on both backends with one contract:

- LocalRestTest: `facectl serve --in-memory` (local backend in a temporary folder);
- AwsRestTest: `facectl --backend aws serve` whose S3 and DynamoDB are a moto_server and whose
  Rekognition is a second `facectl serve` (the Rekognition endpoint alone, `--no-web`);
- WebGuardTest: the access token, the loopback Host check and the cross-origin check.

Run with the moto venv's python (`scripts/moto.sh install`; only the standard library is used
besides moto_server):

    FACECTL_BIN=$CARGO_TARGET_DIR/debug/facectl FACECTL_MODEL_DIR=../shared/models \\
        $HOME/.cache/facectl-moto-venv/bin/python tests/rest_api/rest_api.py -v

`cargo test --test serve_conformance` runs it.
"""

import base64
import http.client
import json
import os
import subprocess
import sys
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EXAMPLES = os.path.join(REPO, "examples", "images")
sys.path.insert(0, os.path.join(REPO, "tests", "rekognition_conformance"))
from conformance import Serve, start_moto, stop  # noqa: E402


def example(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


def multipart(fields=(), files=()):
    """(body, content type) of a multipart/form-data form: fields (name, value), files
    (field, file name, bytes)."""
    boundary = "facectl" + uuid.uuid4().hex
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, filename, data in files:
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class Client:
    def __init__(self, port, headers=None):
        self.port = port
        self.headers = headers or {}

    def call(self, method, path, body=None, content_type=None, headers=None):
        """(status, headers, parsed JSON or raw bytes)."""
        h = {"Host": f"127.0.0.1:{self.port}", **self.headers, **(headers or {})}
        if content_type:
            h["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            status, rh, data = resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()
        if rh.get("content-type", "").startswith("application/json"):
            data = json.loads(data)
        return status, rh, data

    def form(self, path, fields=(), files=(), method="POST"):
        body, ct = multipart(fields, files)
        return self.call(method, path, body, ct)

    def get(self, path):
        return self.call("GET", path)


class RestContract:
    """What both backends must do. Subclasses set `cls.client` in setUpClass."""

    client = None

    def ok(self, answer, status=200):
        code, _, body = answer
        self.assertEqual(code, status, body)
        return body

    def refused(self, answer, status, code):
        got, headers, body = answer
        self.assertEqual(got, status, body)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertTrue(body["error"]["message"], body)
        return body

    def register(self, name, *photos):
        return self.client.form("/api/v1/persons", [("name", name)], [("photo", p, example(p)) for p in photos])

    def person_ids(self):
        return {p["person_id"] for p in self.ok(self.client.get("/api/v1/persons"))["persons"]}

    def who(self, photo, **fields):
        report = self.ok(self.client.form("/api/v1/search", list(fields.items()), [("photo", photo, example(photo))]))
        out = []
        for f in sorted(report["faces"], key=lambda f: f["face"]["box"]["x"]):
            best = f["matches"][0] if f["matches"] else None
            out.append(best["person"]["name"] if best and best.get("person") else None)
        return out

    def test_a_whole_workflow_register_search_verify_compare_delete(self):
        c = self.client
        tag = uuid.uuid4().hex[:6]
        biden, obama = f"Joe Biden {tag}", f"Barack Obama {tag}"
        r = self.ok(self.register(biden, "biden.jpg"), 201)
        self.assertEqual(r["faces_indexed"], 1, r)
        biden_id = r["person"]["person_id"]
        r = self.ok(self.register(obama, "obama.jpg", "obama2.jpg"), 201)
        self.assertEqual(r["faces_indexed"], 2, r)
        obama_id = r["person"]["person_id"]

        # Both names, each on its own face (Obama left, Biden right in two_people.jpg).
        self.assertEqual(self.who("two_people.jpg"), [obama, biden])
        # A stranger gets no name.
        names = self.who("grace_hopper.jpg")
        self.assertEqual(len(names), 1)
        self.assertIsNone(names[0], "a stranger was named")

        v = self.ok(c.form("/api/v1/verify", [("person_id", obama_id)], [("photo", "obama2.jpg", example("obama2.jpg"))]))
        self.assertTrue(v["matched"], v)
        self.assertGreaterEqual(v["similarity"], 80, v)
        v = self.ok(c.form("/api/v1/verify", [("name", biden)], [("photo", "obama2.jpg", example("obama2.jpg"))]))
        self.assertFalse(v["matched"], v)
        cmp = self.ok(c.form("/api/v1/compare", files=[("source", "a.jpg", example("obama.jpg")), ("target", "b.jpg", example("obama2.jpg"))]))
        self.assertTrue(cmp["matched"], cmp)
        cmp = self.ok(c.form("/api/v1/compare", files=[("source", "a.jpg", example("obama.jpg")), ("target", "b.jpg", example("biden.jpg"))]))
        self.assertFalse(cmp["matched"], cmp)

        persons = {p["person_id"]: p for p in self.ok(c.get("/api/v1/persons"))["persons"]}
        self.assertEqual(persons[obama_id]["faces"], 2)
        self.assertEqual(len(persons[obama_id]["face_ids"]), 2)
        shown = self.ok(c.get(f"/api/v1/persons/{obama_id}"))
        self.assertEqual(shown["person"]["name"], obama)
        self.assertEqual(len(shown["face_records"]), 2)
        code, headers, jpeg = c.get(f"/api/v1/faces/{persons[obama_id]['face_ids'][0]}/thumbnail?size=64")
        self.assertEqual((code, headers["content-type"]), (200, "image/jpeg"), jpeg)
        self.assertTrue(jpeg.startswith(b"\xff\xd8\xff"), "not a JPEG")

        gone = self.ok(c.call("DELETE", f"/api/v1/persons/{biden_id}"))
        self.assertEqual(len(gone["face_ids"]), 1, gone)
        self.assertNotIn(biden_id, self.person_ids())
        self.refused(c.get(f"/api/v1/persons/{biden_id}"), 404, "person_not_found")
        self.refused(c.call("DELETE", f"/api/v1/persons/{biden_id}"), 404, "person_not_found")
        self.assertEqual(self.who("two_people.jpg"), [obama, None], "a deleted person is still found")
        self.ok(c.call("DELETE", f"/api/v1/persons/{obama_id}"))

    def test_the_same_photo_twice_is_enrolled_once(self):
        name = f"Twice {uuid.uuid4().hex[:6]}"
        first = self.ok(self.register(name, "obama.jpg"), 201)
        pid = first["person"]["person_id"]
        again = self.ok(self.client.form("/api/v1/persons", [("name", name)], [("photo", "a.jpg", example("obama.jpg")), ("photo", "b.jpg", example("obama.jpg"))]), 201)
        self.assertEqual(again["faces_indexed"], 0, again)
        self.assertEqual([f["status"] for f in again["files"]], ["skipped", "skipped"], again)
        self.assertEqual(self.ok(self.client.get(f"/api/v1/persons/{pid}"))["faces"], 1)
        self.ok(self.client.call("DELETE", f"/api/v1/persons/{pid}"))

    def test_bad_uploads_are_refused_by_name_and_nothing_is_stored(self):
        c = self.client
        before = self.ok(c.get("/api/v1/status"))
        truncated = example("biden.jpg")[:2000]
        for photo, data in [("garbage.jpg", b"this is not a photo"), ("cut.jpg", truncated)]:
            body = self.refused(c.form("/api/v1/search", files=[("photo", photo, data)]), 422, "invalid_image")
            self.assertIn(photo, body["error"]["message"])
        body = self.refused(c.form("/api/v1/search", files=[("photo", "empty.jpg", b"")]), 422, "invalid_image")
        self.assertIn("empty.jpg", body["error"]["message"])
        body = self.refused(c.form("/api/v1/persons", [("name", "Nobody Here")], [("photo", "garbage.jpg", b"GIF89a nope")]), 422, "nothing_enrolled")
        self.assertIn("garbage.jpg", body["error"]["message"])
        self.assertEqual(body["detail"]["files"][0]["status"], "failed", body)
        self.refused(c.form("/api/v1/persons", [("name", "No Face")], [("photo", "dogs.png", blank_png())]), 422, "nothing_enrolled")
        after = self.ok(c.get("/api/v1/status"))
        self.assertEqual(after["face_records"], before["face_records"])
        self.assertEqual(after["store"]["objects"], before["store"]["objects"])
        self.assertNotIn("Nobody_Here", self.person_ids())

    def test_missing_and_wrong_fields_have_stable_codes(self):
        c = self.client
        self.refused(c.form("/api/v1/search", [("threshold", "80")]), 400, "photo_missing")
        self.refused(c.form("/api/v1/search", [("threshold", "101")], [("photo", "o.jpg", example("obama.jpg"))]), 400, "invalid_request")
        self.refused(c.form("/api/v1/search", [("threshold", "high")], [("photo", "o.jpg", example("obama.jpg"))]), 400, "invalid_request")
        self.refused(c.form("/api/v1/persons", files=[("photo", "o.jpg", example("obama.jpg"))]), 400, "name_missing")
        self.refused(c.form("/api/v1/verify", files=[("photo", "o.jpg", example("obama.jpg"))]), 400, "person_missing")
        self.refused(c.form("/api/v1/verify", [("name", "Nobody At All")], [("photo", "o.jpg", example("obama.jpg"))]), 404, "person_not_found")
        self.refused(c.form("/api/v1/compare", files=[("source", "o.jpg", example("obama.jpg"))]), 400, "photo_missing")
        self.refused(c.call("POST", "/api/v1/search", b"hello", "text/plain"), 415, "unsupported_media_type")
        self.refused(c.call("POST", "/api/v1/search", b"--x\r\nbroken", "multipart/form-data; boundary=x"), 400, "bad_multipart")
        self.refused(c.get("/api/v1/no-such-route"), 404, "not_found")
        self.refused(c.call("PUT", "/api/v1/persons", b"{}", "application/json"), 405, "method_not_allowed")
        self.refused(c.get("/api/v1/faces/no-such-face/thumbnail"), 404, "not_found")

    def test_a_raw_image_body_and_base64_json_work_like_a_form(self):
        c = self.client
        name = f"Raw {uuid.uuid4().hex[:6]}"
        pid = self.ok(self.register(name, "obama.jpg"), 201)["person"]["person_id"]
        raw = self.ok(c.call("POST", "/api/v1/search?largest=true", example("obama2.jpg"), "image/jpeg"))
        self.assertEqual(raw["faces"][0]["matches"][0]["person"]["person_id"], pid, raw)
        doc = json.dumps({"image": "data:image/jpeg;base64," + base64.b64encode(example("obama2.jpg")).decode(), "person_id": pid})
        v = self.ok(c.call("POST", "/api/v1/verify", doc, "application/json"))
        self.assertTrue(v["matched"], v)
        self.ok(c.call("DELETE", f"/api/v1/persons/{pid}"))

    def test_the_tutorial_routes_register_and_verify(self):
        c = self.client
        tag = uuid.uuid4().hex[:6]
        doc = json.dumps({"firstName": "Barack", "lastName": f"Obama{tag}", "image": base64.b64encode(example("obama.jpg")).decode()})
        r = self.ok(c.call("POST", "/register", doc, "application/json"), 201)
        pid = r["person"]["person_id"]
        self.assertEqual(r["person"]["name"], f"Barack Obama{tag}")
        who = self.ok(c.form("/verify", files=[("file", "x.jpg", example("obama2.jpg"))]))
        self.assertEqual((who["recognized"], who["person_id"]), (True, pid), who)
        stranger = self.ok(c.form("/verify", files=[("file", "x.jpg", example("grace_hopper.jpg"))]))
        self.assertFalse(stranger["recognized"], stranger)
        one = self.ok(c.form("/verify", [("person_id", pid)], [("file", "x.jpg", example("biden.jpg"))]))
        self.assertFalse(one["verified"], one)
        self.ok(c.call("DELETE", f"/api/v1/persons/{pid}"))

    def test_uploads_over_the_limits_get_413(self):
        c = self.client
        big = b"\xff\xd8\xff" + b"\0" * (21 * 1024 * 1024)
        self.refused(c.form("/api/v1/search", files=[("photo", "big.jpg", big)]), 413, "photo_too_large")
        # A declared 65 MB body is refused from its head, before any of it is read.
        import socket
        with socket.create_connection(("127.0.0.1", c.port), timeout=30) as sock:
            sock.sendall(f"POST /api/v1/search HTTP/1.1\r\nHost: 127.0.0.1:{c.port}\r\nContent-Type: image/jpeg\r\nContent-Length: {65 * 1024 * 1024}\r\n\r\n".encode())
            answer = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 413"), answer[:300])
        self.assertIn(b"connection: close", head.lower())
        self.assertEqual(json.loads(body)["error"]["code"], "request_too_large", body)

    def test_health_status_and_the_openapi_document(self):
        c = self.client
        h = self.ok(c.get("/api/v1/health"))
        self.assertEqual((h["status"], h["backend"]), ("ok", self.backend))
        s = self.ok(c.get("/api/v1/status"))
        self.assertEqual(s["backend"], self.backend)
        doc = self.ok(c.get("/api/v1/openapi.json"))
        self.assertTrue(doc["openapi"].startswith("3."))
        # Every documented route exists (a wrong method is 405, not 404).
        for path, ops in doc["paths"].items():
            concrete = path.replace("{id}", "x")
            for method in ops:
                if method == "parameters":
                    continue
                code, _, body = c.call("PATCH", "/api/v1" + concrete)
                self.assertEqual(code, 405, f"{path}: {body}")


def blank_png():
    """A 64x64 grey PNG (no face), made with zlib."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + b"\x80" * 64 for _ in range(64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class LocalRestTest(RestContract, unittest.TestCase):
    backend = "local"

    @classmethod
    def setUpClass(cls):
        cls.server = Serve()
        cls.client = Client(cls.server.port)

    @classmethod
    def tearDownClass(cls):
        cls.server.close()


class AwsRestTest(RestContract, unittest.TestCase):
    backend = "aws"

    @classmethod
    def setUpClass(cls):
        cls.rek = cls.server = None
        cls.moto, moto_url = start_moto()
        try:
            cls.rek = Serve("--no-web", "--s3-endpoint-url", moto_url, global_args=("--region", "us-east-1"))
            aws = ("--backend", "aws", "--region", "us-east-1", "--endpoint-url", moto_url,
                   "--rekognition-endpoint-url", cls.rek.url, "--bucket", "rest-faces", "--force-path-style")
            binary = os.environ["FACECTL_BIN"]
            env = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FACECTL_")) or k == "FACECTL_MODEL_DIR"},
                   "AWS_ACCESS_KEY_ID": "rest", "AWS_SECRET_ACCESS_KEY": "rest", "AWS_EC2_METADATA_DISABLED": "true",
                   "HOME": cls.rek.home}
            done = subprocess.run([binary, *aws, "provision"], env=env, capture_output=True, timeout=120)
            if done.returncode != 0:
                raise RuntimeError(f"provision failed: {done.stderr.decode(errors='replace')}")
            cls.server = Serve(global_args=aws)
            cls.client = Client(cls.server.port)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in (cls.server, cls.rek):
            if s is not None:
                s.close()
        stop(cls.moto)


class WebGuardTest(unittest.TestCase):
    """Who may call: tokens, loopback names, same-origin writes."""

    def test_a_token_guards_every_call_but_health(self):
        token = "t0ken-" + uuid.uuid4().hex
        s = Serve("--token", token)
        try:
            anon = Client(s.port)
            code, headers, body = anon.get("/api/v1/persons")
            self.assertEqual((code, body["error"]["code"]), (401, "unauthorized"), body)
            self.assertIn("Bearer", headers.get("www-authenticate", ""))
            code, _, body = Client(s.port, {"Authorization": "Bearer wrong" + token[5:]}).get("/api/v1/persons")
            self.assertEqual((code, body["error"]["message"]), (401, "the access token is wrong"))
            self.assertEqual(anon.form("/api/v1/persons", [("name", "X")], [("photo", "o.jpg", example("obama.jpg"))])[0], 401)
            self.assertEqual(anon.form("/register", [("name", "X")], [("photo", "o.jpg", example("obama.jpg"))])[0], 401)
            self.assertEqual(anon.get("/api/v1/health")[0], 200)
            self.assertEqual(anon.get("/console/")[0], 200)
            good = Client(s.port, {"Authorization": f"Bearer {token}"})
            self.assertEqual(good.get("/api/v1/persons")[0], 200)
            # The console's hand-over: the token once in the address, then an HTTP-only cookie.
            code, headers, _ = anon.get(f"/console/?token={token}")
            self.assertEqual((code, headers["location"]), (303, "/console/"))
            cookie = headers["set-cookie"]
            self.assertIn("HttpOnly", cookie)
            self.assertIn("SameSite=Strict", cookie)
            jar = Client(s.port, {"Cookie": cookie.split(";")[0]})
            self.assertEqual(jar.get("/api/v1/status")[0], 200)
            code, headers, _ = anon.get("/console/?token=nope")
            self.assertEqual((code, headers["location"]), (303, "/console/#token-refused"))
            self.assertNotIn("set-cookie", headers)
        finally:
            s.close()

    def test_beyond_loopback_a_token_is_generated_and_required(self):
        s = Serve(listen="0.0.0.0:0")
        try:
            log = s.log()
            marker = "access token generated for this run: "
            self.assertIn(marker, log)
            token = log.split(marker, 1)[1].split(";", 1)[0].strip()
            self.assertEqual(len(token), 32, log)
            c = Client(s.port, {"Host": f"192.0.2.1:{s.port}"})
            self.assertEqual(c.get("/api/v1/persons")[0], 401)
            c.headers["Authorization"] = f"Bearer {token}"
            self.assertEqual(c.get("/api/v1/persons")[0], 200)
            self.assertIn("--require-signature", log, "no warning about the unsigned Rekognition endpoint")
        finally:
            s.close()

    def test_without_a_token_only_same_machine_pages_may_call(self):
        s = Serve()
        try:
            # DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 sends its own Host.
            code, _, body = Client(s.port, {"Host": f"evil.example:{s.port}"}).get("/api/v1/persons")
            self.assertEqual((code, body["error"]["code"]), (403, "host_not_allowed"))
            # A cross-site form post (no preflight for multipart) is refused before any work.
            evil = Client(s.port, {"Origin": "http://evil.example"})
            code, _, body = evil.form("/api/v1/persons", [("name", "Planted")], [("photo", "o.jpg", example("obama.jpg"))])
            self.assertEqual((code, body["error"]["code"]), (403, "cross_origin"))
            code, _, body = evil.call("DELETE", "/api/v1/persons/x")
            self.assertEqual(code, 403)
            persons = Client(s.port).get("/api/v1/persons")[2]["persons"]
            self.assertEqual(persons, [])
            same = Client(s.port, {"Origin": f"http://127.0.0.1:{s.port}"})
            self.assertEqual(same.form("/api/v1/search", files=[("photo", "o.jpg", example("obama.jpg"))])[0], 200)
            # The console's pages carry a strict content security policy.
            code, headers, _ = Client(s.port).get("/console/")
            self.assertIn("default-src 'self'", headers["content-security-policy"])
            self.assertEqual(headers["x-frame-options"], "DENY")
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
