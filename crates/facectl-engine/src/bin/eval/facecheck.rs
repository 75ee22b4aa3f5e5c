//! `facecheck-train`: fits the face check's model (human skin locus + faceness weights) on
//! WIDER FACE and LFW detections, writes it as Rust source and reports the check's effect on
//! the held-out half (images split by a hash of their name).

use std::fmt::Write as _;

use facectl_engine::facecheck::{self, FaceCheck, FaceCheckModel};
use facectl_engine::{decode_file, DecodedImage, DetectParams, Detection, Engine, EngineConfig};

use super::wider::parse_gt;
use super::{files_under, load_engine, Args};

/// One detection with what the face check looks at.
struct Sample {
    source: &'static str,
    /// 1 human face, 0 not a face, -1 unclear (not used).
    label: i8,
    held_out: bool,
    confidence: f32,
    height: f32,
    chroma: Option<[f32; 2]>,
    embedding: Vec<f32>,
}

/// FNV-1a: a stable split that does not depend on the platform's hasher (use its top bit:
/// the low bits of FNV-1a mix poorly).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100000001b3)
    })
}

fn sample(
    engine: &Engine,
    img: &DecodedImage,
    d: &Detection,
    source: &'static str,
    label: i8,
    name: &str,
) -> Option<Sample> {
    let face = facectl_engine::align_face(img, d)?;
    let embedding = engine.embed(img, d).ok()?;
    Some(Sample {
        source,
        label,
        held_out: fnv1a(name) >> 63 == 1,
        confidence: d.confidence,
        height: d.bbox.height,
        chroma: facecheck::skin_chroma(&face.planar),
        embedding: embedding.0,
    })
}

/// Runs `f` over `items` on `threads` workers, keeping the order.
fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> Vec<R> + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().flat_map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn collect(args: &Args, engine: &Engine) -> Result<Vec<Sample>, String> {
    let threads: usize = args.num("threads", 2)?;
    let wider = args.path("wider")?;
    let lfw = args.path("lfw")?;
    let lfw_images: usize = args.num("lfw-images", 1500)?;
    let low: f32 = args.num("low", 0.3)?;
    let gt_path = wider.join("wider_face_val_bbx_gt.txt");
    let gt = parse_gt(
        &std::fs::read_to_string(&gt_path).map_err(|e| format!("{}: {e}", gt_path.display()))?,
    )?;
    // WIDER: every detection down to score `low` (0.3), labelled by IoU with any annotated box.
    let mut out = par_map(&gt, threads, |(name, faces)| {
        let Ok(img) = decode_file(&wider.join("images").join(name), &engine.config().decode) else {
            return vec![];
        };
        let params = DetectParams {
            score_threshold: low,
            nms_iou: 0.3,
            max_side: 640,
        };
        let dets = engine.detect_with(&img, &params).unwrap_or_default();
        dets.iter()
            .filter_map(|d| {
                let iou = faces
                    .iter()
                    .map(|g| g.bbox.iou(&d.bbox))
                    .fold(0.0f32, f32::max);
                let label = if iou >= 0.4 {
                    1
                } else if iou < 0.1 {
                    0
                } else {
                    -1
                };
                sample(engine, &img, d, "wider", label, name)
            })
            .collect()
    });
    // LFW: the largest face of the first N images (sorted by path).
    let mut files = files_under(&lfw.join("images"));
    files.truncate(lfw_images);
    out.extend(par_map(&files, threads, |p| {
        let name = p
            .strip_prefix(&lfw)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned();
        let Ok(img) = decode_file(p, &engine.config().decode) else {
            return vec![];
        };
        let dets = engine.detect(&img).unwrap_or_default();
        dets.first()
            .and_then(|d| sample(engine, &img, d, "lfw", 1, &name))
            .into_iter()
            .collect()
    }));
    Ok(out)
}

/// Mean and inverse covariance of 2-D points.
fn gaussian(points: &[[f32; 2]]) -> Result<([f32; 2], [[f32; 2]; 2]), String> {
    let n = points.len() as f64;
    if n < 10.0 {
        return Err(format!("only {n} skin samples"));
    }
    let m = [0, 1].map(|k| points.iter().map(|p| p[k] as f64).sum::<f64>() / n);
    let cov = |a: usize, b: usize| {
        points
            .iter()
            .map(|p| (p[a] as f64 - m[a]) * (p[b] as f64 - m[b]))
            .sum::<f64>()
            / (n - 1.0)
    };
    let (a, b, d) = (cov(0, 0), cov(0, 1), cov(1, 1));
    let det = a * d - b * b;
    if det <= 0.0 {
        return Err("degenerate skin covariance".into());
    }
    let inv = [
        [(d / det) as f32, (-b / det) as f32],
        [(-b / det) as f32, (a / det) as f32],
    ];
    Ok(([m[0] as f32, m[1] as f32], inv))
}

/// Class-balanced L2-regularised logistic regression by full-batch gradient descent (fixed
/// iterations from zero: deterministic). Inputs are scaled by `scale`; the returned weights
/// apply to unscaled inputs.
fn logistic(xs: &[&[f32]], ys: &[f64], scale: f64) -> (Vec<f32>, f32) {
    let dim = xs.first().map_or(0, |x| x.len());
    let npos = ys.iter().filter(|y| **y > 0.5).count().max(1) as f64;
    let nneg = (ys.len() as f64 - npos).max(1.0);
    let weight = |y: f64| if y > 0.5 { nneg / npos } else { 1.0 };
    let n = ys.len() as f64;
    let (mut w, mut b) = (vec![0.0f64; dim], 0.0f64);
    for _ in 0..4000 {
        let mut gw = vec![0.0f64; dim];
        let mut gb = 0.0;
        for (x, y) in xs.iter().zip(ys) {
            let z: f64 = b + x
                .iter()
                .zip(&w)
                .map(|(xi, wi)| *xi as f64 * scale * wi)
                .sum::<f64>();
            let g = (1.0 / (1.0 + (-z).exp()) - y) * weight(*y);
            for (gi, xi) in gw.iter_mut().zip(x.iter()) {
                *gi += g * *xi as f64 * scale;
            }
            gb += g;
        }
        for (wi, gi) in w.iter_mut().zip(&gw) {
            *wi -= 0.5 * (gi / n + *wi / n);
        }
        b -= 0.5 * gb / n;
    }
    (w.iter().map(|wi| (wi * scale) as f32).collect(), b as f32)
}

fn model_source(mean: [f32; 2], inv: [[f32; 2]; 2], w: &[f32], b: f32, note: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "//! Face check model constants, written by `facectl-eval facecheck-train` ({note}); do not edit.\n");
    let _ = writeln!(s, "/// Mean (Cb, Cr) of human skin (LFW training half).");
    let _ = writeln!(
        s,
        "pub const SKIN_MEAN: [f32; 2] = [{:?}, {:?}];",
        mean[0], mean[1]
    );
    let _ = writeln!(s, "/// Inverse covariance of human skin (Cb, Cr).");
    let _ = writeln!(
        s,
        "pub const SKIN_INV_COV: [[f32; 2]; 2] = [[{:?}, {:?}], [{:?}, {:?}]];",
        inv[0][0], inv[0][1], inv[1][0], inv[1][1]
    );
    let _ = writeln!(s, "/// Faceness weights on the L2-normalised face print.");
    let _ = writeln!(s, "#[rustfmt::skip]\npub const FACENESS_W: [f32; 128] = [");
    for row in w.chunks(6) {
        let items: Vec<String> = row.iter().map(|x| format!("{x:?}")).collect();
        let _ = writeln!(s, "    {},", items.join(", "));
    }
    let _ = writeln!(
        s,
        "];\n/// Faceness bias.\npub const FACENESS_B: f32 = {b:?};"
    );
    s
}

pub fn train(args: &Args) -> Result<(), String> {
    let out = args.path("out")?;
    let engine = load_engine(
        args,
        EngineConfig {
            face_check: None,
            rotated_passes: vec![],
            ..EngineConfig::default()
        },
    )?;
    let samples = collect(args, &engine)?;
    let train: Vec<&Sample> = samples.iter().filter(|s| !s.held_out).collect();
    let skin: Vec<[f32; 2]> = train
        .iter()
        .filter(|s| s.source == "lfw")
        .filter_map(|s| s.chroma)
        .collect();
    let (mean, inv) = gaussian(&skin)?;
    let labelled: Vec<&&Sample> = train.iter().filter(|s| s.label >= 0).collect();
    let xs: Vec<&[f32]> = labelled.iter().map(|s| s.embedding.as_slice()).collect();
    let ys: Vec<f64> = labelled.iter().map(|s| s.label as f64).collect();
    let (w, b) = logistic(&xs, &ys, 8.0);
    let note = format!(
        "{} skin samples, {} faces + {} non-faces",
        skin.len(),
        ys.iter().filter(|y| **y > 0.5).count(),
        ys.iter().filter(|y| **y < 0.5).count()
    );
    std::fs::write(&out, model_source(mean, inv, &w, b, &note))
        .map_err(|e| format!("{}: {e}", out.display()))?;
    println!("wrote {} ({note})", out.display());
    report(&samples, mean, inv, &w, b);
    Ok(())
}

/// The default check's effect on held-out detections at the default detector threshold.
fn report(samples: &[Sample], mean: [f32; 2], inv: [[f32; 2]; 2], w: &[f32], b: f32) {
    let check = FaceCheck::default();
    let model = FaceCheckModel {
        skin_mean: mean,
        skin_inv_cov: inv,
        faceness_w: w,
        faceness_b: b,
    };
    let ev = |s: &Sample| model.evidence(s.chroma, &s.embedding);
    let held: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.held_out && s.confidence >= 60.0)
        .collect();
    type Pick = fn(&Sample) -> bool;
    let sets: [(&str, Pick); 4] = [
        ("LFW faces", |s| s.source == "lfw"),
        ("WIDER faces", |s| s.source == "wider" && s.label == 1),
        ("WIDER faces >= 40 px", |s| {
            s.source == "wider" && s.label == 1 && s.height >= 40.0
        }),
        ("WIDER false positives", |s| {
            s.source == "wider" && s.label == 0
        }),
    ];

    println!(
        "held-out half, detections at confidence >= 60; dropped by the default check {check:?}, \
         and at other faceness cuts:"
    );
    let cuts = [-2.0f32, -1.0, -0.5, 0.0, 0.5];
    println!(
        "  {:<22} {:>6} {:>8}  {}",
        "",
        "count",
        "default",
        cuts.map(|c| format!("{c:>6}")).join(" ")
    );
    for (name, pick) in sets {
        let rs: Vec<&&Sample> = held.iter().filter(|s| pick(s)).collect();
        let dropped = |c: &FaceCheck| {
            rs.iter()
                .filter(|s| c.rejects(s.confidence, &ev(s)))
                .count()
        };
        let at: Vec<String> = cuts
            .iter()
            .map(|&max_faceness| {
                let c = FaceCheck {
                    max_faceness,
                    ..check
                };
                format!("{:>6}", dropped(&c))
            })
            .collect();
        println!(
            "  {name:<22} {:>6} {:>8}  {}",
            rs.len(),
            dropped(&check),
            at.join(" ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaussian_recovers_mean_and_inverse_covariance() {
        // Points on a diamond around (100, 150): variances 2 and 8, no correlation.
        let mut pts = Vec::new();
        for _ in 0..10 {
            pts.extend([
                [98.0, 150.0],
                [102.0, 150.0],
                [100.0, 146.0],
                [100.0, 154.0],
            ]);
        }
        let (m, inv) = gaussian(&pts).expect("fits");
        assert!((m[0] - 100.0).abs() < 1e-4 && (m[1] - 150.0).abs() < 1e-4);
        let n = pts.len() as f32;
        let var0 = 2.0 * 4.0 * 10.0 / (n - 1.0);
        let var1 = 2.0 * 16.0 * 10.0 / (n - 1.0);
        assert!((inv[0][0] - 1.0 / var0).abs() < 1e-4, "{inv:?}");
        assert!((inv[1][1] - 1.0 / var1).abs() < 1e-4, "{inv:?}");
        assert!(inv[0][1].abs() < 1e-6);
        assert!(gaussian(&pts[..4]).is_err(), "too few samples");
    }

    #[test]
    fn logistic_separates_a_separable_set() {
        let pos = [[0.9f32, 0.1], [0.8, 0.3], [0.7, 0.2]];
        let neg = [[0.1f32, 0.9], [0.2, 0.7], [0.3, 0.8], [0.2, 0.9]];
        let xs: Vec<&[f32]> = pos.iter().chain(&neg).map(|x| x.as_slice()).collect();
        let ys: Vec<f64> = [1.0; 3].into_iter().chain([0.0; 4]).collect();
        let (w, b) = logistic(&xs, &ys, 8.0);
        let score = |x: &[f32]| x.iter().zip(&w).map(|(a, b)| a * b).sum::<f32>() + b;
        assert!(pos.iter().all(|x| score(x) > 0.0), "{w:?} {b}");
        assert!(neg.iter().all(|x| score(x) < 0.0), "{w:?} {b}");
    }

    #[test]
    fn split_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf29ce484222325);
        assert_eq!(fnv1a("a"), 0xaf63dc4c8601ec8c);
    }
}
