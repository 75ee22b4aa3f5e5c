//! Geometry: boxes, IoU and NMS, the resize-and-pad mapping between image and network
//! coordinates, and the least-squares (Umeyama) similarity transform used for alignment.

use serde::{Deserialize, Serialize};

/// An axis-aligned box in original image pixels (x, y = top-left corner).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoundingBox {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl BoundingBox {
    /// Box from corner coordinates.
    pub fn from_corners(x1: f32, y1: f32, x2: f32, y2: f32) -> Self {
        BoundingBox {
            x: x1,
            y: y1,
            width: (x2 - x1).max(0.0),
            height: (y2 - y1).max(0.0),
        }
    }
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }
    pub fn right(&self) -> f32 {
        self.x + self.width
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }
    pub fn contains(&self, px: f32, py: f32) -> bool {
        px >= self.x && px <= self.right() && py >= self.y && py <= self.bottom()
    }
    /// Intersection over union with another box (0 when either is empty).
    pub fn iou(&self, o: &BoundingBox) -> f32 {
        let ix = (self.right().min(o.right()) - self.x.max(o.x)).max(0.0);
        let iy = (self.bottom().min(o.bottom()) - self.y.max(o.y)).max(0.0);
        let inter = ix * iy;
        let union = self.area() + o.area() - inter;
        if union <= 0.0 {
            0.0
        } else {
            inter / union
        }
    }
    /// The box clipped to `[0, w] x [0, h]`.
    pub fn clip(&self, w: f32, h: f32) -> BoundingBox {
        let x1 = self.x.clamp(0.0, w);
        let y1 = self.y.clamp(0.0, h);
        let x2 = self.right().clamp(0.0, w);
        let y2 = self.bottom().clamp(0.0, h);
        BoundingBox::from_corners(x1, y1, x2, y2)
    }
}

/// Greedy non-maximum suppression: visits boxes by descending score and keeps a box only if its
/// IoU with every kept box is at most `iou`. Returns kept indices, highest score first.
pub fn nms(boxes: &[BoundingBox], scores: &[f32], iou: f32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..boxes.len().min(scores.len())).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut keep: Vec<usize> = Vec::new();
    for i in order {
        if keep.iter().all(|&k| boxes[k].iou(&boxes[i]) <= iou) {
            keep.push(i);
        }
    }
    keep
}

/// Mapping between original image pixels and the network input: the image is resized by
/// (`sx`, `sy`) to `resized_w x resized_h`, then padded at the right/bottom to `padded_w x padded_h`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Letterbox {
    pub src_w: u32,
    pub src_h: u32,
    pub resized_w: u32,
    pub resized_h: u32,
    pub padded_w: u32,
    pub padded_h: u32,
    pub sx: f32,
    pub sy: f32,
}

impl Letterbox {
    /// Downscales so the longer side is at most `max_side` (never upscales), then pads each side
    /// to a multiple of `multiple`.
    pub fn new(src_w: u32, src_h: u32, max_side: u32, multiple: u32) -> Letterbox {
        let src_w = src_w.max(1);
        let src_h = src_h.max(1);
        let long = src_w.max(src_h);
        let scale = if max_side > 0 && long > max_side {
            max_side as f64 / long as f64
        } else {
            1.0
        };
        let resized_w = ((src_w as f64 * scale).round() as u32).max(1);
        let resized_h = ((src_h as f64 * scale).round() as u32).max(1);
        let m = multiple.max(1);
        let padded_w = resized_w.div_ceil(m) * m;
        let padded_h = resized_h.div_ceil(m) * m;
        Letterbox {
            src_w,
            src_h,
            resized_w,
            resized_h,
            padded_w,
            padded_h,
            sx: resized_w as f32 / src_w as f32,
            sy: resized_h as f32 / src_h as f32,
        }
    }
    /// Original image point -> network input point.
    pub fn forward(&self, x: f32, y: f32) -> (f32, f32) {
        (x * self.sx, y * self.sy)
    }
    /// Network input point -> original image point (exact inverse of [`Letterbox::forward`]).
    pub fn inverse(&self, x: f32, y: f32) -> (f32, f32) {
        (x / self.sx, y / self.sy)
    }
}

/// A 2x3 affine matrix `[a b tx; c d ty]` mapping (x, y) to (a x + b y + tx, c x + d y + ty).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Affine(pub [[f64; 3]; 2]);

impl Affine {
    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.0;
        (
            m[0][0] * x + m[0][1] * y + m[0][2],
            m[1][0] * x + m[1][1] * y + m[1][2],
        )
    }
    /// Inverse transform, or `None` when the matrix is singular.
    pub fn invert(&self) -> Option<Affine> {
        let m = &self.0;
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        if det.abs() < 1e-12 || !det.is_finite() {
            return None;
        }
        let (a, b, c, d) = (m[1][1] / det, -m[0][1] / det, -m[1][0] / det, m[0][0] / det);
        let tx = -(a * m[0][2] + b * m[1][2]);
        let ty = -(c * m[0][2] + d * m[1][2]);
        Some(Affine([[a, b, tx], [c, d, ty]]))
    }
    /// Uniform scale factor of a similarity transform.
    pub fn scale(&self) -> f64 {
        (self.0[0][0] * self.0[1][1] - self.0[0][1] * self.0[1][0])
            .abs()
            .sqrt()
    }
}

/// Least-squares similarity transform (rotation, uniform scale, translation, no reflection)
/// mapping `src` points onto `dst` points (Umeyama 1991). `None` for degenerate input.
pub fn umeyama(src: &[[f32; 2]], dst: &[[f32; 2]]) -> Option<Affine> {
    let n = src.len();
    if n < 2 || n != dst.len() {
        return None;
    }
    let nf = n as f64;
    let mean = |p: &[[f32; 2]]| {
        let (mut x, mut y) = (0.0, 0.0);
        for q in p {
            x += q[0] as f64;
            y += q[1] as f64;
        }
        (x / nf, y / nf)
    };
    let (msx, msy) = mean(src);
    let (mdx, mdy) = mean(dst);
    // Closed form for 2-D: with centred complex numbers s, d, the optimal rotation+scale is
    // (sum conj(s) d) / (sum |s|^2).
    let (mut re, mut im, mut var) = (0.0f64, 0.0f64, 0.0f64);
    for (s, d) in src.iter().zip(dst) {
        let (sx, sy) = (s[0] as f64 - msx, s[1] as f64 - msy);
        let (dx, dy) = (d[0] as f64 - mdx, d[1] as f64 - mdy);
        re += sx * dx + sy * dy;
        im += sx * dy - sy * dx;
        var += sx * sx + sy * sy;
    }
    if var < 1e-12 || !var.is_finite() || !re.is_finite() || !im.is_finite() {
        return None;
    }
    let a = re / var; // s cos(theta)
    let b = im / var; // s sin(theta)
    let tx = mdx - (a * msx - b * msy);
    let ty = mdy - (b * msx + a * msy);
    Some(Affine([[a, -b, tx], [b, a, ty]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iou_basics() {
        let a = BoundingBox::from_corners(0.0, 0.0, 10.0, 10.0);
        let b = BoundingBox::from_corners(5.0, 0.0, 15.0, 10.0);
        assert!((a.iou(&b) - 50.0 / 150.0).abs() < 1e-6);
        assert_eq!(
            a.iou(&BoundingBox::from_corners(20.0, 20.0, 30.0, 30.0)),
            0.0
        );
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn nms_keeps_the_higher_score() {
        let boxes = [
            BoundingBox::from_corners(0.0, 0.0, 10.0, 10.0),
            BoundingBox::from_corners(1.0, 1.0, 11.0, 11.0),
            BoundingBox::from_corners(50.0, 50.0, 60.0, 60.0),
        ];
        let keep = nms(&boxes, &[0.7, 0.9, 0.8], 0.3);
        assert_eq!(keep, vec![1, 2]);
        // Below the IoU threshold both survive.
        let keep = nms(&boxes[..2], &[0.7, 0.9], 0.9);
        assert_eq!(keep, vec![1, 0]);
    }

    #[test]
    fn letterbox_round_trip() {
        for &(w, h) in &[
            (1280u32, 960u32),
            (250, 250),
            (4912, 7360),
            (641, 33),
            (1, 1),
        ] {
            let lb = Letterbox::new(w, h, 640, 32);
            assert!(lb.resized_w.max(lb.resized_h) <= 640);
            assert_eq!(lb.padded_w % 32, 0);
            assert_eq!(lb.padded_h % 32, 0);
            assert!(lb.padded_w >= lb.resized_w && lb.padded_h >= lb.resized_h);
            for &(x, y) in &[
                (0.0f32, 0.0f32),
                (w as f32, h as f32),
                (w as f32 * 0.37, h as f32 * 0.81),
            ] {
                let (fx, fy) = lb.forward(x, y);
                assert!(fx <= lb.resized_w as f32 + 1e-3 && fy <= lb.resized_h as f32 + 1e-3);
                let (bx, by) = lb.inverse(fx, fy);
                assert!((bx - x).abs() < 1e-3 * w as f32 && (by - y).abs() < 1e-3 * h as f32);
            }
            // The image corner maps exactly onto the resized corner.
            let (cx, cy) = lb.forward(w as f32, h as f32);
            assert!(
                (cx - lb.resized_w as f32).abs() < 1e-3 && (cy - lb.resized_h as f32).abs() < 1e-3
            );
        }
        // Small images are not upscaled.
        let lb = Letterbox::new(250, 250, 640, 32);
        assert_eq!((lb.resized_w, lb.padded_w, lb.sx), (250, 256, 1.0));
    }

    #[test]
    fn umeyama_recovers_known_similarity() {
        let theta = 0.3f64;
        let s = 1.7f64;
        let truth = Affine([
            [s * theta.cos(), -s * theta.sin(), 12.5],
            [s * theta.sin(), s * theta.cos(), -4.0],
        ]);
        let src: Vec<[f32; 2]> = vec![
            [10.0, 20.0],
            [40.0, 22.0],
            [25.0, 35.0],
            [14.0, 50.0],
            [37.0, 49.0],
        ];
        let dst: Vec<[f32; 2]> = src
            .iter()
            .map(|p| {
                let (x, y) = truth.apply(p[0] as f64, p[1] as f64);
                [x as f32, y as f32]
            })
            .collect();
        let est = umeyama(&src, &dst).expect("non-degenerate");
        for r in 0..2 {
            for c in 0..3 {
                assert!(
                    (est.0[r][c] - truth.0[r][c]).abs() < 1e-3,
                    "{est:?} vs {truth:?}"
                );
            }
        }
        assert!((est.scale() - s).abs() < 1e-4);
        let inv = est.invert().expect("invertible");
        let (x, y) = inv.apply(dst[2][0] as f64, dst[2][1] as f64);
        assert!((x - 25.0).abs() < 1e-3 && (y - 35.0).abs() < 1e-3);
        assert!(umeyama(&[[1.0, 1.0], [1.0, 1.0]], &[[0.0, 0.0], [1.0, 1.0]]).is_none());
    }
}
