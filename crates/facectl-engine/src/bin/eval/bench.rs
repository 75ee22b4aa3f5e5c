//! Speed benchmark on single-face 640x480 photos: detection ms, embedding ms, and end-to-end
//! images/s (decode + detect + quality + embed) with 1 and 2 worker threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use facectl_engine::{decode_file, decode_image, DecodedImage, Engine, EngineConfig, FaceSelect};
use image::imageops::FilterType;
use serde_json::json;

use super::{load_engine, median, write_json, Args};

/// Single-face source photos (relative to the shared data folder) used to build the bench set.
const SOURCES: &[&str] = &[
    "peers/ageitgey_face_recognition/tests/test_images/obama.jpg",
    "peers/ageitgey_face_recognition/tests/test_images/obama2.jpg",
    "peers/ageitgey_face_recognition/tests/test_images/obama3.jpg",
    "peers/ageitgey_face_recognition/tests/test_images/biden.jpg",
    "peers/ageitgey_face_recognition/examples/obama-1080p.jpg",
    "peers/compreface/embedding-calculator/sample_images/001_A.jpg",
    "peers/compreface/embedding-calculator/sample_images/007_B.jpg",
    "peers/compreface/embedding-calculator/sample_images/008_B.jpg",
    "peers/compreface/embedding-calculator/sample_images/009_C.jpg",
    "peers/facenet_pytorch/data/test_images/angelina_jolie/1.jpg",
    "peers/facenet_pytorch/data/test_images/kate_siegel/1.jpg",
    "peers/facenet_pytorch/data/test_images/paul_rudd/1.jpg",
    "peers/insightface/cpp-package/inspireface/test_res/data/bulk/woman_search.jpeg",
    "peers/insightface/cpp-package/inspireface/test_res/data/bulk/yifei.jpg",
];

/// Writes 640x480 JPEG crops (4:3, centred on the face, face ~40 % of the height).
pub fn prepare(args: &Args) -> Result<(), String> {
    let out = args.path("out")?;
    let data = PathBuf::from(args.get("data").unwrap_or("../shared/data"));
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let engine = load_engine(args, EngineConfig::default())?;
    let mut n = 0;
    for (i, src) in SOURCES.iter().enumerate() {
        let p = data.join(src);
        let img = decode_file(&p, &engine.config().decode).map_err(|e| e.to_string())?;
        let dets = engine.detect(&img).map_err(|e| e.to_string())?;
        let Some(d) = dets.first() else {
            eprintln!("skipping {src}: no face");
            continue;
        };
        let (w, h) = (img.width() as f32, img.height() as f32);
        let ch = (d.bbox.height * 2.5).min(h).min(w * 0.75);
        let cw = ch * 4.0 / 3.0;
        let (cx, cy) = d.bbox.center();
        let x0 = (cx - cw / 2.0).clamp(0.0, w - cw);
        let y0 = (cy - ch / 2.0).clamp(0.0, h - ch);
        let crop = image::imageops::crop_imm(&img.rgb, x0 as u32, y0 as u32, cw as u32, ch as u32)
            .to_image();
        let small = image::imageops::resize(&crop, 640, 480, FilterType::Triangle);
        let dst = out.join(format!("face_{i:02}.jpg"));
        image::DynamicImage::ImageRgb8(small)
            .save_with_format(&dst, image::ImageFormat::Jpeg)
            .map_err(|e| format!("{}: {e}", dst.display()))?;
        let check = decode_file(&dst, &engine.config().decode).map_err(|e| e.to_string())?;
        let faces = engine.detect(&check).map_err(|e| e.to_string())?.len();
        if faces != 1 {
            eprintln!("dropping {}: {faces} faces after cropping", dst.display());
            let _ = std::fs::remove_file(&dst);
            continue;
        }
        n += 1;
    }
    println!("wrote {n} single-face 640x480 photos to {}", out.display());
    Ok(())
}

fn list_images(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            Ok((p.display().to_string(), b))
        })
        .collect()
}

/// Runs the full pipeline on `workers` threads for `secs` seconds; returns images/s.
fn throughput(engine: &Engine, imgs: &[(String, Vec<u8>)], workers: usize, secs: f64) -> f64 {
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed) % imgs.len();
                    let (name, bytes) = &imgs[i];
                    if let Ok(img) = decode_image(bytes, name, &engine.config().decode) {
                        let _ = engine.analyze(&img, FaceSelect::Largest);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(Duration::from_secs_f64(secs));
        stop.store(true, Ordering::Relaxed);
    });
    done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64()
}

pub fn run(args: &Args) -> Result<(), String> {
    let dir = args.path("images")?;
    let secs: f64 = args.num("seconds", 10.0)?;
    let reps: usize = args.num("reps", 5)?;
    let imgs = list_images(&dir)?;
    if imgs.is_empty() {
        return Err(format!(
            "no .jpg files in {} (run bench-prepare first)",
            dir.display()
        ));
    }
    let engine = load_engine(args, EngineConfig::default())?;
    let decoded: Vec<DecodedImage> = imgs
        .iter()
        .map(|(n, b)| decode_image(b, n, &engine.config().decode).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    // Warm-up (builds the 640x480 plan).
    for img in &decoded {
        engine
            .analyze(img, FaceSelect::Largest)
            .map_err(|e| e.to_string())?;
    }
    let (mut dec, mut det, mut emb) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        for ((name, bytes), img) in imgs.iter().zip(&decoded) {
            let t = Instant::now();
            let _ = decode_image(bytes, name, &engine.config().decode);
            dec.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let faces = engine.detect(img).map_err(|e| e.to_string())?;
            det.push(t.elapsed().as_secs_f64() * 1e3);
            if let Some(f) = faces.first() {
                let t = Instant::now();
                engine.embed(img, f).map_err(|e| e.to_string())?;
                emb.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    let (dec_ms, det_ms, emb_ms) = (median(&mut dec), median(&mut det), median(&mut emb));
    let t1 = throughput(&engine, &imgs, 1, secs);
    let t2 = throughput(&engine, &imgs, 2, secs);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let runtime = format!("{} {}", engine.runtime().name, engine.runtime().version);
    println!(
        "{runtime} bench: {} single-face 640x480 photos, {} reps, model {}",
        imgs.len(),
        reps,
        engine.model_fingerprint()
    );
    println!("  decode {dec_ms:.2} ms, detection {det_ms:.2} ms, embedding {emb_ms:.2} ms/face (medians, 1 thread)");
    println!("  end to end (decode+detect+quality+embed): {t1:.1} img/s with 1 worker, {t2:.1} img/s with 2 workers");
    println!("  load average at end: {}", load.trim());
    write_json(
        args,
        &json!({"runtime": runtime, "images": imgs.len(), "decode_ms": dec_ms, "detect_ms": det_ms, "embed_ms": emb_ms,
                "img_per_s_1": t1, "img_per_s_2": t2, "loadavg": load.trim()}),
    )
}
