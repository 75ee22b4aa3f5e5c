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

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

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
}
