//! Pixel work: antialiased resize into the detector's padded BGR tensor, bilinear affine warp
//! into the recognizer's RGB tensor, and the statistics (brightness, Laplacian variance) used
//! by the quality module.

use image::RgbImage;

use crate::geometry::{Affine, Letterbox};

/// Per-output-pixel filter taps for a 1-D resize: (first source index, weights).
struct Taps {
    start: Vec<usize>,
    weights: Vec<Vec<f32>>,
}

fn taps(src: usize, dst: usize) -> Taps {
    let scale = dst as f64 / src as f64;
    let support = if scale < 1.0 { 1.0 / scale } else { 1.0 };
    let mut start = Vec::with_capacity(dst);
    let mut weights = Vec::with_capacity(dst);
    for o in 0..dst {
        let c = (o as f64 + 0.5) / scale - 0.5;
        let lo = (c - support).floor().max(0.0) as usize;
        let hi = ((c + support).ceil() as usize).min(src.saturating_sub(1));
        let mut w: Vec<f32> = (lo..=hi)
            .map(|i| (1.0 - ((i as f64 - c).abs() / support)).max(0.0) as f32)
            .collect();
        let sum: f32 = w.iter().sum();
        if sum > 0.0 {
            w.iter_mut().for_each(|v| *v /= sum);
        } else {
            // Degenerate (can only happen at the very edge): nearest pixel.
            w.iter_mut().for_each(|v| *v = 0.0);
            let n = ((c.round().max(0.0) as usize).min(src - 1)).saturating_sub(lo);
            if let Some(v) = w.get_mut(n) {
                *v = 1.0;
            }
        }
        start.push(lo);
        weights.push(w);
    }
    Taps { start, weights }
}

/// Fills a `1x3xHxW` BGR float (0..255) buffer for the detector: the image resized to
/// `lb.resized_*` with a triangle (antialiased bilinear) filter, zero padded to `lb.padded_*`.
pub fn detector_input(rgb: &RgbImage, lb: &Letterbox) -> Vec<f32> {
    let (pw, ph) = (lb.padded_w as usize, lb.padded_h as usize);
    let (rw, rh) = (lb.resized_w as usize, lb.resized_h as usize);
    let (sw, sh) = (rgb.width() as usize, rgb.height() as usize);
    let plane = pw * ph;
    let mut out = vec![0f32; 3 * plane];
    let src = rgb.as_raw();
    if rw == sw && rh == sh {
        for y in 0..sh {
            let row = &src[y * sw * 3..(y + 1) * sw * 3];
            for x in 0..sw {
                let o = y * pw + x;
                out[o] = row[x * 3 + 2] as f32;
                out[plane + o] = row[x * 3 + 1] as f32;
                out[2 * plane + o] = row[x * 3] as f32;
            }
        }
        return out;
    }
    // Horizontal pass: sh x rw x 3 floats.
    let tx = taps(sw, rw);
    let mut tmp = vec![0f32; sh * rw * 3];
    for y in 0..sh {
        let row = &src[y * sw * 3..(y + 1) * sw * 3];
        let trow = &mut tmp[y * rw * 3..(y + 1) * rw * 3];
        for x in 0..rw {
            let (mut r, mut g, mut b) = (0f32, 0f32, 0f32);
            let s0 = tx.start[x];
            for (k, &w) in tx.weights[x].iter().enumerate() {
                let p = (s0 + k) * 3;
                r += w * row[p] as f32;
                g += w * row[p + 1] as f32;
                b += w * row[p + 2] as f32;
            }
            trow[x * 3] = r;
            trow[x * 3 + 1] = g;
            trow[x * 3 + 2] = b;
        }
    }
    // Vertical pass straight into the BGR planes.
    let ty = taps(sh, rh);
    let mut acc = vec![0f32; rw * 3];
    for y in 0..rh {
        acc.iter_mut().for_each(|v| *v = 0.0);
        let s0 = ty.start[y];
        for (k, &w) in ty.weights[y].iter().enumerate() {
            let trow = &tmp[(s0 + k) * rw * 3..(s0 + k + 1) * rw * 3];
            for (a, &t) in acc.iter_mut().zip(trow) {
                *a += w * t;
            }
        }
        for x in 0..rw {
            let o = y * pw + x;
            out[o] = acc[x * 3 + 2];
            out[plane + o] = acc[x * 3 + 1];
            out[2 * plane + o] = acc[x * 3];
        }
    }
    out
}

/// Bilinear sample of `rgb` at (`sx`, `sy`) in pixel-index coordinates (pixel (x, y) at x, y);
/// pixels outside the image count as black. `None` when the point is not finite or the 2x2
/// neighbourhood lies wholly outside.
#[inline]
pub fn bilinear(rgb: &RgbImage, sx: f64, sy: f64) -> Option<[f32; 3]> {
    if !sx.is_finite() || !sy.is_finite() {
        return None;
    }
    let (w, h) = (rgb.width() as i64, rgb.height() as i64);
    let x0 = sx.floor();
    let y0 = sy.floor();
    let (fx, fy) = ((sx - x0) as f32, (sy - y0) as f32);
    let (x0, y0) = (x0 as i64, y0 as i64);
    if x0 < -1 || y0 < -1 || x0 >= w || y0 >= h {
        return None;
    }
    let src = rgb.as_raw();
    let px = |x: i64, y: i64, c: usize| -> f32 {
        if x < 0 || y < 0 || x >= w || y >= h {
            0.0
        } else {
            src[((y * w + x) * 3) as usize + c] as f32
        }
    };
    let mut out = [0f32; 3];
    for (c, o) in out.iter_mut().enumerate() {
        let a = px(x0, y0, c) * (1.0 - fx) + px(x0 + 1, y0, c) * fx;
        let b = px(x0, y0 + 1, c) * (1.0 - fx) + px(x0 + 1, y0 + 1, c) * fx;
        *o = a * (1.0 - fy) + b * fy;
    }
    Some(out)
}

/// Warps `rgb` into an `size x size` crop: output pixel (u, v) samples the source at
/// `inv(u, v)` with bilinear interpolation; outside the image is 0. Returns planar RGB floats
/// (0..255), i.e. a `3 x size x size` NCHW buffer.
pub fn warp_to_planar_rgb(rgb: &RgbImage, inv: &Affine, size: usize) -> Vec<f32> {
    let plane = size * size;
    let mut out = vec![0f32; 3 * plane];
    for v in 0..size {
        for u in 0..size {
            let (sx, sy) = inv.apply(u as f64, v as f64);
            if let Some(p) = bilinear(rgb, sx, sy) {
                let o = v * size + u;
                for (c, value) in p.into_iter().enumerate() {
                    out[c * plane + o] = value;
                }
            }
        }
    }
    out
}

/// Luma (BT.601) of a planar RGB crop.
pub fn planar_luma(planar: &[f32], size: usize) -> Vec<f32> {
    let plane = size * size;
    (0..plane)
        .map(|i| 0.299 * planar[i] + 0.587 * planar[plane + i] + 0.114 * planar[2 * plane + i])
        .collect()
}

/// Mean of the luma values inside the central `frac` of the crop (skips the black border that
/// the warp leaves where the face touched the image edge).
pub fn central_mean(luma: &[f32], size: usize, frac: f32) -> f32 {
    let m = ((size as f32 * (1.0 - frac) / 2.0) as usize).min(size / 2);
    let (mut s, mut n) = (0f64, 0usize);
    for y in m..size - m {
        for x in m..size - m {
            s += luma[y * size + x] as f64;
            n += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        (s / n as f64) as f32
    }
}

/// Variance of the 4-neighbour Laplacian over the central `frac` of a luma crop.
pub fn laplacian_variance(luma: &[f32], size: usize, frac: f32) -> f32 {
    let m = ((size as f32 * (1.0 - frac) / 2.0) as usize).clamp(1, size / 2);
    let mut vals = Vec::with_capacity(size * size);
    for y in m..size - m {
        for x in m..size - m {
            let c = luma[y * size + x];
            let l = luma[(y - 1) * size + x]
                + luma[(y + 1) * size + x]
                + luma[y * size + x - 1]
                + luma[y * size + x + 1]
                - 4.0 * c;
            vals.push(l as f64);
        }
    }
    if vals.is_empty() {
        return 0.0;
    }
    let n = vals.len() as f64;
    let mean = vals.iter().sum::<f64>() / n;
    (vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_copy_is_bgr_and_padded() {
        let mut img = RgbImage::new(3, 2);
        img.put_pixel(1, 1, image::Rgb([10, 20, 30]));
        let lb = Letterbox::new(3, 2, 640, 32);
        let t = detector_input(&img, &lb);
        let plane = 32 * 32;
        let o = 32 + 1;
        assert_eq!((t[o], t[plane + o], t[2 * plane + o]), (30.0, 20.0, 10.0));
        assert_eq!(t[5], 0.0);
    }

    #[test]
    fn downscale_preserves_flat_colour() {
        let img = RgbImage::from_pixel(1000, 500, image::Rgb([100, 150, 200]));
        let lb = Letterbox::new(1000, 500, 640, 32);
        let t = detector_input(&img, &lb);
        let plane = (lb.padded_w * lb.padded_h) as usize;
        let o = 100 * lb.padded_w as usize + 300;
        assert!((t[o] - 200.0).abs() < 0.01 && (t[plane + o] - 150.0).abs() < 0.01);
        assert!((t[2 * plane + o] - 100.0).abs() < 0.01);
    }

    #[test]
    fn warp_identity_and_border() {
        let mut img = RgbImage::from_pixel(4, 4, image::Rgb([50, 60, 70]));
        img.put_pixel(2, 1, image::Rgb([200, 0, 0]));
        let id = Affine([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
        let p = warp_to_planar_rgb(&img, &id, 6);
        assert_eq!(p[6 + 2], 200.0);
        assert_eq!(p[36 + 6 + 2], 0.0);
        assert_eq!(p[0], 50.0);
        assert_eq!(p[5 * 6 + 5], 0.0, "outside the source is black");
        let half = Affine([[1.0, 0.0, 0.5], [0.0, 1.0, 0.0]]);
        let q = warp_to_planar_rgb(&img, &half, 6);
        assert!((q[6 + 1] - 125.0).abs() < 1e-4, "bilinear midpoint");
    }

    #[test]
    fn laplacian_flat_is_zero_and_edges_are_not() {
        let flat = vec![80.0f32; 32 * 32];
        assert_eq!(laplacian_variance(&flat, 32, 0.8), 0.0);
        let check: Vec<f32> = (0..32 * 32)
            .map(|i| {
                if (i / 32 + i % 32) % 2 == 0 {
                    0.0
                } else {
                    255.0
                }
            })
            .collect();
        assert!(laplacian_variance(&check, 32, 0.8) > 1e5);
        assert_eq!(central_mean(&flat, 32, 0.5), 80.0);
    }
}
