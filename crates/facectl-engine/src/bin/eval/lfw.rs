//! LFW verification protocol: pairs.txt folds, per-fold threshold selection, TAR at fixed FAR,
//! all-pairs FAR thresholds, no-face handling and timing.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use facectl_engine::{
    cosine, decode_file, similarity, DetectParams, Detection, Engine, EngineConfig,
    ARCFACE_TEMPLATE,
};
use serde_json::json;

use super::{load_engine, mean, median, write_json, Args};

/// One pair of the protocol.
#[derive(Clone, Debug)]
pub struct Pair {
    pub fold: usize,
    pub a: String,
    pub b: String,
    pub same: bool,
}

fn image_key(name: &str, idx: &str) -> Result<String, String> {
    let n: u32 = idx
        .parse()
        .map_err(|_| format!("bad image number {idx:?}"))?;
    Ok(format!("{name}/{name}_{n:04}.jpg"))
}

/// Parses a pairs.txt with header `<folds> <n>`: per fold n same lines then n different lines.
pub fn parse_pairs(text: &str) -> Result<Vec<Pair>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<usize> = lines
        .next()
        .ok_or("empty pairs file")?
        .split_whitespace()
        .map(|t| t.parse().map_err(|_| format!("bad header token {t:?}")))
        .collect::<Result<_, _>>()?;
    let (folds, n) = match header.as_slice() {
        [f, n] => (*f, *n),
        [n] => (1, *n),
        _ => return Err("header must be `<folds> <pairs per class>`".into()),
    };
    let mut pairs = Vec::with_capacity(folds * n * 2);
    for fold in 0..folds {
        for k in 0..2 * n {
            let line = lines
                .next()
                .ok_or_else(|| format!("pairs file ends in fold {}", fold + 1))?;
            let t: Vec<&str> = line.split_whitespace().collect();
            let p = match (k < n, t.as_slice()) {
                (true, [name, i, j]) => Pair {
                    fold,
                    a: image_key(name, i)?,
                    b: image_key(name, j)?,
                    same: true,
                },
                (false, [n1, i, n2, j]) => Pair {
                    fold,
                    a: image_key(n1, i)?,
                    b: image_key(n2, j)?,
                    same: false,
                },
                _ => return Err(format!("unexpected line in fold {}: {line:?}", fold + 1)),
            };
            pairs.push(p);
        }
    }
    Ok(pairs)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum How {
    Detected,
    LowerThreshold,
    CentreCrop,
    Failed,
}

struct ImageResult {
    embedding: Option<Vec<f32>>,
    how: How,
    decode_ms: f64,
    detect_ms: f64,
    embed_ms: f64,
}

/// Picks the face for an LFW image: the one whose box centre is nearest the image centre (LFW
/// images are centred on the labelled person; `central`, the default) or the largest.
fn choose(dets: &[Detection], w: f32, h: f32, central: bool) -> Option<Detection> {
    if central {
        let d2 = |d: &Detection| {
            let (cx, cy) = d.bbox.center();
            (cx - w / 2.0).powi(2) + (cy - h / 2.0).powi(2)
        };
        return dets.iter().min_by(|a, b| d2(a).total_cmp(&d2(b))).cloned();
    }
    dets.first().cloned()
}

/// Landmarks of a face assumed centred in a deep-funneled LFW image (fallback only).
fn centre_landmarks(w: f32, h: f32) -> [[f32; 2]; 5] {
    let s = w.min(h) / 250.0 * 1.28;
    let mut l = ARCFACE_TEMPLATE;
    for p in l.iter_mut() {
        *p = [(p[0] - 56.0) * s + w / 2.0, (p[1] - 56.0) * s + h / 2.0];
    }
    l
}

fn process(engine: &Engine, path: &Path, central: bool) -> ImageResult {
    let t0 = Instant::now();
    let img = match decode_file(path, &engine.config().decode) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("warning: {e}");
            return ImageResult {
                embedding: None,
                how: How::Failed,
                decode_ms: 0.0,
                detect_ms: 0.0,
                embed_ms: 0.0,
            };
        }
    };
    let decode_ms = t0.elapsed().as_secs_f64() * 1e3;
    let (w, h) = (img.width() as f32, img.height() as f32);
    let t1 = Instant::now();
    let dets = engine.detect(&img).unwrap_or_default();
    let mut detect_ms = t1.elapsed().as_secs_f64() * 1e3;
    let mut how = How::Detected;
    let mut det = choose(&dets, w, h, central);
    if det.is_none() {
        let p = DetectParams {
            score_threshold: 0.3,
            nms_iou: 0.3,
            max_side: engine.config().max_side,
        };
        let t = Instant::now();
        det = engine
            .detect_with(&img, &p)
            .ok()
            .and_then(|d| choose(&d, w, h, central));
        detect_ms += t.elapsed().as_secs_f64() * 1e3;
        how = How::LowerThreshold;
    }
    let det = det.unwrap_or_else(|| {
        how = How::CentreCrop;
        let s = w.min(h) * 0.5;
        Detection {
            bbox: facectl_engine::BoundingBox {
                x: (w - s) / 2.0,
                y: (h - s) / 2.0,
                width: s,
                height: s,
            },
            landmarks: centre_landmarks(w, h),
            confidence: 0.0,
        }
    });
    let t2 = Instant::now();
    let embedding = engine.embed(&img, &det).ok().map(|e| e.0);
    let embed_ms = t2.elapsed().as_secs_f64() * 1e3;
    if embedding.is_none() {
        how = How::Failed;
    }
    ImageResult {
        embedding,
        how,
        decode_ms,
        detect_ms,
        embed_ms,
    }
}

/// Best threshold on labelled scores: the median of all thresholds reaching the top accuracy.
pub fn best_threshold(scores: &[(f32, bool)]) -> (f32, f64) {
    let mut s: Vec<f32> = scores.iter().map(|p| p.0).collect();
    s.sort_by(|a, b| a.total_cmp(b));
    let mut cands: Vec<f32> = Vec::with_capacity(s.len() + 1);
    cands.push(s.first().copied().unwrap_or(0.0) - 1e-4);
    cands.extend(s.windows(2).map(|w| (w[0] + w[1]) / 2.0));
    cands.push(s.last().copied().unwrap_or(0.0) + 1e-4);
    let acc = |t: f32| {
        scores.iter().filter(|(v, same)| (*v >= t) == *same).count() as f64
            / scores.len().max(1) as f64
    };
    let accs: Vec<f64> = cands.iter().map(|&t| acc(t)).collect();
    let best = accs.iter().cloned().fold(0.0, f64::max);
    let winners: Vec<f32> = cands
        .iter()
        .zip(&accs)
        .filter(|(_, a)| **a == best)
        .map(|(t, _)| *t)
        .collect();
    (winners[winners.len() / 2], best)
}

/// Threshold with at most `far` false accepts among `impostors`, and the TAR of `genuine` at it.
pub fn threshold_at_far(genuine: &[f32], impostors: &[f32], far: f64) -> (f32, f64) {
    let mut imp = impostors.to_vec();
    imp.sort_by(|a, b| b.total_cmp(a));
    let k = (far * imp.len() as f64).floor() as usize;
    let t = imp.get(k).map(|v| v + 1e-6).unwrap_or(-1.0);
    let tar = genuine.iter().filter(|&&g| g >= t).count() as f64 / genuine.len().max(1) as f64;
    (t, tar)
}

pub fn run(args: &Args) -> Result<(), String> {
    let data = args.path("data")?;
    let threads: usize = args.num("threads", 2)?;
    let central = args.get("select") != Some("largest");
    let text = std::fs::read_to_string(data.join("pairs.txt"))
        .map_err(|e| format!("{}: {e}", data.join("pairs.txt").display()))?;
    let pairs = parse_pairs(&text)?;
    let folds = pairs.iter().map(|p| p.fold).max().map_or(0, |m| m + 1);
    let keys: Vec<String> = pairs
        .iter()
        .flat_map(|p| [p.a.clone(), p.b.clone()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let config = EngineConfig {
        threads,
        ..EngineConfig::default()
    };
    let engine = load_engine(args, config)?;
    eprintln!(
        "LFW: {} pairs in {folds} folds, {} images, {threads} worker threads, model {}",
        pairs.len(),
        keys.len(),
        engine.model_fingerprint()
    );

    let next = AtomicUsize::new(0);
    let results: Mutex<HashMap<String, ImageResult>> = Mutex::new(HashMap::new());
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(k) = keys.get(i) else { break };
                let r = process(&engine, &data.join("images").join(k), central);
                let mut g = results.lock().unwrap_or_else(|e| e.into_inner());
                g.insert(k.clone(), r);
                if g.len().is_multiple_of(500) {
                    eprintln!("  {} / {} images", g.len(), keys.len());
                }
            });
        }
    });
    let wall = t0.elapsed().as_secs_f64();
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());

    let mut counts: HashMap<How, usize> = HashMap::new();
    for r in results.values() {
        *counts.entry(r.how).or_default() += 1;
    }
    let zero = vec![0f32; facectl_engine::EMBEDDING_DIM];
    let emb = |k: &str| {
        results
            .get(k)
            .and_then(|r| r.embedding.as_deref())
            .unwrap_or(&zero)
    };
    let scored: Vec<(usize, f32, bool)> = pairs
        .iter()
        .map(|p| (p.fold, cosine(emb(&p.a), emb(&p.b)), p.same))
        .collect();

    // k-fold: threshold from the other folds, accuracy on the held-out fold.
    let mut fold_acc = Vec::new();
    let mut fold_thr = Vec::new();
    for f in 0..folds {
        let train: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.0 != f)
            .map(|s| (s.1, s.2))
            .collect();
        let test: Vec<(f32, bool)> = scored
            .iter()
            .filter(|s| s.0 == f)
            .map(|s| (s.1, s.2))
            .collect();
        let (t, _) = best_threshold(&train);
        let acc = test.iter().filter(|(v, same)| (*v >= t) == *same).count() as f64
            / test.len().max(1) as f64;
        fold_acc.push(acc);
        fold_thr.push(t as f64);
    }
    let acc_mean = mean(&fold_acc);
    let acc_std = (fold_acc.iter().map(|a| (a - acc_mean).powi(2)).sum::<f64>()
        / fold_acc.len().max(1) as f64)
        .sqrt();
    let thr_mean = mean(&fold_thr);
    let thr_std = (fold_thr.iter().map(|a| (a - thr_mean).powi(2)).sum::<f64>()
        / fold_thr.len().max(1) as f64)
        .sqrt();
    let all: Vec<(f32, bool)> = scored.iter().map(|s| (s.1, s.2)).collect();
    let (best_all, best_all_acc) = best_threshold(&all);
    let gen: Vec<f32> = all.iter().filter(|s| s.1).map(|s| s.0).collect();
    let imp: Vec<f32> = all.iter().filter(|s| !s.1).map(|s| s.0).collect();
    let (t_far3, tar_far3) = threshold_at_far(&gen, &imp, 1e-3);

    // All cross-identity pairs of the embedded images: enough impostors to resolve FAR 1e-4.
    let ids: Vec<(&str, &[f32])> = keys
        .iter()
        .filter_map(|k| {
            let e = results.get(k)?.embedding.as_deref()?;
            Some((k.split('/').next().unwrap_or(""), e))
        })
        .collect();
    let (all_gen, all_imp) = all_pairs(&ids);
    let (ap_t3, ap_tar3) = threshold_at_far(&all_gen, &all_imp, 1e-3);
    let (ap_t4, ap_tar4) = threshold_at_far(&all_gen, &all_imp, 1e-4);

    let mut det_ms: Vec<f64> = results.values().map(|r| r.detect_ms).collect();
    let mut emb_ms: Vec<f64> = results.values().map(|r| r.embed_ms).collect();
    let dec_ms: Vec<f64> = results.values().map(|r| r.decode_ms).collect();
    let c = |h: How| counts.get(&h).copied().unwrap_or(0);

    println!(
        "LFW verification on {} ({} pairs, {folds} folds, {} images)",
        data.display(),
        pairs.len(),
        keys.len()
    );
    println!(
        "  face choice: {}",
        if central {
            "face nearest the image centre"
        } else {
            "largest face"
        }
    );
    println!(
        "  accuracy (threshold from the other folds): {:.2} % +- {:.2} (population std over folds)",
        acc_mean * 100.0,
        acc_std * 100.0
    );
    println!(
        "  per-fold accuracy: {}",
        fold_acc
            .iter()
            .map(|a| format!("{:.2}", a * 100.0))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("  per-fold thresholds: mean cosine {thr_mean:.4} +- {thr_std:.4}; on all pairs best cosine {best_all:.4} ({:.2} %)", best_all_acc * 100.0);
    println!(
        "  TAR at FAR 1e-3 (protocol pairs, {} impostors): {:.2} % at cosine {t_far3:.4}",
        imp.len(),
        tar_far3 * 100.0
    );
    println!("  all-pairs ({} genuine, {} impostor pairs): FAR 1e-3 at cosine {ap_t3:.4} (TAR {:.2} %), FAR 1e-4 at cosine {ap_t4:.4} (TAR {:.2} %)", all_gen.len(), all_imp.len(), ap_tar3 * 100.0, ap_tar4 * 100.0);
    println!(
        "  similarity: best {:.2}, FAR 1e-3 {:.2}, FAR 1e-4 {:.2}",
        similarity(best_all),
        similarity(ap_t3),
        similarity(ap_t4)
    );
    println!("  no face at threshold 0.6: {} images; {} found at threshold 0.3, {} used a centre-crop fallback, {} failed", c(How::LowerThreshold) + c(How::CentreCrop), c(How::LowerThreshold), c(How::CentreCrop), c(How::Failed));
    println!("  timing ({threads} workers): decode {:.2} ms, detection {:.2} ms (median {:.2}), embedding {:.2} ms/face (median {:.2}), {:.1} images/s end to end",
        mean(&dec_ms), mean(&det_ms), median(&mut det_ms.clone()), mean(&emb_ms), median(&mut emb_ms.clone()), keys.len() as f64 / wall);
    let report = json!({
        "data": data.display().to_string(), "pairs": pairs.len(), "folds": folds, "images": keys.len(),
        "model": engine.model_fingerprint(), "select": if central {"central"} else {"largest"},
        "accuracy_mean": acc_mean, "accuracy_std": acc_std, "fold_accuracy": fold_acc, "fold_thresholds": fold_thr,
        "best_threshold_all": best_all, "best_accuracy_all": best_all_acc,
        "tar_at_far_1e3": tar_far3, "threshold_far_1e3": t_far3,
        "all_pairs": {"genuine": all_gen.len(), "impostor": all_imp.len(), "threshold_far_1e3": ap_t3, "tar_far_1e3": ap_tar3, "threshold_far_1e4": ap_t4, "tar_far_1e4": ap_tar4},
        "no_face": {"lower_threshold": c(How::LowerThreshold), "centre_crop": c(How::CentreCrop), "failed": c(How::Failed)},
        "timing": {"threads": threads, "decode_ms": mean(&dec_ms), "detect_ms": mean(&det_ms), "detect_ms_median": median(&mut det_ms), "embed_ms": mean(&emb_ms), "embed_ms_median": median(&mut emb_ms), "images_per_s": keys.len() as f64 / wall},
    });
    write_json(args, &report)?;
    if let Some(p) = args.get("scores") {
        let lines: Vec<String> = scored
            .iter()
            .map(|s| format!("{}\t{}\t{}", s.0, s.1, u8::from(s.2)))
            .collect();
        std::fs::write(p, lines.join("\n")).map_err(|e| format!("{p}: {e}"))?;
    }
    Ok(())
}

/// Genuine and impostor cosines over all pairs of embedded images (identity = folder name).
fn all_pairs(ids: &[(&str, &[f32])]) -> (Vec<f32>, Vec<f32>) {
    let mut gen = Vec::new();
    let mut imp = Vec::with_capacity(ids.len() * ids.len() / 2);
    for i in 0..ids.len() {
        for j in i + 1..ids.len() {
            let c: f32 = ids[i].1.iter().zip(ids[j].1).map(|(a, b)| a * b).sum();
            if ids[i].0 == ids[j].0 {
                gen.push(c);
            } else {
                imp.push(c);
            }
        }
    }
    (gen, imp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_folds() {
        let p = parse_pairs("1\t1\nA\t1\t2\nA\t1\tB\t3\n").expect("parses");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].a, "A/A_0001.jpg");
        assert!(p[0].same && !p[1].same);
        assert_eq!(p[1].b, "B/B_0003.jpg");
    }

    #[test]
    fn threshold_selection() {
        let s = [
            (0.9, true),
            (0.8, true),
            (0.3, false),
            (0.5, true),
            (0.4, false),
        ];
        let (t, acc) = best_threshold(&s);
        assert_eq!(acc, 1.0);
        assert!(t > 0.4 && t < 0.5);
        let (t, tar) = threshold_at_far(&[0.9, 0.5], &[0.1, 0.2, 0.6], 0.0);
        assert!(t > 0.6 && tar == 0.5);
    }
}
