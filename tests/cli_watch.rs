//! `facectl watch DIR` through the binary: photos copied into a watched folder (one written
//! slowly, one a copy of another) are imported once each and never half-written; `--once`
//! drains a folder and a second run finds nothing new.

mod common;
use common::{example, Sandbox};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

fn copy(from: &str, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(example(from), to).unwrap();
}

fn hash(path: &Path) -> String {
    facectl_core::service::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn photos_landing_in_a_watched_folder_are_imported_once_each_and_whole() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let inbox = s.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let child = s.spawn(&[
        "watch",
        inbox.to_str().unwrap(),
        "--settle",
        "1",
        "--interval",
        "0.5",
        "--output",
        "json",
    ]);
    std::thread::sleep(Duration::from_millis(1500));
    copy("obama.jpg", &inbox.join("Barack_Obama/obama.jpg"));
    copy("biden.jpg", &inbox.join("Joe_Biden/biden.jpg"));
    // The same photo again under another name: stored and indexed once.
    copy("obama.jpg", &inbox.join("Barack_Obama/obama copy.jpg"));
    // A photo written slowly, in pieces 400 ms apart (less than the settle time each).
    let slow = inbox.join("Grace_Hopper/grace.jpg");
    std::fs::create_dir_all(slow.parent().unwrap()).unwrap();
    let bytes = std::fs::read(example("grace_hopper.jpg")).unwrap();
    let mut f = std::fs::File::create(&slow).unwrap();
    for piece in bytes.chunks(bytes.len() / 6 + 1) {
        f.write_all(piece).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(400));
    }
    drop(f);
    let want = vec![
        (
            "Barack_Obama".to_string(),
            hash(&inbox.join("Barack_Obama/obama.jpg")),
        ),
        ("Grace_Hopper".to_string(), hash(&slow)),
        (
            "Joe_Biden".to_string(),
            hash(&inbox.join("Joe_Biden/biden.jpg")),
        ),
    ];
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut got = s.face_pairs();
    while got != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        got = s.face_pairs();
    }
    // Graceful stop (SIGTERM), then the report.
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        got, want,
        "faces on record differ (the slow photo must be whole)\n{stderr}"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(report["counts"]["imported"], 3, "{report:#}\n{stderr}");
    assert_eq!(report["counts"]["skipped"], 1, "{report:#}\n{stderr}");
    assert_eq!(report["counts"]["failed"], 0, "{report:#}\n{stderr}");
    assert!(
        stderr.contains("imported: "),
        "one line per photo: {stderr}"
    );
    let doctor = s.cmd().args(["doctor"]).output().unwrap();
    assert_eq!(
        doctor.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&doctor.stdout)
    );
}

#[test]
fn watch_once_drains_a_folder_and_a_second_run_finds_nothing_new() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let inbox = s.dir.path().join("inbox");
    copy("obama.jpg", &inbox.join("Barack_Obama/a.jpg"));
    copy("biden.jpg", &inbox.join("Joe_Biden/b.jpg"));
    std::fs::create_dir_all(inbox.join("Nobody")).unwrap();
    std::fs::write(inbox.join("Nobody/broken.jpg"), b"not a photo").unwrap();
    let args = [
        "watch",
        inbox.to_str().unwrap(),
        "--once",
        "--settle",
        "0.3",
    ];
    let first = s.json(&args, 1);
    assert_eq!(first["counts"]["imported"], 2, "{first:#}");
    assert_eq!(
        first["counts"]["failed"], 1,
        "the broken file fails: {first:#}"
    );
    let second = s.json(&args, 1);
    assert_eq!(second["counts"]["imported"], 0, "{second:#}");
    assert_eq!(second["counts"]["skipped"], 2, "{second:#}");
    assert_eq!(s.face_pairs().len(), 2);
}
