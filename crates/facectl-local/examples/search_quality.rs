//! Search quality of the local backend on an LFW-style folder (`<root>/<Person>/<image>`).
//!
//! For every person with 2+ images the last image (by name) is held back as a probe; everything
//! else (including people with one image, as distractors) is bulk-imported through the service
//! layer as `facectl bulk-import --multiple largest` does (the largest face of every photo, so
//! the gallery keeps the LFW photos with background faces); then each probe is searched (largest face,
//! thresholds 80-95). Prints, per threshold, the rank-1 identification rate, the rate of wrong
//! names (as top match, and anywhere in the top 5) and misses; then import speed and database size.
//!
//! ```sh
//! FACECTL_MODEL_DIR=../shared/models cargo run --release -p facectl-local --example search_quality -- \
//!     ../shared/data/lfw-dev/images [--jobs 2] [--people N]
//! ```

use facectl_core::model::FaceSelect;
use facectl_core::naming::Naming;
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::bulk_import::{bulk_import, BulkOptions};
use facectl_core::service::ingest::IngestOptions;
use facectl_core::service::provision;
use facectl_core::service::search::{search, SearchOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut root = None;
    let mut jobs = 2usize;
    let mut people_limit = usize::MAX;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--jobs" => jobs = args.next().ok_or("--jobs N")?.parse()?,
            "--people" => people_limit = args.next().ok_or("--people N")?.parse()?,
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.ok_or("usage: search_quality <lfw images folder> [--jobs N] [--people N]")?;
    let model_dir = std::env::var_os("FACECTL_MODEL_DIR")
        .map(PathBuf::from)
        .ok_or("set FACECTL_MODEL_DIR to the folder with the YuNet and SFace models")?;

    let work = tempfile::tempdir()?;
    let gallery = work.path().join("gallery");
    let mut probes: Vec<(String, PathBuf)> = Vec::new();
    let mut gallery_images = 0usize;
    for person in sorted_entries(&root).into_iter().take(people_limit) {
        let Some(name) = person
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let mut images = sorted_entries(&person);
        if images.len() >= 2 {
            if let Some(p) = images.pop() {
                probes.push((name.clone(), p));
            }
        }
        std::fs::create_dir_all(gallery.join(&name))?;
        for img in images {
            if let Some(file) = img.file_name() {
                std::fs::copy(&img, gallery.join(&name).join(file))?;
                gallery_images += 1;
            }
        }
    }

    let mut cfg = facectl_local::LocalConfig::new(work.path().join("data"));
    cfg.model_dir = Some(model_dir);
    let backend = facectl_local::open(cfg)?;
    provision::provision(&backend, false).await?;
    let opts = BulkOptions {
        naming: Naming::Folder,
        jobs,
        ingest: IngestOptions::default(),
        limit: None,
    };
    let report = bulk_import(&backend, &gallery, &opts, &NoProgress, &CancelFlag::new()).await?;

    // One search per probe at a low threshold; the metrics at each threshold are computed from
    // the similarities (a match list at threshold t is this list cut at t).
    const SWEEP: [f32; 5] = [80.0, 85.0, 90.0, 92.5, 95.0];
    let search_opts = SearchOptions {
        select: FaceSelect::Largest,
        threshold: 50.0,
        max_matches: 5,
    };
    let mut results: Vec<Vec<(bool, f32)>> = Vec::new();
    let mut failed = 0;
    let t0 = Instant::now();
    for (expected, probe) in &probes {
        let found = match search(&backend, probe, &search_opts).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: {e}", probe.display());
                failed += 1;
                continue;
            }
        };
        let Some(face) = found.faces.first() else {
            failed += 1;
            continue;
        };
        results.push(
            face.matches
                .iter()
                .map(|m| {
                    let right = m.person.as_ref().map(|p| p.person_id.as_str()) == Some(expected);
                    (right, m.similarity)
                })
                .collect(),
        );
    }
    let search_secs = t0.elapsed().as_secs_f64();
    let n = probes.len().max(1) as f64;
    let pct = |k: usize| format!("{:.2} % ({k})", 100.0 * k as f64 / n);
    println!("| threshold | rank-1 identification | wrong name as top match | any wrong name in the top 5 | no match |");
    println!("|---|---|---|---|---|");
    for t in SWEEP {
        let (mut rank1, mut wrong_top, mut wrong_any, mut missed) = (0, 0, 0, 0);
        for r in &results {
            let above: Vec<&(bool, f32)> = r.iter().filter(|(_, s)| *s >= t).collect();
            match above.first() {
                None => missed += 1,
                Some((true, _)) => rank1 += 1,
                Some((false, _)) => wrong_top += 1,
            }
            if above.iter().any(|(right, _)| !right) {
                wrong_any += 1;
            }
        }
        println!(
            "| {t} | {} | {} | {} | {} |",
            pct(rank1),
            pct(wrong_top),
            pct(wrong_any),
            pct(missed)
        );
    }
    println!();
    println!("| measure | value |\n|---|---|");
    println!(
        "| gallery | {gallery_images} images, {} persons: {} imported, {} no face, {} several faces, {} failed ({:.1} img/s, --jobs {jobs}) |",
        report.persons,
        report.counts.imported,
        report.counts.no_face,
        report.counts.multiple_faces,
        report.counts.failed,
        report.images_per_sec
    );
    println!(
        "| probes (held-back last image of each person with 2+ images) | {} |",
        probes.len()
    );
    println!("| probes that failed (no face, unreadable) | {failed} |");
    println!(
        "| search, in process (engine loaded) | {:.1} ms per probe |",
        1000.0 * search_secs / n
    );
    let data = work.path().join("data");
    let db_bytes: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            std::fs::metadata(data.join(format!("{}{suffix}", facectl_local::DB_FILE))).ok()
        })
        .map(|m| m.len())
        .sum();
    if db_bytes > 0 && report.faces_indexed > 0 {
        println!(
            "| database size | {:.1} KB per face ({} faces) |",
            db_bytes as f64 / 1024.0 / report.faces_indexed as f64,
            report.faces_indexed
        );
    }
    Ok(())
}
