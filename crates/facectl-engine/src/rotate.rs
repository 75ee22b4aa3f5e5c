//! Rotated detection passes: an in-plane turned copy of a photo for faces YuNet misses when they
//! are tilted far (YuNet is trained on roughly upright faces), and the exact map back.

use crate::detector::Detection;
use crate::geometry::{Affine, BoundingBox};
use image::RgbImage;

/// `rgb` turned by `deg` degrees about its centre (positive: the picture turns clockwise as
/// displayed, with y pointing down) on a canvas that holds all of it (black corners), and the
/// affine map from the turned canvas's pixels back to `rgb`'s.
pub fn rotate(rgb: &RgbImage, deg: f64) -> (RgbImage, Affine) {
    let (w, h) = (rgb.width() as f64, rgb.height() as f64);
    let (s, c) = deg.to_radians().sin_cos();
    // The tolerance keeps exact quarter turns exact (cos 90 degrees is 6e-17, not 0).
    let nw = (w * c.abs() + h * s.abs() - 1e-6).ceil().max(1.0);
    let nh = (w * s.abs() + h * c.abs() - 1e-6).ceil().max(1.0);
    let (cx, cy, ncx, ncy) = (w / 2.0, h / 2.0, nw / 2.0, nh / 2.0);
    // Turned -> original: rotate back by -deg about the canvas centre, then shift.
    let back = Affine([
        [c, s, cx - c * ncx - s * ncy],
        [-s, c, cy + s * ncx - c * ncy],
    ]);
    let mut out = RgbImage::new(nw as u32, nh as u32);
    for (u, v, p) in out.enumerate_pixels_mut() {
        // Pixel centres: continuous (u + 0.5) maps to continuous source, less 0.5 for indices.
        let (sx, sy) = back.apply(u as f64 + 0.5, v as f64 + 0.5);
        if let Some(rgb_px) = crate::imgproc::bilinear(rgb, sx - 0.5, sy - 0.5) {
            for (dst, value) in p.0.iter_mut().zip(rgb_px) {
                *dst = value.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    (out, back)
}

/// A detection on the turned canvas, in the original image: landmarks mapped exactly; the box
/// keeps the face's own width and height around the mapped centre (an axis-aligned box around
/// a turned face), clipped to the image.
pub fn map_back(det: &Detection, back: &Affine, width: u32, height: u32) -> Detection {
    let (cx, cy) = det.bbox.center();
    let (ox, oy) = back.apply(cx as f64, cy as f64);
    let (bw, bh) = (det.bbox.width, det.bbox.height);
    let bbox = BoundingBox {
        x: ox as f32 - bw / 2.0,
        y: oy as f32 - bh / 2.0,
        width: bw,
        height: bh,
    }
    .clip(width as f32, height as f32);
    let mut landmarks = det.landmarks;
    for p in &mut landmarks {
        let (x, y) = back.apply(p[0] as f64, p[1] as f64);
        *p = [x as f32, y as f32];
    }
    Detection {
        bbox,
        landmarks,
        confidence: det.confidence,
    }
}

/// A box-averaged copy of `rgb` whose longest side is `limit` when `rgb` is larger (with the
/// factors that scale the copy's coordinates back), else `None` and 1.
pub fn reduced(rgb: &RgbImage, limit: u32) -> (Option<RgbImage>, (f32, f32)) {
    let (w, h) = rgb.dimensions();
    let limit = limit.max(1);
    if w.max(h) <= limit {
        return (None, (1.0, 1.0));
    }
    let s = limit as f32 / w.max(h) as f32;
    let sw = ((w as f32 * s).round() as u32).max(1);
    let sh = ((h as f32 * s).round() as u32).max(1);
    let small = image::imageops::thumbnail(rgb, sw, sh);
    (Some(small), (w as f32 / sw as f32, h as f32 / sh as f32))
}

/// A detection on a [`reduced`] copy, in the `width` x `height` original's pixels (box clipped).
pub fn scale_back(mut d: Detection, (sx, sy): (f32, f32), width: u32, height: u32) -> Detection {
    if sx == 1.0 && sy == 1.0 {
        return d;
    }
    d.bbox.x = (d.bbox.x * sx).min(width as f32);
    d.bbox.y = (d.bbox.y * sy).min(height as f32);
    d.bbox.width = (d.bbox.width * sx).min(width as f32 - d.bbox.x).max(0.0);
    d.bbox.height = (d.bbox.height * sy).min(height as f32 - d.bbox.y).max(0.0);
    for p in &mut d.landmarks {
        p[0] *= sx;
        p[1] *= sy;
    }
    d
}

/// Re-looks at doubtful faces: each upright detection below `gate` confidence and at least
/// `min_side` pixels that a turned copy saw more confidently (boxes overlapping at IoU >= `iou`)
/// takes that detection's landmarks (which drive alignment); its box and confidence stay the
/// upright ones (a turned copy's box is only approximate). No face is added or removed; each
/// turned detection serves at most one face.
pub fn relook(
    upright: Vec<Detection>,
    turned: &[Detection],
    gate: f32,
    min_side: f32,
    iou: f32,
) -> Vec<Detection> {
    let mut used = vec![false; turned.len()];
    let mut out: Vec<Detection> = upright
        .into_iter()
        .map(|d| {
            if d.confidence >= gate || d.bbox.width.min(d.bbox.height) < min_side {
                return d;
            }
            let best = turned
                .iter()
                .enumerate()
                .filter(|(k, t)| {
                    !used[*k] && t.confidence > d.confidence && t.bbox.iou(&d.bbox) >= iou
                })
                .max_by(|a, b| a.1.confidence.total_cmp(&b.1.confidence));
            match best {
                Some((k, t)) => {
                    used[k] = true;
                    Detection {
                        landmarks: t.landmarks,
                        ..d
                    }
                }
                None => d,
            }
        })
        .collect();
    crate::detector::sort_by_area(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn a_reduced_copy_maps_back_to_the_original() {
        let big = RgbImage::new(9000, 4500);
        let (small, scale) = reduced(&big, 1280);
        let small = small.expect("reduced");
        assert_eq!(small.dimensions(), (1280, 640));
        let d = Detection {
            bbox: BoundingBox {
                x: 100.0,
                y: 50.0,
                width: 20.0,
                height: 30.0,
            },
            landmarks: [[110.0, 60.0]; 5],
            confidence: 90.0,
        };
        let back = scale_back(d.clone(), scale, 9000, 4500);
        let k = 9000.0 / 1280.0;
        assert!(
            (back.bbox.x - 100.0 * k).abs() < 1e-2 && (back.bbox.width - 20.0 * k).abs() < 1e-2
        );
        assert!((back.landmarks[0][1] - 60.0 * k).abs() < 1e-2);
        // Small photos are used as they are.
        assert!(reduced(&small, 1280).0.is_none());
        assert_eq!(scale_back(d.clone(), (1.0, 1.0), 10, 10), d);
    }

    #[test]
    fn a_marked_pixel_maps_back_to_where_it_was() {
        let mut img = RgbImage::new(200, 120);
        img.put_pixel(150, 30, Rgb([255, 255, 255]));
        for deg in [45.0, -45.0, 90.0, 30.0] {
            let (turned, back) = rotate(&img, deg);
            // The brightest pixel of the turned copy (its centre) maps back near the centre of
            // pixel (150, 30), i.e. (150.5, 30.5).
            let (mut best, mut at) = (0u32, (0u32, 0u32));
            for (x, y, p) in turned.enumerate_pixels() {
                let v = p.0.iter().map(|&c| c as u32).sum::<u32>();
                if v > best {
                    best = v;
                    at = (x, y);
                }
            }
            let (x, y) = back.apply(at.0 as f64 + 0.5, at.1 as f64 + 0.5);
            assert!(
                (x - 150.5).abs() <= 1.0 && (y - 30.5).abs() <= 1.0,
                "{deg}: ({x:.1}, {y:.1})"
            );
        }
    }

    #[test]
    fn canvas_holds_the_whole_turned_picture() {
        let img = RgbImage::from_pixel(200, 100, Rgb([10, 20, 30]));
        let (turned, _) = rotate(&img, 45.0);
        let side = (300.0 / 2f64.sqrt()).ceil() as u32;
        assert_eq!((turned.width(), turned.height()), (side, side));
        let (turned, _) = rotate(&img, 90.0);
        assert_eq!((turned.width(), turned.height()), (100, 200));
    }

    #[test]
    fn detections_map_back_with_landmarks_and_a_clipped_box() {
        let img = RgbImage::new(100, 100);
        let (_, back) = rotate(&img, 90.0);
        let det = Detection {
            bbox: BoundingBox {
                x: 40.0,
                y: 40.0,
                width: 20.0,
                height: 20.0,
            },
            landmarks: [[50.0, 50.0]; 5],
            confidence: 90.0,
        };
        let m = map_back(&det, &back, 100, 100);
        assert!((m.landmarks[0][0] - 50.0).abs() < 1e-3 && (m.landmarks[0][1] - 50.0).abs() < 1e-3);
        assert!((m.bbox.width - 20.0).abs() < 1e-3);
        let corner = Detection {
            bbox: BoundingBox {
                x: -5.0,
                y: -5.0,
                width: 20.0,
                height: 20.0,
            },
            ..det
        };
        let (_, back0) = rotate(&img, 0.0);
        let m = map_back(&corner, &back0, 100, 100);
        assert!(m.bbox.x >= 0.0 && m.bbox.y >= 0.0);
    }

    fn det(x: f32, confidence: f32) -> Detection {
        Detection {
            bbox: BoundingBox {
                x,
                y: 0.0,
                width: 50.0,
                height: 50.0,
            },
            landmarks: [[x + 25.0, 25.0]; 5],
            confidence,
        }
    }

    #[test]
    fn relook_replaces_only_doubtful_faces_seen_better_turned() {
        let upright = vec![
            det(0.0, 80.0),
            det(100.0, 95.0),
            det(200.0, 85.0),
            det(300.0, 70.0),
        ];
        let turned = vec![
            det(5.0, 92.0),   // overlaps the doubtful face at 0: replaces it
            det(105.0, 99.0), // overlaps a confident face: ignored
            det(205.0, 80.0), // less confident than the face at 200: ignored
            det(600.0, 99.0), // overlaps nothing: not added
        ];
        let out = relook(upright.clone(), &turned, 90.0, 40.0, 0.3);
        assert_eq!(out.len(), 4);
        let at = |x: f32| out.iter().find(|d| (d.bbox.x - x).abs() < 10.0).cloned();
        // Landmarks come from the turned copy; box and confidence stay.
        let lm_x = |x: f32| at(x).map(|d| d.landmarks[0][0]);
        assert_eq!(at(0.0).map(|d| (d.bbox.x, d.confidence)), Some((0.0, 80.0)));
        assert_eq!(lm_x(0.0), Some(30.0));
        assert_eq!(lm_x(100.0), Some(125.0));
        assert_eq!(lm_x(200.0), Some(225.0));
        assert_eq!(lm_x(300.0), Some(325.0));
        assert!(at(600.0).is_none());
        // Faces under the minimum size are left alone.
        let small = relook(upright, &turned, 90.0, 60.0, 0.3);
        assert!(small.iter().all(|d| d.landmarks[0][0] != 30.0));
    }

    #[test]
    fn one_turned_detection_replaces_one_face() {
        let upright = vec![det(0.0, 80.0), det(10.0, 75.0)];
        let out = relook(upright, &[det(5.0, 95.0)], 90.0, 40.0, 0.3);
        assert_eq!(out.iter().filter(|d| d.landmarks[0][0] == 30.0).count(), 1);
        assert_eq!(out.len(), 2);
    }
}
