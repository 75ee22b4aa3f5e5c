//! The start-up cache (`EngineConfig::cache_dir`) on both runtimes: a first engine fills it, a
//! second loads from it and finds the same faces with the same face prints as an engine without
//! it, and entries that are damaged, or whole yet refused by ONNX Runtime, are never trusted:
//! the engine does the work again, gives the same answers and replaces them.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use facectl_engine::{
    Engine, EngineConfig, FaceAnalysis, FaceSelect, RuntimeConfig, RuntimePreference,
};

fn engine(prefer: RuntimePreference, cache: Option<&Path>) -> Engine {
    let config = EngineConfig {
        runtime: RuntimeConfig {
            prefer,
            onnxruntime_library: Some(require_ort_library()),
        },
        cache_dir: cache.map(Path::to_path_buf),
        ..EngineConfig::default()
    };
    Engine::load(&model_paths(), config).unwrap_or_else(|e| panic!("{prefer:?}: {e}"))
}

fn photos() -> Vec<String> {
    vec![
        format!("{HOPPER}/hopper.jpg"),
        format!("{COMPREFACE}/000_5.jpg"),
        format!("{COMPREFACE}/001_A.jpg"),
    ]
}

fn analyse(e: &Engine) -> Vec<Vec<FaceAnalysis>> {
    photos()
        .iter()
        .map(|rel| e.analyze(&decode(rel), FaceSelect::All).expect(rel))
        .collect()
}

/// The same faces (boxes within 0.01 px) with the same face prints (every value within 1e-5).
fn assert_same(what: &str, a: &[Vec<FaceAnalysis>], b: &[Vec<FaceAnalysis>]) {
    assert_eq!(a.len(), b.len());
    let mut faces = 0;
    for (pa, pb) in a.iter().zip(b) {
        assert_eq!(pa.len(), pb.len(), "{what}: faces per photo");
        for (fa, fb) in pa.iter().zip(pb) {
            let (x, y) = (&fa.detection.bbox, &fb.detection.bbox);
            for (u, v) in [
                (x.x, y.x),
                (x.y, y.y),
                (x.width, y.width),
                (x.height, y.height),
            ] {
                assert!((u - v).abs() < 0.01, "{what}: box {x:?} vs {y:?}");
            }
            let (ea, eb) = (fa.embedding.as_slice(), fb.embedding.as_slice());
            let worst = ea
                .iter()
                .zip(eb)
                .map(|(u, v)| (u - v).abs())
                .fold(0f32, f32::max);
            assert!(worst < 1e-5, "{what}: face print differs by {worst}");
            faces += 1;
        }
    }
    assert!(faces >= 3, "{what}: only {faces} faces in the test photos");
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    all.sort();
    all
}

fn named(dir: &Path, part: &str) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(part))
        .collect()
}

/// Rewrites an entry's payload with `change` applied and a valid trailer (magic, length,
/// CRC-32), as a file that is whole but holds something else would look.
fn rewrite_whole(path: &Path, change: impl FnOnce(&mut Vec<u8>)) {
    let bytes = std::fs::read(path).unwrap();
    let mut payload = bytes[..bytes.len() - 20].to_vec();
    change(&mut payload);
    let mut out = payload.clone();
    out.extend_from_slice(b"FCTLMC01");
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    std::fs::write(path, out).unwrap();
}

/// The head (JSON) at the end of an optimised model's entry, which must parse.
fn head_of_entry(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap();
    let payload = &bytes[..bytes.len() - 20];
    let n = payload.len();
    let len = u32::from_le_bytes(payload[n - 4..].try_into().unwrap()) as usize;
    serde_json::from_slice(&payload[n - 4 - len..n - 4])
        .unwrap_or_else(|e| panic!("{}: head not replaced: {e}", path.display()))
}

fn check_runtime(prefer: RuntimePreference, kinds: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let plain = analyse(&engine(prefer, None));
    assert!(entries(&cache).is_empty());

    let first = engine(prefer, Some(&cache));
    assert!(!first.from_cache());
    assert_same("filling the cache", &plain, &analyse(&first));
    for kind in kinds {
        assert_eq!(
            named(&cache, kind).len(),
            2,
            "{kind} entries: {:?}",
            entries(&cache)
        );
    }
    assert_eq!(
        entries(&cache).len(),
        2 * kinds.len(),
        "{:?}",
        entries(&cache)
    );

    let second = engine(prefer, Some(&cache));
    assert!(
        second.from_cache(),
        "{prefer:?}: second load missed the cache"
    );
    assert_same("from the cache", &plain, &analyse(&second));

    // One flipped byte in every entry: all misses, rebuilt, same answers; then hits again.
    for p in entries(&cache) {
        let mut bytes = std::fs::read(&p).unwrap();
        let at = bytes.len() / 3;
        bytes[at] ^= 0x40;
        std::fs::write(&p, bytes).unwrap();
    }
    let damaged = engine(prefer, Some(&cache));
    assert!(!damaged.from_cache());
    assert_same("after damage", &plain, &analyse(&damaged));
    let again = engine(prefer, Some(&cache));
    assert!(
        again.from_cache(),
        "{prefer:?}: damaged entries were not replaced"
    );
    assert_same("replaced entries", &plain, &analyse(&again));
    assert_eq!(
        entries(&cache).len(),
        2 * kinds.len(),
        "{:?}",
        entries(&cache)
    );
}

#[test]
fn tract_fills_and_reads_the_cache_and_never_trusts_a_damaged_entry() {
    check_runtime(RuntimePreference::Tract, &["fold-v1.bin"]);
}

#[test]
fn onnxruntime_keeps_its_optimised_models_and_never_trusts_a_damaged_or_refused_one() {
    let prefer = RuntimePreference::OnnxRuntime;
    check_runtime(prefer, &["fold-v1.bin", ".ort1-"]);

    // Whole entries (their checksums hold) that ONNX Runtime refuses: the optimised models'
    // first bytes zeroed (no longer its format), trailers made valid again.
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let plain = analyse(&engine(prefer, None));
    drop(engine(prefer, Some(&cache)));
    let optimised = named(&cache, ".ort1-");
    assert_eq!(optimised.len(), 2, "{:?}", entries(&cache));
    let before: Vec<Vec<u8>> = optimised
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    for p in &optimised {
        rewrite_whole(p, |b| b[..64].fill(0));
    }
    let refused = engine(prefer, Some(&cache));
    assert_same("after refused entries", &plain, &analyse(&refused));
    for (p, old) in optimised.iter().zip(&before) {
        let now = std::fs::read(p).unwrap();
        assert_eq!(now.len(), old.len(), "{} not rewritten whole", p.display());
        assert!(
            now[..64] != [0u8; 64],
            "{} still the refused one",
            p.display()
        );
    }
    assert!(engine(prefer, Some(&cache)).from_cache());

    // An entry whose head (outputs, input shape) was swapped for garbage: a miss too.
    for p in &optimised {
        rewrite_whole(p, |b| {
            let n = b.len();
            b[n - 6] = b'#';
        });
    }
    let bad_head = engine(prefer, Some(&cache));
    assert_same("after bad heads", &plain, &analyse(&bad_head));
    for p in &optimised {
        let head = head_of_entry(p);
        assert!(head["output_names"].is_array(), "{}: {head}", p.display());
    }
}
