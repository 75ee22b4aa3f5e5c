#!/usr/bin/env python3
"""Same-pipeline speed reference for facectl-engine: YuNet + SFace with Python onnxruntime.

Runs the pipeline facectl-eval bench runs (decode, YuNet at the image size padded to a multiple of
32, stride 8/16/32 decoding, NMS, 5-point similarity alignment, SFace, L2 norm) on the same
640x480 photos, with onnxruntime sessions limited to one intra-op thread, and reports decode /
detection / embedding milliseconds and end-to-end images/s with 1 and 2 worker processes.

onnxruntime refuses the block-quantized files as they are, so they are folded to float32 first
(the same folding the Rust engine does at load time).

Usage: scripts/bench_engine_ort.py --images DIR --models DIR [--seconds 10] [--json OUT]
The venv is made by scripts/bench_engine.sh (.venv-bench: onnxruntime numpy pillow onnx opencv-python-headless).
"""
import argparse
import io
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper
from PIL import Image

TEMPLATE = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                     [41.5493, 92.3655], [70.7299, 92.2041]], np.float64)


def fold(src, dst, dynamic_hw):
    """Replaces constant DequantizeLinear nodes (incl. block_size) by float32 initializers."""
    m = onnx.load(src)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    keep = []
    for n in g.node:
        if n.op_type == "DequantizeLinear" and all(i in inits for i in n.input if i):
            q = numpy_helper.to_array(inits[n.input[0]]).astype(np.float32)
            s = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
            z = (numpy_helper.to_array(inits[n.input[2]]).astype(np.float32)
                 if len(n.input) > 2 and n.input[2] else np.zeros_like(s))
            a = {x.name: x.i for x in n.attribute}
            axis, bs = a.get("axis", 1), a.get("block_size", 0)
            if s.size == 1:
                w = (q - z.reshape(())) * s.reshape(())
            elif bs > 0:
                sl = [slice(None)] * q.ndim
                sl[axis] = slice(0, q.shape[axis])
                w = (q - np.repeat(z, bs, axis=axis)[tuple(sl)]) * np.repeat(s, bs, axis=axis)[tuple(sl)]
            else:
                shp = [1] * q.ndim
                shp[axis] = -1
                w = (q - z.reshape(shp)) * s.reshape(shp)
            t = numpy_helper.from_array(w.astype(np.float32), n.output[0])
            g.initializer.append(t)
            inits[n.output[0]] = t
        else:
            keep.append(n)
    del g.node[:]
    g.node.extend(keep)
    used = {i for n in g.node for i in n.input}
    live = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(live)
    names = {t.name for t in g.initializer}
    ins = [i for i in g.input if i.name not in names and i.name in used]
    del g.input[:]
    g.input.extend(ins)
    if dynamic_hw:
        d = g.input[0].type.tensor_type.shape.dim
        d[2].dim_param, d[3].dim_param = "h", "w"
        for o in g.output:
            for x in o.type.tensor_type.shape.dim:
                x.dim_param = "n"
        del g.value_info[:]
    onnx.save(m, dst)


def session(path):
    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


class Pipeline:
    def __init__(self, det_path, rec_path):
        self.det = session(det_path)
        self.rec = session(rec_path)
        self.det_out = [o.name for o in self.det.get_outputs()]
        self.rec_in = self.rec.get_inputs()[0].name

    def detect(self, rgb, thr=0.6, nms_iou=0.3):
        h, w = rgb.shape[:2]
        ph, pw = (h + 31) // 32 * 32, (w + 31) // 32 * 32
        x = np.zeros((1, 3, ph, pw), np.float32)
        x[0, :, :h, :w] = rgb[:, :, ::-1].transpose(2, 0, 1)  # BGR planes
        out = dict(zip(self.det_out, self.det.run(None, {"input": x})))
        boxes, scores, lms = [], [], []
        for s in (8, 16, 32):
            cols = pw // s
            cls = np.clip(out[f"cls_{s}"][0, :, 0], 0, 1)
            obj = np.clip(out[f"obj_{s}"][0, :, 0], 0, 1)
            sc = np.sqrt(cls * obj)
            idx = np.where(sc >= thr)[0]
            if idx.size == 0:
                continue
            r, c = (idx // cols).astype(np.float32), (idx % cols).astype(np.float32)
            b = out[f"bbox_{s}"][0, idx]
            k = out[f"kps_{s}"][0, idx]
            cx, cy = (c + b[:, 0]) * s, (r + b[:, 1]) * s
            bw, bh = np.exp(b[:, 2]) * s, np.exp(b[:, 3]) * s
            boxes.append(np.stack([cx - bw / 2, cy - bh / 2, bw, bh], 1))
            scores.append(sc[idx])
            lm = k.reshape(-1, 5, 2).copy()
            lm[:, :, 0] = (lm[:, :, 0] + c[:, None]) * s
            lm[:, :, 1] = (lm[:, :, 1] + r[:, None]) * s
            lms.append(lm)
        if not boxes:
            return []
        boxes, scores, lms = np.concatenate(boxes), np.concatenate(scores), np.concatenate(lms)
        order = np.argsort(-scores)
        keep = []
        for i in order:
            ok = True
            for j in keep:
                x1 = max(boxes[i, 0], boxes[j, 0]); y1 = max(boxes[i, 1], boxes[j, 1])
                x2 = min(boxes[i, 0] + boxes[i, 2], boxes[j, 0] + boxes[j, 2])
                y2 = min(boxes[i, 1] + boxes[i, 3], boxes[j, 1] + boxes[j, 3])
                inter = max(0, x2 - x1) * max(0, y2 - y1)
                if inter / (boxes[i, 2] * boxes[i, 3] + boxes[j, 2] * boxes[j, 3] - inter) > nms_iou:
                    ok = False
                    break
            if ok:
                keep.append(i)
        faces = [(boxes[i], scores[i], lms[i]) for i in keep]
        faces.sort(key=lambda f: -f[0][2] * f[0][3])
        return faces

    def embed(self, rgb, lm):
        import cv2
        src = lm.astype(np.float64)
        ms, md = src.mean(0), TEMPLATE.mean(0)
        zs = (src - ms) @ np.array([1, 1j])
        zd = (TEMPLATE - md) @ np.array([1, 1j])
        z = (np.conj(zs) * zd).sum() / (np.abs(zs) ** 2).sum()
        a, b = z.real, z.imag
        t = md - np.array([a * ms[0] - b * ms[1], b * ms[0] + a * ms[1]])
        M = np.array([[a, -b, t[0]], [b, a, t[1]]])
        crop = cv2.warpAffine(rgb, M, (112, 112), flags=cv2.INTER_LINEAR, borderValue=0)
        x = crop.astype(np.float32).transpose(2, 0, 1)[None]
        e = self.rec.run(None, {self.rec_in: x})[0][0]
        return e / np.linalg.norm(e)

    def full(self, data):
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        faces = self.detect(rgb)
        return self.embed(rgb, faces[0][2]) if faces else None


def worker(args):
    det, rec, blobs, secs, barrier = args
    p = Pipeline(det, rec)
    for b in blobs:
        p.full(b)
    barrier.wait()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs:
        p.full(blobs[n % len(blobs)])
        n += 1
    return n, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--json")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="facectl-ort-")
    det = os.path.join(tmp, "yunet.onnx")
    rec = os.path.join(tmp, "sface.onnx")
    fold(os.path.join(a.models, "face_detection_yunet_2023mar_int8bq.onnx"), det, True)
    fold(os.path.join(a.models, "face_recognition_sface_2021dec_int8bq.onnx"), rec, False)
    files = sorted(f for f in os.listdir(a.images) if f.endswith(".jpg"))
    blobs = [open(os.path.join(a.images, f), "rb").read() for f in files]
    p = Pipeline(det, rec)
    imgs = [np.asarray(Image.open(io.BytesIO(b)).convert("RGB")) for b in blobs]
    for im in imgs:
        p.detect(im)
    dec, dt, em = [], [], []
    for _ in range(a.reps):
        for b, im in zip(blobs, imgs):
            t = time.perf_counter(); np.asarray(Image.open(io.BytesIO(b)).convert("RGB")); dec.append(time.perf_counter() - t)
            t = time.perf_counter(); faces = p.detect(im); dt.append(time.perf_counter() - t)
            if faces:
                t = time.perf_counter(); p.embed(im, faces[0][2]); em.append(time.perf_counter() - t)
    res = {"runtime": f"onnxruntime {ort.__version__}", "images": len(blobs),
           "decode_ms": statistics.median(dec) * 1e3, "detect_ms": statistics.median(dt) * 1e3,
           "embed_ms": statistics.median(em) * 1e3}
    ctx = mp.get_context("spawn")
    for workers in (1, 2):
        barrier = ctx.Manager().Barrier(workers)
        with ctx.Pool(workers) as pool:
            out = pool.map(worker, [(det, rec, blobs, a.seconds, barrier)] * workers)
        res[f"img_per_s_{workers}"] = sum(n / t for n, t in out)
    res["loadavg"] = open("/proc/loadavg").read().strip()
    print(f"onnxruntime bench: {len(blobs)} single-face 640x480 photos, {a.reps} reps, {res['runtime']}")
    print(f"  decode {res['decode_ms']:.2f} ms, detection {res['detect_ms']:.2f} ms, embedding {res['embed_ms']:.2f} ms/face (medians, 1 thread)")
    print(f"  end to end: {res['img_per_s_1']:.1f} img/s with 1 worker, {res['img_per_s_2']:.1f} img/s with 2 workers")
    print(f"  load average at end: {res['loadavg']}")
    if a.json:
        json.dump(res, open(a.json, "w"), indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
