//! WIDER FACE detection scoring: AP at IoU 0.5 for easy/medium/hard subsets defined by face
//! height, plus recall and precision at the engine's default threshold.

use std::time::Instant;

/// Ground-truth faces and scored detections of one image.
type ImageDetections = (Vec<GtFace>, Vec<(BoundingBox, f32)>);

use facectl_engine::{decode_file, BoundingBox, DetectParams, Engine, EngineConfig};
use serde_json::json;

use super::{load_engine, mean, write_json, Args};

/// One annotated face.
#[derive(Clone, Debug)]
pub struct GtFace {
    pub bbox: BoundingBox,
    pub invalid: bool,
}

/// Parses `wider_face_val_bbx_gt.txt`: name, count, then `count` lines `x y w h blur expr illum
/// invalid occl pose` (one all-zero line when count is 0).
pub fn parse_gt(text: &str) -> Result<Vec<(String, Vec<GtFace>)>, String> {
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    while let Some(name) = lines.next() {
        let n: usize = lines
            .next()
            .ok_or_else(|| format!("{name}: missing face count"))?
            .parse()
            .map_err(|_| format!("{name}: bad face count"))?;
        let mut faces = Vec::with_capacity(n);
        for _ in 0..n.max(1) {
            let l = lines
                .next()
                .ok_or_else(|| format!("{name}: file ends early"))?;
            if n == 0 {
                continue;
            }
            let v: Vec<f32> = l
                .split_whitespace()
                .map(|t| t.parse().unwrap_or(0.0))
                .collect();
            if v.len() < 8 {
                return Err(format!("{name}: bad box line {l:?}"));
            }
            faces.push(GtFace {
                bbox: BoundingBox {
                    x: v[0],
                    y: v[1],
                    width: v[2],
                    height: v[3],
                },
                invalid: v[7] != 0.0,
            });
        }
        out.push((name.to_string(), faces));
    }
    Ok(out)
}

/// Ground truth and scored detections of one image.
pub type Scored = ImageDetections;

/// A subset: faces at least `min_height` px tall (and valid) count; the rest are ignored.
pub const SUBSETS: [(&str, f32); 3] = [("easy", 50.0), ("medium", 25.0), ("hard", 10.0)];

/// VOC-style AP (all-point interpolation) over detections of all images, IoU >= 0.5.
/// Detections matched to ignored faces are neither true nor false positives.
pub fn average_precision(images: &[Scored], min_height: f32) -> (f64, usize) {
    let care = |g: &GtFace| !g.invalid && g.bbox.height >= min_height;
    let npos: usize = images
        .iter()
        .map(|(g, _)| g.iter().filter(|f| care(f)).count())
        .sum();
    let mut dets: Vec<(usize, usize, f32)> = Vec::new();
    for (i, (_, d)) in images.iter().enumerate() {
        for (j, (_, s)) in d.iter().enumerate() {
            dets.push((i, j, *s));
        }
    }
    dets.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut used: Vec<Vec<bool>> = images.iter().map(|(g, _)| vec![false; g.len()]).collect();
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut curve: Vec<(f64, f64)> = Vec::new();
    for (i, j, _) in dets {
        let (gts, ds) = &images[i];
        let b = ds[j].0;
        let best = gts
            .iter()
            .enumerate()
            .map(|(k, g)| (k, g.bbox.iou(&b)))
            .filter(|(_, iou)| *iou >= 0.5)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        match best {
            Some((k, _)) if !care(&gts[k]) => continue,
            Some((k, _)) if !used[i][k] => {
                used[i][k] = true;
                tp += 1;
            }
            _ => fp += 1,
        }
        curve.push((tp as f64 / npos.max(1) as f64, tp as f64 / (tp + fp) as f64));
    }
    // Precision envelope, then area under the step curve.
    let mut ap = 0.0;
    let mut prev_r = 0.0;
    let mut env = vec![0.0; curve.len()];
    let mut m: f64 = 0.0;
    for k in (0..curve.len()).rev() {
        m = m.max(curve[k].1);
        env[k] = m;
    }
    for (k, (r, _)) in curve.iter().enumerate() {
        ap += (r - prev_r) * env[k];
        prev_r = *r;
    }
    (ap, npos)
}

pub fn run(args: &Args) -> Result<(), String> {
    let data = args.path("data")?;
    let max_side: u32 = args.num("max-side", 640)?;
    let low: f32 = args.num("ap-threshold", 0.05)?;
    let gt_path = data.join("wider_face_val_bbx_gt.txt");
    let text =
        std::fs::read_to_string(&gt_path).map_err(|e| format!("{}: {e}", gt_path.display()))?;
    let gt = parse_gt(&text)?;
    let second: u32 = args.num("small-face-pass", 0)?;
    // --pipeline: score what `Engine::detect` returns (face check and rotated fallback included)
    // instead of the raw detector.
    let pipeline = args.flag("pipeline");
    let engine = load_engine(
        args,
        EngineConfig {
            max_side,
            small_face_pass_max_side: second,
            score_threshold: if pipeline {
                low
            } else {
                EngineConfig::default().score_threshold
            },
            ..EngineConfig::default()
        },
    )?;
    let mut images = Vec::new();
    let mut det_ms = Vec::new();
    let mut missing = 0;
    for (name, faces) in &gt {
        let p = data.join("images").join(name);
        if !p.is_file() {
            missing += 1;
            continue;
        }
        let img = decode_file(&p, &engine.config().decode).map_err(|e| e.to_string())?;
        let t = Instant::now();
        let dets = if pipeline {
            let d = engine.detect(&img).map_err(|e| e.to_string())?;
            d.into_iter()
                .map(|d| (d.bbox, d.confidence / 100.0))
                .collect()
        } else {
            detect_all(&engine, &img, max_side, low)?
        };
        det_ms.push(t.elapsed().as_secs_f64() * 1e3);
        images.push((faces.clone(), dets));
    }
    println!(
        "WIDER FACE on {} ({} images, {missing} listed but absent), {}, max_side {}, small-face pass {}",
        data.display(),
        images.len(),
        if pipeline {
            "full pipeline (face check, rotated fallback)"
        } else {
            "raw detector"
        },
        if max_side == 0 {
            "none".to_string()
        } else {
            max_side.to_string()
        },
        if second == 0 {
            "off".to_string()
        } else {
            format!("up to {second}")
        }
    );
    let mut report = serde_json::Map::new();
    for (name, h) in SUBSETS {
        let (ap, npos) = average_precision(&images, h);
        // Recall / precision at the default 0.6 threshold.
        let at: Vec<Scored> = images
            .iter()
            .map(|(g, d)| {
                (
                    g.clone(),
                    d.iter().filter(|x| x.1 >= 0.6).cloned().collect(),
                )
            })
            .collect();
        let (tp, fp) = count_at(&at, h);
        let recall = tp as f64 / npos.max(1) as f64;
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        println!("  {name:<6} (faces >= {h:>2} px, {npos:>5} faces): AP {:.3}; at score 0.6 recall {:.3}, precision {:.3}", ap, recall, precision);
        report.insert(name.into(), json!({"min_height": h, "faces": npos, "ap": ap, "recall_at_0.6": recall, "precision_at_0.6": precision}));
    }
    println!(
        "  detection {:.1} ms per image (mean, 1 thread)",
        mean(&det_ms)
    );
    report.insert("max_side".into(), json!(max_side));
    report.insert("pipeline".into(), json!(pipeline));
    report.insert("small_face_pass_max_side".into(), json!(second));
    report.insert("images".into(), json!(images.len()));
    report.insert("detect_ms".into(), json!(mean(&det_ms)));
    write_json(args, &serde_json::Value::Object(report))?;
    Ok(())
}

/// Detections (box, score 0-1) with a low threshold for the PR curve.
fn detect_all(
    engine: &Engine,
    img: &facectl_engine::DecodedImage,
    max_side: u32,
    low: f32,
) -> Result<Vec<(BoundingBox, f32)>, String> {
    let p = DetectParams {
        score_threshold: low,
        nms_iou: 0.3,
        max_side,
    };
    let d = engine.detect_with(img, &p).map_err(|e| e.to_string())?;
    Ok(d.into_iter()
        .map(|d| (d.bbox, d.confidence / 100.0))
        .collect())
}

/// True and false positives (ignored faces excluded) of already-thresholded detections.
fn count_at(images: &[Scored], min_height: f32) -> (usize, usize) {
    let care = |g: &GtFace| !g.invalid && g.bbox.height >= min_height;
    let (mut tp, mut fp) = (0, 0);
    for (gts, ds) in images {
        let mut ds = ds.clone();
        ds.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut used = vec![false; gts.len()];
        for (b, _) in ds {
            let best = gts
                .iter()
                .enumerate()
                .map(|(k, g)| (k, g.bbox.iou(&b)))
                .filter(|(_, iou)| *iou >= 0.5)
                .max_by(|x, y| x.1.total_cmp(&y.1));
            match best {
                Some((k, _)) if !care(&gts[k]) => {}
                Some((k, _)) if !used[k] => {
                    used[k] = true;
                    tp += 1;
                }
                _ => fp += 1,
            }
        }
    }
    (tp, fp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_ap() {
        let gt = parse_gt("a.jpg\n2\n0 0 100 100 0 0 0 0 0 0\n200 0 5 5 0 0 0 0 0 0\nb.jpg\n0\n0 0 0 0 0 0 0 0 0 0\n").expect("parses");
        assert_eq!(gt.len(), 2);
        assert_eq!(gt[0].1.len(), 2);
        assert!(gt[1].1.is_empty());
        let dets = vec![
            (
                BoundingBox {
                    x: 2.0,
                    y: 2.0,
                    width: 100.0,
                    height: 100.0,
                },
                0.9,
            ),
            (
                BoundingBox {
                    x: 500.0,
                    y: 0.0,
                    width: 50.0,
                    height: 50.0,
                },
                0.5,
            ),
        ];
        let images = vec![(gt[0].1.clone(), dets)];
        let (ap, npos) = average_precision(&images, 50.0);
        assert_eq!(npos, 1);
        assert!((ap - 1.0).abs() < 1e-9);
    }
}
