//! `facectl-eval embed`: every face of every image under a folder as JSON lines (box,
//! confidence, quality issues, face print), for offline analysis of scores.

use super::{files_under, load_engine, Args};
use facectl_engine::{decode_file, EngineConfig, FaceSelect};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub fn run(args: &Args) -> Result<(), String> {
    let data = args.path("data")?;
    let out = args.path("out")?;
    let threads: usize = args.num("threads", 2)?;
    let engine = load_engine(args, EngineConfig::default())?;
    let files = files_under(&data);
    let next = AtomicUsize::new(0);
    let sink = Mutex::new(std::io::BufWriter::new(
        std::fs::File::create(&out).map_err(|e| format!("{}: {e}", out.display()))?,
    ));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = files.get(i) else { break };
                let rel = p.strip_prefix(&data).unwrap_or(p).display().to_string();
                let faces = decode_file(p, &engine.config().decode)
                    .map_err(|e| e.to_string())
                    .and_then(|img| {
                        engine
                            .analyze(&img, FaceSelect::All)
                            .map_err(|e| e.to_string())
                    });
                let line = match faces {
                    Ok(f) => serde_json::json!({"path": rel, "faces": f.iter().map(|a| serde_json::json!({
                        "bbox": a.detection.bbox, "confidence": a.detection.confidence,
                        "issues": a.issues, "embedding": a.embedding.0,
                    })).collect::<Vec<_>>()}),
                    Err(e) => serde_json::json!({"path": rel, "error": e}),
                };
                let mut w = sink.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(w, "{line}");
                if i.is_multiple_of(500) {
                    eprintln!("  {i} / {}", files.len());
                }
            });
        }
    });
    sink.into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .flush()
        .map_err(|e| e.to_string())
}
