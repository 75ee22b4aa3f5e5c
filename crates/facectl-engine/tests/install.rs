//! Model installation against a local HTTP server (std TcpListener) serving the files from
//! FACECTL_MODEL_DIR, plus corrupt downloads and local imports.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use common::model_paths;
use facectl_engine::{
    install, models::known_model, sha256_hex, Engine, EngineConfig, EngineError, ModelSource,
    DETECTOR_FILE, RECOGNIZER_FILE,
};

/// Serves `GET /ok/<file>` from the model folder, `GET /corrupt/<file>` with one byte flipped,
/// `GET /short/<file>` truncated, anything else 404. Returns the base URL.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut parts = path.trim_start_matches('/').splitn(2, '/');
            let (mode, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let body = std::fs::read(dir.join(name))
                .ok()
                .and_then(|mut b| match mode {
                    "ok" => Some(b),
                    "corrupt" => {
                        let mid = b.len() / 2;
                        b[mid] ^= 0xff;
                        Some(b)
                    }
                    "short" => {
                        b.truncate(b.len() / 3);
                        Some(b)
                    }
                    _ => None,
                });
            let _ = match body {
                Some(b) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            b.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| stream.write_all(&b)),
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

fn model_dir() -> PathBuf {
    model_paths()
        .detector
        .parent()
        .expect("model dir")
        .to_path_buf()
}

#[test]
fn downloads_verifies_and_installs_both_models() {
    let base = serve(model_dir());
    let dest = tempfile::tempdir().expect("tmp");
    let target = dest.path().join("models");
    let got = install(&target, ModelSource::Url(format!("{base}/ok"))).expect("install");
    assert_eq!(got.files.len(), 2);
    for f in &got.files {
        assert!(f.hash_pinned, "{f:?}");
        let bytes = std::fs::read(&f.path).expect("installed file");
        assert_eq!(sha256_hex(&bytes), f.sha256);
        assert_eq!(
            Some(f.sha256.as_str()),
            known_model(&f.file_name).and_then(|m| m.sha256)
        );
    }
    // Only the two model files: no temporary leftovers.
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![DETECTOR_FILE.to_string(), RECOGNIZER_FILE.to_string()]
    );
    // The installed models load.
    let engine = Engine::load(&got.paths(), EngineConfig::default()).expect("load installed");
    assert!(engine
        .model_fingerprint()
        .starts_with("yunet-2023mar+sface-2021dec:"));
    // A second install finds them in place (no download needed: the server path is bogus).
    let again = install(&target, ModelSource::Url(format!("{base}/nothing-here")))
        .expect("already installed");
    assert_eq!(again.files.len(), 2);
}

#[test]
fn corrupt_or_truncated_downloads_are_refused() {
    let base = serve(model_dir());
    for mode in ["corrupt", "short"] {
        let dest = tempfile::tempdir().expect("tmp");
        let e = install(dest.path(), ModelSource::Url(format!("{base}/{mode}"))).unwrap_err();
        assert!(matches!(e, EngineError::Checksum { .. }), "{mode}: {e}");
        let msg = e.to_string();
        assert!(
            msg.contains("SHA-256 mismatch") && msg.contains(DETECTOR_FILE),
            "{msg}"
        );
        assert_eq!(
            std::fs::read_dir(dest.path()).expect("ls").count(),
            0,
            "{mode}: files left behind"
        );
    }
    let dest = tempfile::tempdir().expect("tmp");
    let e = install(dest.path(), ModelSource::Url(format!("{base}/missing"))).unwrap_err();
    assert!(matches!(e, EngineError::Download { .. }), "{e}");
    assert!(e.to_string().contains("404"), "{e}");
}

#[test]
fn imports_from_a_folder_or_a_file() {
    let dest = tempfile::tempdir().expect("tmp");
    let got = install(dest.path(), ModelSource::Path(model_dir())).expect("import folder");
    assert!(got.files.len() >= 2);
    assert!(got.paths().detector.is_file() && got.paths().recognizer.is_file());

    // A single file under another name is recognised by its pinned hash.
    let src = tempfile::tempdir().expect("tmp");
    let renamed = src.path().join("detector-copy.onnx");
    std::fs::copy(model_paths().detector, &renamed).expect("copy");
    let dest2 = tempfile::tempdir().expect("tmp");
    let got = install(dest2.path(), ModelSource::Path(renamed)).expect("import file");
    assert_eq!(got.files[0].file_name, DETECTOR_FILE);

    // A folder without a recognizer is refused with the expected names.
    let only_detector = tempfile::tempdir().expect("tmp");
    std::fs::copy(
        model_paths().detector,
        only_detector.path().join(DETECTOR_FILE),
    )
    .expect("copy");
    let e = install(
        dest2.path(),
        ModelSource::Path(only_detector.path().to_path_buf()),
    )
    .unwrap_err();
    assert!(e.to_string().contains(RECOGNIZER_FILE), "{e}");
}

/// Writes `<dir>/<name>`: a .tgz with a README and `member` holding `lib`.
fn runtime_archive(dir: &std::path::Path, name: &str, member: &str, lib: &[u8]) {
    let f = std::fs::File::create(dir.join(name)).expect("create archive");
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        f,
        flate2::Compression::fast(),
    ));
    for (path, data) in [
        (
            "onnxruntime-linux-x64-1.31.1/README.md",
            &b"ONNX Runtime"[..],
        ),
        (member, lib),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, path, data).expect("append");
    }
    tar.into_inner().expect("tar").finish().expect("gzip");
}

fn entries(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn onnxruntime_installs_from_its_release_archive_and_nothing_else_is_accepted() {
    use facectl_engine::models::{install_onnxruntime, ONNXRUNTIME_FILE, ONNXRUNTIME_SHA256};
    let lib = std::fs::read(common::require_ort_library()).expect("read the library");
    let served = tempfile::tempdir().expect("tmp");
    let archive = "onnxruntime-linux-x64-1.31.1.tgz";
    let member = format!("onnxruntime-linux-x64-1.31.1/lib/{ONNXRUNTIME_FILE}");
    runtime_archive(served.path(), archive, &member, &lib);
    let base = serve(served.path().to_path_buf());

    // A download damaged on the way is refused and leaves nothing behind.
    let dest = tempfile::tempdir().expect("tmp");
    let e = install_onnxruntime(dest.path(), &ModelSource::Url(format!("{base}/corrupt")))
        .expect_err("a corrupt archive");
    assert!(e.to_string().contains("/corrupt/"), "{e}");
    assert!(
        entries(dest.path()).is_empty(),
        "{:?}",
        entries(dest.path())
    );

    // The archive: the library is taken out of it, checked, and put in place.
    let got = install_onnxruntime(dest.path(), &ModelSource::Url(format!("{base}/ok")))
        .expect("install from the archive");
    assert_eq!(got.path, dest.path().join(ONNXRUNTIME_FILE));
    assert!(ONNXRUNTIME_SHA256.contains(&got.sha256.as_str()));
    assert!(std::fs::read(&got.path).expect("installed") == lib);
    assert_eq!(entries(dest.path()), vec![ONNXRUNTIME_FILE.to_string()]);
    // Installed already: nothing is fetched (this URL would fail).
    install_onnxruntime(dest.path(), &ModelSource::Url(format!("{base}/missing")))
        .expect("already installed");
    assert_eq!(
        facectl_engine::models::installed_onnxruntime(dest.path()),
        Some(dest.path().join(ONNXRUNTIME_FILE))
    );

    // The library file itself, from a path, is accepted; a changed one is not.
    let local = tempfile::tempdir().expect("tmp");
    install_onnxruntime(
        local.path(),
        &ModelSource::Path(common::require_ort_library()),
    )
    .expect("the library file");
    let tampered = served.path().join(ONNXRUNTIME_FILE);
    let mut bad = lib.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    std::fs::write(&tampered, &bad).expect("write");
    let other = tempfile::tempdir().expect("tmp");
    let e = install_onnxruntime(other.path(), &ModelSource::Path(tampered.clone())).unwrap_err();
    assert!(matches!(e, EngineError::Checksum { .. }), "{e:?}");
    assert!(
        e.to_string().contains(&tampered.display().to_string()),
        "{e}"
    );
    assert!(entries(other.path()).is_empty());

    // An archive without the library (wrong folder) is refused by name.
    let wrong = tempfile::tempdir().expect("tmp");
    runtime_archive(
        wrong.path(),
        archive,
        &format!("x/bin/{ONNXRUNTIME_FILE}"),
        &lib,
    );
    let e = install_onnxruntime(other.path(), &ModelSource::Path(wrong.path().join(archive)))
        .unwrap_err();
    assert!(
        e.to_string().contains(&format!("lib/{ONNXRUNTIME_FILE}")),
        "{e}"
    );
    assert!(entries(other.path()).is_empty());
}
