//! Model loading (needs FACECTL_MODEL_DIR): the block-quantized files load through DequantizeLinear
//! folding, shapes are checked, and every failure names the file.

mod common;

use common::*;
use facectl_engine::{
    cosine, onnx_fold::fold_dequantize, Engine, EngineConfig, EngineError, FaceSelect, ModelPaths,
    DETECTOR_FILE_FP32, RECOGNIZER_FILE_FP32,
};
use prost::Message;

#[test]
fn int8bq_models_load_and_identify_themselves() {
    let e = engine();
    assert_eq!(
        e.model_fingerprint(),
        "yunet-2023mar+sface-2021dec:fb143eea0783"
    );
    // No plan is built at load; the shape of a new image size adds one more plan. An
    // engine of its own (the shared one is used by concurrent tests), without rotated passes
    // (which would add the turned canvas's size for this face-less image).
    let own = engine_with(|c| c.rotated_passes = Vec::new());
    let before = own.detector().cached_plans();
    let img = facectl_engine::DecodedImage::from_rgb(image::RgbImage::new(300, 200));
    own.detect(&img).expect("detect");
    own.detect(&img).expect("detect");
    assert_eq!(own.detector().cached_plans(), before + 1);
}

#[test]
fn missing_model_names_the_path() {
    let paths = ModelPaths::in_dir("/nonexistent/models".as_ref());
    let e = Engine::load(&paths, test_config()).unwrap_err();
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
    let e = Engine::load(&swapped, test_config()).unwrap_err();
    assert!(matches!(e, EngineError::ModelShape { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&p.recognizer.display().to_string()),
        "{e}"
    );

    let wrong_recognizer = ModelPaths {
        detector: p.detector.clone(),
        recognizer: p.detector.clone(),
    };
    let e = Engine::load(&wrong_recognizer, test_config()).unwrap_err();
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
        test_config(),
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
        test_config(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("cut.onnx"), "{e}");
}

#[test]
fn invalid_config_is_refused() {
    let cfg = EngineConfig {
        score_threshold: 1.5,
        ..test_config()
    };
    let e = Engine::load(&model_paths(), cfg).unwrap_err();
    assert!(matches!(e, EngineError::InvalidInput(_)), "{e:?}");
}

#[test]
fn full_precision_files_load_and_agree_with_the_int8_path() {
    // Full-precision stand-ins: the int8 files with every DequantizeLinear folded into float
    // weights, re-encoded, under the fp32 file names (the official fp32 files have no
    // DequantizeLinear either).
    let p = model_paths();
    let dir = tempfile::tempdir().expect("tmp");
    for (src, name) in [
        (&p.detector, DETECTOR_FILE_FP32),
        (&p.recognizer, RECOGNIZER_FILE_FP32),
    ] {
        let bytes = std::fs::read(src).expect("read model");
        let mut proto = tract_onnx::pb::ModelProto::decode(&bytes[..]).expect("protobuf");
        let graph = proto.graph.as_mut().expect("graph");
        let stats = fold_dequantize(graph).expect("fold");
        assert!(stats.folded > 0, "{name}: nothing folded");
        assert!(graph.node.iter().all(|n| n.op_type != "DequantizeLinear"));
        std::fs::write(dir.path().join(name), proto.encode_to_vec()).expect("write");
    }
    let paths = ModelPaths::find_in_dir(dir.path());
    assert!(
        paths.detector.ends_with(DETECTOR_FILE_FP32)
            && paths.recognizer.ends_with(RECOGNIZER_FILE_FP32)
    );
    let fp = Engine::load(&paths, test_config()).expect("fp32 files load");
    for rel in [
        format!("{HOPPER}/hopper.jpg"),
        format!("{COMPREFACE}/000_5.jpg"),
    ] {
        let img = decode(&rel);
        let a = engine().analyze(&img, FaceSelect::All).expect("int8 path");
        let b = fp.analyze(&img, FaceSelect::All).expect("fp32 path");
        assert_eq!(a.len(), b.len(), "{rel}");
        for (x, y) in a.iter().zip(&b) {
            assert!(x.detection.bbox.iou(&y.detection.bbox) > 0.999, "{rel}");
            let c = cosine(&x.embedding.0, &y.embedding.0);
            assert!(c > 0.9999, "{rel}: cosine {c}");
        }
    }
}
