//! The scale benchmark of face collections (README "Search at scale"): grows a collection of
//! synthetic face prints through the sizes given and reports, per size, the insert rate, the
//! time to build the saved index, and, from a fresh process, the time to open it, search
//! latency p50/p99 and resident memory; and recall@1/@10 of the search against exact scoring.
//!
//! [SCALE_EXPANSION=256] cargo run --release -p facectl-collection --example scale --
//!     [--faces 10000,100000,1000000] [--dir DIR] [--queries 200]
//! cargo run --release -p facectl-collection --example scale -- --fill DB TARGET
//!     (adds synthetic prints to collection `default` of a facectl data folder's database,
//!     with its bound model, up to TARGET faces: for timing `facectl search` at scale)

use facectl_collection::schema::SCHEMA_V1;
use facectl_collection::store::{self, NewFace};
use facectl_collection::{IndexConfig, SearchIndexes};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common_rng;

use common_rng::{unit, Rng};

const DIM: usize = 128;
type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Face print `i` of the synthetic population: a shared direction plus per-face noise, so
/// strangers score cosines around 0.2 as real face prints do. Same `i`, same print.
fn print(common: &[f32], i: u64) -> Vec<f32> {
    let mut rng = Rng(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    unit(
        (0..DIM)
            .map(|d| 0.5 * common[d] + 0.1 * rng.normal())
            .collect(),
    )
}

fn common() -> Vec<f32> {
    let mut rng = Rng(42);
    unit((0..DIM).map(|_| rng.normal()).collect())
}

/// A probe of face `i`'s person: its print with noise added (cosine ~0.8 to it).
fn probe(common: &[f32], i: u64, rng: &mut Rng) -> Vec<f32> {
    unit(
        print(common, i)
            .iter()
            .map(|x| x + 0.06 * rng.normal())
            .collect(),
    )
}

/// Adds synthetic faces until the collection holds `target`; returns faces added per second.
fn fill(conn: &mut Connection, collection: &str, model: &str, target: u64) -> Res<f64> {
    let have = store::require(conn, collection)?.faces;
    let common = common();
    let t0 = Instant::now();
    let mut i = have;
    while i < target {
        let end = (i + 10_000).min(target);
        let faces: Vec<NewFace> = (i..end)
            .map(|n| NewFace {
                face_id: uuid::Uuid::new_v4().to_string(),
                external_id: Some(format!("synthetic-{n}")),
                bbox: [0.0, 0.0, 10.0, 10.0],
                confidence: 0.99,
                embedding: print(&common, n),
                ..NewFace::default()
            })
            .collect();
        store::insert_faces(conn, collection, None, model, &faces)?;
        i = end;
    }
    Ok((target.saturating_sub(have)) as f64 / t0.elapsed().as_secs_f64().max(1e-9))
}

fn config(dir: &Path) -> IndexConfig {
    let mut c = IndexConfig {
        dir: Some(dir.to_path_buf()),
        ..IndexConfig::default()
    };
    if let Some(e) = std::env::var("SCALE_EXPANSION")
        .ok()
        .and_then(|e| e.parse().ok())
    {
        c.search_expansion = e;
    }
    c
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Child mode: open the saved index as a new process would, then time searches.
fn probe_process(db: &Path, dir: &Path, faces: u64, queries: usize) -> Res<()> {
    let rss0 = rss_kib("RssAnon:");
    let conn = Connection::open(db)?;
    let idx = SearchIndexes::new(config(dir), DIM);
    let common = common();
    let mut rng = Rng(7);
    let t0 = Instant::now();
    idx.search(&conn, "bench", &probe(&common, 0, &mut rng), 10, 0.0)?;
    let open_ms = t0.elapsed().as_secs_f64() * 1e3;
    let mut ms = Vec::with_capacity(queries);
    for q in 0..queries {
        let i = (q as u64).wrapping_mul(7_919) % faces;
        let v = probe(&common, i, &mut rng);
        let t = Instant::now();
        idx.search(&conn, "bench", &v, 10, 0.0)?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    let pct = |p: f64| ms[((ms.len() - 1) as f64 * p).round() as usize];
    // Private memory: mapped index pages are file cache the kernel can drop and share.
    let rss = rss_kib("RssAnon:").saturating_sub(rss0);
    println!(
        "{open_ms:.1} {:.2} {:.2} {}",
        pct(0.5),
        pct(0.99),
        rss * 1024 / faces.max(1)
    );
    Ok(())
}

fn main() -> Res<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    if let Some(db) = flag("--fill") {
        let target: u64 = args.last().ok_or("--fill DB TARGET")?.parse()?;
        let mut conn = Connection::open(&db)?;
        let row = store::require(&conn, facectl_collection::schema::LOCAL_COLLECTION)?;
        let model = row
            .model
            .ok_or("enroll one real face first: the collection has no model")?;
        let rate = fill(&mut conn, &row.id, &model, target)?;
        eprintln!("filled {db} to {target} faces ({rate:.0} faces/s)");
        return Ok(());
    }
    let queries: usize = flag("--queries").map_or(Ok(200), |q| q.parse())?;
    if let Some(db) = flag("--probe-db") {
        let dir = PathBuf::from(flag("--probe-dir").ok_or("--probe-dir")?);
        let faces: u64 = flag("--probe-faces").ok_or("--probe-faces")?.parse()?;
        return probe_process(Path::new(&db), &dir, faces, queries);
    }
    let sizes: Vec<u64> = flag("--faces")
        .unwrap_or_else(|| "10000,100000,1000000".into())
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let tmp = tempfile::tempdir()?;
    let root = flag("--dir").map_or_else(|| tmp.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&root)?;
    let db = root.join("bench.db");
    let dir = root.join("index");
    let mut conn = Connection::open(&db)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    conn.execute_batch(SCHEMA_V1)?;
    store::ensure_collection(&conn, "bench")?;
    println!("| faces | insert faces/s | index build s | open ms | search p50 ms | search p99 ms | private RSS bytes/face | index file bytes/face | recall@1 | recall@10 |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let common = common();
    for n in sizes {
        let rate = fill(&mut conn, "bench", "synthetic", n)?;
        // Build (or bring up to date) the saved index, as the first search after the change does.
        let builder = SearchIndexes::new(config(&dir), DIM);
        let t0 = Instant::now();
        builder.search(&conn, "bench", &common, 1, 0.0)?;
        let build = t0.elapsed().as_secs_f64();
        drop(builder);
        let me = std::env::current_exe()?;
        let out = std::process::Command::new(me)
            .args([
                "--probe-db",
                &db.display().to_string(),
                "--probe-dir",
                &dir.display().to_string(),
            ])
            .args([
                "--probe-faces",
                &n.to_string(),
                "--queries",
                &queries.to_string(),
            ])
            .output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        let probe_line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let p: Vec<&str> = probe_line.split(' ').collect();
        // Recall against exact scoring of every face.
        let ann = SearchIndexes::new(config(&dir), DIM);
        let exact = SearchIndexes::new(
            IndexConfig {
                dir: None,
                persist_min: usize::MAX,
                ann_min: usize::MAX,
                ..IndexConfig::default()
            },
            DIM,
        );
        let mut rng = Rng(99);
        let (mut r1, mut r10, mut n10) = (0usize, 0usize, 0usize);
        let trials = queries.min(100);
        for q in 0..trials {
            let i = (q as u64).wrapping_mul(104_729) % n;
            let v = probe(&common, i, &mut rng);
            let a = ann.search(&conn, "bench", &v, 10, 0.0)?;
            let e = exact.search(&conn, "bench", &v, 10, 0.0)?;
            if a.first().map(|h| h.seq) == e.first().map(|h| h.seq) {
                r1 += 1;
            }
            n10 += e.len();
            r10 += e
                .iter()
                .filter(|h| a.iter().any(|x| x.seq == h.seq))
                .count();
        }
        drop(exact);
        let files: u64 = std::fs::read_dir(&dir)?
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        println!(
            "| {n} | {rate:.0} | {build:.1} | {} | {} | {} | {} | {} | {:.1} % | {:.1} % |",
            p.first().unwrap_or(&"?"),
            p.get(1).unwrap_or(&"?"),
            p.get(2).unwrap_or(&"?"),
            p.get(3).unwrap_or(&"?"),
            files / n.max(1),
            100.0 * r1 as f64 / trials.max(1) as f64,
            100.0 * r10 as f64 / n10.max(1) as f64,
        );
    }
    Ok(())
}
