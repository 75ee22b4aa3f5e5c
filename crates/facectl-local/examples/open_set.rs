//! Open-set identification on the local backend: are strangers left unnamed, and are enrolled
//! people still found, at each threshold and gallery size?
//!
//! Protocol (deterministic, on a folder laid out like lfw-dev: `<root>/<Person>/<image>`):
//! - identities whose SHA-256 of the name has a first byte divisible by `--strangers-every`
//!   (default 5: about one in five) are strangers, never enrolled; every photo of theirs is a
//!   non-mated probe;
//! - every other person is enrolled: for people with 2+ photos the last one (by name) is held
//!   back as the mated probe and the rest is enrolled; people with one photo are enrolled as
//!   distractors;
//! - `--distractors DIR` (repeatable; e.g. wider-dev, peers) adds one distractor person per good
//!   face found there
//!   (a crop of the face, so each is a single-face photo), to reach galleries of 3,000+ faces;
//! - people (and distractors) are enrolled in a fixed order (by SHA-256 of the name) through
//!   `bulk_import` (the code path of `facectl bulk-import --multiple largest`), in stages that
//!   stop at the `--sizes` gallery sizes; after each stage every probe is searched through the
//!   service layer's `search` (largest face), mated probes only for the people enrolled so far.
//!
//! Printed per stage and threshold: FPIR (share of strangers whose best person reaches the
//! threshold) and FNIR (share of mated probes whose best person is missing, below the threshold
//! or somebody else), and the threshold where they are equal.
//!
//! ```sh
//! FACECTL_MODEL_DIR=../shared/models cargo run --release -p facectl-local --example open_set -- \
//!     --lfw ../shared/data/lfw-dev/images --distractors ../shared/data/wider-dev [--sizes 300,1000,3000]
//! ```

use facectl_core::model::FaceSelect;
use facectl_core::naming::Naming;
use facectl_core::progress::{CancelFlag, NoProgress};
use facectl_core::service::bulk_import::{bulk_import, BulkOptions};
use facectl_core::service::ingest::{IngestOptions, MultiplePolicy};
use facectl_core::service::provision;
use facectl_core::service::search::{search, SearchOptions};
use facectl_engine::{decode_file, Engine, EngineConfig, FaceSelect as EngineSelect, ModelPaths};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

const THRESHOLDS: [f32; 10] = [40.0, 50.0, 60.0, 70.0, 75.0, 78.0, 80.0, 82.0, 85.0, 90.0];

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn hash(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

/// One person to enroll: a name and their gallery photos.
struct Unit {
    name: String,
    photos: Vec<PathBuf>,
}

/// A probe's outcome: the best person (right or not) and its similarity; `None` = no answer.
type Outcome = Option<(bool, f32)>;

struct Args {
    lfw: PathBuf,
    distractors: Vec<PathBuf>,
    strangers_every: u8,
    sizes: Vec<usize>,
    jobs: usize,
}

fn parse_args() -> Result<Args, Error> {
    let mut a = Args {
        lfw: PathBuf::new(),
        distractors: Vec::new(),
        strangers_every: 5,
        sizes: vec![300, 1000, usize::MAX],
        jobs: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().ok_or_else(|| format!("{k} needs a value"));
        match k.as_str() {
            "--lfw" => a.lfw = PathBuf::from(v()?),
            "--distractors" => a.distractors.push(PathBuf::from(v()?)),
            "--strangers-every" => a.strangers_every = v()?.parse()?,
            "--jobs" => a.jobs = v()?.parse()?,
            "--sizes" => {
                a.sizes = v()?
                    .split(',')
                    .map(|s| s.trim().parse())
                    .collect::<Result<_, _>>()?;
                a.sizes.push(usize::MAX);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if a.lfw.as_os_str().is_empty() {
        return Err("usage: open_set --lfw DIR [--distractors DIR]... [--sizes 300,1000] [--strangers-every 5] [--jobs 2]".into());
    }
    Ok(a)
}

/// Crops every good face (no quality issue) of every image under `dir` into `out/<id>/face.jpg`.
fn crop_distractors(
    engine: &Engine,
    dir: &Path,
    out: &Path,
    tag: usize,
) -> Result<Vec<Unit>, Error> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for p in sorted_entries(&d) {
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("jpg" | "jpeg" | "png")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut units = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let Ok(img) = decode_file(f, &engine.config().decode) else {
            continue;
        };
        let Ok(faces) = engine.analyze(&img, EngineSelect::All) else {
            continue;
        };
        for (k, face) in faces.iter().enumerate() {
            if !face.issues.is_empty() {
                continue;
            }
            let b = face.detection.bbox;
            let side = b.width.max(b.height) * 2.0;
            let (cx, cy) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
            let x0 = (cx - side / 2.0).max(0.0) as u32;
            let y0 = (cy - side / 2.0).max(0.0) as u32;
            let w = (side as u32).min(img.rgb.width().saturating_sub(x0));
            let h = (side as u32).min(img.rgb.height().saturating_sub(y0));
            if w < 32 || h < 32 {
                continue;
            }
            let crop = image::imageops::crop_imm(&img.rgb, x0, y0, w, h).to_image();
            let name = format!("distractor_{tag}_{fi:04}_{k:03}");
            let folder = out.join(&name);
            std::fs::create_dir_all(&folder)?;
            let path = folder.join("face.jpg");
            crop.save(&path)?;
            units.push(Unit {
                name,
                photos: vec![path],
            });
        }
    }
    Ok(units)
}

fn rate(hits: usize, n: usize) -> f64 {
    100.0 * hits as f64 / n.max(1) as f64
}

/// FPIR and FNIR (percent) at threshold `t`.
fn error_rates(mated: &[Outcome], strangers: &[Outcome], t: f32) -> (f64, f64) {
    let fp = strangers
        .iter()
        .filter(|o| matches!(o, Some((_, s)) if *s >= t))
        .count();
    let found = mated
        .iter()
        .filter(|o| matches!(o, Some((true, s)) if *s >= t))
        .count();
    (rate(fp, strangers.len()), 100.0 - rate(found, mated.len()))
}

/// The threshold (0.1 steps) where FPIR and FNIR are closest, with both rates.
fn equal_error(mated: &[Outcome], strangers: &[Outcome]) -> (f32, f64, f64) {
    (0..=1000)
        .map(|i| {
            let t = i as f32 / 10.0;
            let (fp, fn_) = error_rates(mated, strangers, t);
            (t, fp, fn_)
        })
        .min_by(|a, b| (a.1 - a.2).abs().total_cmp(&(b.1 - b.2).abs()))
        .unwrap_or((0.0, 0.0, 0.0))
}

async fn probe_all(
    backend: &facectl_core::ports::Backend,
    probes: &[(String, PathBuf)],
) -> Result<Vec<Outcome>, Error> {
    let opts = SearchOptions {
        select: FaceSelect::Largest,
        threshold: 0.0,
        max_matches: 1,
    };
    let mut out = Vec::with_capacity(probes.len());
    for (expected, probe) in probes {
        let report = search(backend, probe, &opts).await?;
        let best = report.faces.first().and_then(|f| f.matches.first());
        out.push(best.map(|m| {
            let right = m.person.as_ref().map(|p| p.person_id.as_str()) == Some(expected);
            (right, m.similarity)
        }));
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args = parse_args()?;
    let model_dir = std::env::var_os("FACECTL_MODEL_DIR")
        .map(PathBuf::from)
        .ok_or("set FACECTL_MODEL_DIR to the folder with the YuNet and SFace models")?;
    let work = tempfile::tempdir()?;

    let mut units = Vec::new();
    let mut mated: Vec<(String, PathBuf)> = Vec::new();
    let mut strangers: Vec<(String, PathBuf)> = Vec::new();
    let mut stranger_people = 0usize;
    for person in sorted_entries(&args.lfw) {
        let Some(name) = person
            .file_name()
            .and_then(|n| n.to_str())
            .map(String::from)
        else {
            continue;
        };
        let mut photos = sorted_entries(&person);
        if photos.is_empty() {
            continue;
        }
        if hash(&name)[0].is_multiple_of(args.strangers_every.max(1)) {
            stranger_people += 1;
            strangers.extend(photos.into_iter().map(|p| (String::new(), p)));
            continue;
        }
        if photos.len() >= 2 {
            if let Some(p) = photos.pop() {
                mated.push((name.clone(), p));
            }
        }
        units.push(Unit { name, photos });
    }
    if !args.distractors.is_empty() {
        let engine = Engine::load(
            &ModelPaths::find_in_dir(&model_dir),
            EngineConfig::default(),
        )?;
        for (tag, dir) in args.distractors.iter().enumerate() {
            let out = work.path().join("distractors");
            let found = crop_distractors(&engine, dir, &out, tag)?;
            eprintln!("{} distractor faces from {}", found.len(), dir.display());
            units.extend(found);
        }
    }
    units.sort_by_key(|u| hash(&u.name));

    let mut cfg = facectl_local::LocalConfig::new(work.path().join("data"));
    cfg.model_dir = Some(model_dir);
    let backend = facectl_local::open(cfg)?;
    provision::provision(&backend, false).await?;
    // bulk-import --multiple largest: the largest face of every photo.
    let ingest = IngestOptions {
        multiple: MultiplePolicy::Largest,
        ..IngestOptions::default()
    };

    println!(
        "open set: {} enrolled people and distractors, {} mated probes, {} stranger photos ({} strangers)",
        units.len(),
        mated.len(),
        strangers.len(),
        stranger_people
    );
    let mut next = 0usize;
    let mut faces = 0usize;
    let mut enrolled = std::collections::HashSet::new();
    for (stage, &size) in args.sizes.iter().enumerate() {
        let folder = work.path().join(format!("stage{stage}"));
        std::fs::create_dir_all(&folder)?;
        let mut photos = 0usize;
        while next < units.len() && faces + photos < size {
            let u = &units[next];
            let dest = folder.join(&u.name);
            std::fs::create_dir_all(&dest)?;
            for p in &u.photos {
                if let Some(f) = p.file_name() {
                    std::fs::copy(p, dest.join(f))?;
                    photos += 1;
                }
            }
            enrolled.insert(u.name.clone());
            next += 1;
        }
        if photos == 0 {
            break;
        }
        let opts = BulkOptions {
            naming: Naming::Folder,
            jobs: args.jobs,
            ingest: ingest.clone(),
            limit: None,
        };
        let report = bulk_import(&backend, &folder, &opts, &NoProgress, &CancelFlag::new()).await?;
        faces += report.faces_indexed;
        let stage_mated: Vec<(String, PathBuf)> = mated
            .iter()
            .filter(|(n, _)| enrolled.contains(n))
            .cloned()
            .collect();
        let t0 = Instant::now();
        let m = probe_all(&backend, &stage_mated).await?;
        let s = probe_all(&backend, &strangers).await?;
        let per_search = t0.elapsed().as_secs_f64() * 1e3 / (m.len() + s.len()).max(1) as f64;
        println!();
        println!(
            "### gallery {faces} faces ({} people and distractors): {} mated probes, {} stranger probes ({per_search:.0} ms per search)",
            enrolled.len(),
            m.len(),
            s.len()
        );
        println!();
        println!(
            "| threshold | FPIR (stranger named) | FNIR (enrolled person missed or misnamed) |"
        );
        println!("|---|---|---|");
        for t in THRESHOLDS {
            let (fp, fn_) = error_rates(&m, &s, t);
            println!("| {t} | {fp:.2} % | {fn_:.2} % |");
        }
        let (t, fp, fn_) = equal_error(&m, &s);
        println!("| equal at {t:.1} | {fp:.2} % | {fn_:.2} % |");
    }
    Ok(())
}
