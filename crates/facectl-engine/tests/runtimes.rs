//! The two runtimes (tract and ONNX Runtime, from ORT_DYLIB_PATH) give the same faces and
//! near-identical face prints on real photos, and a library that cannot be used is either
//! refused (runtime onnxruntime) or reported and replaced by tract (runtime auto).

mod common;

use common::*;
use facectl_engine::{
    cosine, Engine, EngineConfig, EngineError, FaceAnalysis, FaceSelect, RuntimeConfig,
    RuntimePreference,
};

fn engine_on(prefer: RuntimePreference) -> Engine {
    let config = EngineConfig {
        runtime: RuntimeConfig {
            prefer,
            onnxruntime_library: Some(require_ort_library()),
        },
        ..EngineConfig::default()
    };
    Engine::load(&model_paths(), config).unwrap_or_else(|e| panic!("{prefer:?}: {e}"))
}

fn iou(a: &FaceAnalysis, b: &FaceAnalysis) -> f32 {
    let (a, b) = (&a.detection.bbox, &b.detection.bbox);
    let (x0, y0) = (a.x.max(b.x), a.y.max(b.y));
    let (x1, y1) = (
        (a.x + a.width).min(b.x + b.width),
        (a.y + a.height).min(b.y + b.height),
    );
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    inter / (a.width * a.height + b.width * b.height - inter)
}

/// Tolerances: box overlap >= 0.99, landmarks within 0.5 px, detector confidence within 0.1
/// (of 100), face print cosine >= 0.9999 (the float kernels differ, the models are the same).
#[test]
fn tract_and_onnxruntime_find_the_same_faces_with_the_same_face_prints() {
    let tract = engine_on(RuntimePreference::Tract);
    let onnx = engine_on(RuntimePreference::OnnxRuntime);
    assert_eq!(tract.runtime().name, "tract");
    assert_eq!(onnx.runtime().name, "onnxruntime");
    assert_eq!(onnx.runtime().library, Some(require_ort_library()));
    assert_eq!(tract.model_fingerprint(), onnx.model_fingerprint());

    let dir = data_dir().join("peers").join(COMPREFACE);
    let mut photos: Vec<String> = std::fs::read_dir(&dir)
        .expect("sample images")
        .filter_map(|e| e.ok())
        .map(|e| format!("{COMPREFACE}/{}", e.file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".jpg"))
        .collect();
    photos.sort();
    photos.push(format!("{HOPPER}/hopper.jpg"));
    assert!(photos.len() >= 10, "{photos:?}");
    let (mut faces, mut worst_cos, mut worst_px) = (0, 1.0f32, 0.0f32);
    for rel in &photos {
        let img = decode(rel);
        let a = tract.analyze(&img, FaceSelect::All).expect("tract");
        let b = onnx.analyze(&img, FaceSelect::All).expect("onnxruntime");
        assert_eq!(
            a.len(),
            b.len(),
            "{rel}: faces tract {} vs onnxruntime {}",
            a.len(),
            b.len()
        );
        for fa in &a {
            let fb = b
                .iter()
                .max_by(|x, y| iou(fa, x).total_cmp(&iou(fa, y)))
                .expect("a face");
            let overlap = iou(fa, fb);
            assert!(overlap >= 0.99, "{rel}: box overlap {overlap}");
            for (p, q) in fa.detection.landmarks.iter().zip(&fb.detection.landmarks) {
                let d = (p[0] - q[0]).abs().max((p[1] - q[1]).abs());
                worst_px = worst_px.max(d);
                assert!(d <= 0.5, "{rel}: landmark {p:?} vs {q:?}");
            }
            let dc = (fa.detection.confidence - fb.detection.confidence).abs();
            assert!(
                dc <= 0.1,
                "{rel}: confidence {} vs {}",
                fa.detection.confidence,
                fb.detection.confidence
            );
            let c = cosine(&fa.embedding.0, &fb.embedding.0);
            worst_cos = worst_cos.min(c);
            assert!(c >= 0.9999, "{rel}: face print cosine {c}");
            faces += 1;
        }
    }
    assert!(faces >= 20, "only {faces} faces compared");
    eprintln!(
        "{faces} faces on {} photos: worst cosine {worst_cos:.6}, worst landmark {worst_px:.3} px",
        photos.len()
    );
}

#[test]
fn a_library_that_is_not_onnxruntime_is_refused_or_replaced_by_tract() {
    let dir = tempfile::tempdir().expect("tmp");
    let fake = dir.path().join("libonnxruntime.so.1.31.1");
    std::fs::write(&fake, b"\x7fELF but not really a library").expect("write");
    let with = |prefer| EngineConfig {
        runtime: RuntimeConfig {
            prefer,
            onnxruntime_library: Some(fake.clone()),
        },
        ..EngineConfig::default()
    };
    let e = Engine::load(&model_paths(), with(RuntimePreference::OnnxRuntime)).unwrap_err();
    assert!(matches!(e, EngineError::RuntimeUnavailable(_)), "{e:?}");
    assert!(e.to_string().contains(&fake.display().to_string()), "{e}");

    let auto =
        Engine::load(&model_paths(), with(RuntimePreference::Auto)).expect("auto falls back");
    assert_eq!(auto.runtime().name, "tract");
    let why = auto.runtime().fallback_reason.clone().expect("a reason");
    assert!(why.contains(&fake.display().to_string()), "{why}");

    // No library at all: auto is tract without complaint, onnxruntime says how to get one.
    let none = EngineConfig::default();
    assert_eq!(
        Engine::load(&model_paths(), none)
            .expect("tract")
            .runtime()
            .fallback_reason,
        None
    );
    let e = Engine::load(
        &model_paths(),
        EngineConfig {
            runtime: RuntimeConfig {
                prefer: RuntimePreference::OnnxRuntime,
                onnxruntime_library: None,
            },
            ..EngineConfig::default()
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("models install --onnxruntime"),
        "{e}"
    );
}
