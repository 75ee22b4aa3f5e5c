//! Model loading (needs FACECTL_MODEL_DIR): the block-quantized files load through DequantizeLinear
//! folding, shapes are checked, and every failure names the file.

mod common;

use common::*;
use facectl_engine::{Engine, EngineConfig, EngineError, ModelPaths};

#[test]
fn int8bq_models_load_and_identify_themselves() {
    let e = engine();
    assert_eq!(
        e.model_fingerprint(),
        "yunet-2023mar+sface-2021dec:fb143eea0783"
    );
    // The 640x640 plan is built at load; the shape of a new image size adds one more plan.
    let before = e.detector().cached_plans();
    let img = facectl_engine::DecodedImage::from_rgb(image::RgbImage::new(300, 200));
    e.detect(&img).expect("detect");
    e.detect(&img).expect("detect");
    assert_eq!(e.detector().cached_plans(), before + 1);
}

#[test]
fn missing_model_names_the_path() {
    let paths = ModelPaths::in_dir("/nonexistent/models".as_ref());
    let e = Engine::load(&paths, EngineConfig::default()).unwrap_err();
    assert!(matches!(e, EngineError::ModelMissing { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("/nonexistent/models/face_detection_yunet_2023mar_int8bq.onnx"),
        "{msg}"
    );
    assert!(msg.contains("FACECTL_MODEL_DIR"), "{msg}");
}

#[test]
fn swapped_models_fail_the_shape_check_with_the_path() {
    let p = model_paths();
    let swapped = ModelPaths {
        detector: p.recognizer.clone(),
        recognizer: p.detector.clone(),
    };
    let e = Engine::load(&swapped, EngineConfig::default()).unwrap_err();
    assert!(matches!(e, EngineError::ModelShape { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&p.recognizer.display().to_string()),
        "{e}"
    );

    let wrong_recognizer = ModelPaths {
        detector: p.detector.clone(),
        recognizer: p.detector.clone(),
    };
    let e = Engine::load(&wrong_recognizer, EngineConfig::default()).unwrap_err();
    assert!(matches!(e, EngineError::ModelShape { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&p.detector.display().to_string()),
        "{e}"
    );
}

#[test]
fn garbage_and_truncated_files_are_refused_with_the_path() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("garbage.onnx");
    std::fs::write(&bad, b"definitely not a protobuf \xff\xff\xff").expect("write");
    let p = model_paths();
    let e = Engine::load(
        &ModelPaths {
            detector: bad.clone(),
            recognizer: p.recognizer.clone(),
        },
        EngineConfig::default(),
    )
    .unwrap_err();
    assert!(matches!(e, EngineError::ModelLoad { .. }), "{e:?}");
    assert!(e.to_string().contains("garbage.onnx"), "{e}");

    let bytes = std::fs::read(&p.detector).expect("read");
    let cut = dir.path().join("cut.onnx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let e = Engine::load(
        &ModelPaths {
            detector: cut,
            recognizer: p.recognizer,
        },
        EngineConfig::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cut.onnx"), "{e}");
}

#[test]
fn invalid_config_is_refused() {
    let cfg = EngineConfig {
        score_threshold: 1.5,
        ..EngineConfig::default()
    };
    let e = Engine::load(&model_paths(), cfg).unwrap_err();
    assert!(matches!(e, EngineError::InvalidInput(_)), "{e:?}");
}
