//! bulk-import through the binary: summary, idempotent re-run, garbage files, and a run killed
//! midway that a re-run completes to the same state as an uninterrupted run.

mod common;
use common::{shared_data, Sandbox};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A folder `root/<Person_Name>/<file>` with `per_person` LFW images of `persons` people.
fn lfw_subset(root: &Path, persons: usize, per_person: usize) -> usize {
    let images = shared_data().join("lfw-dev/images");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&images)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            std::fs::read_dir(p)
                .map(|d| d.count() >= per_person)
                .unwrap_or(false)
        })
        .collect();
    dirs.sort();
    let mut n = 0;
    for d in dirs.into_iter().take(persons) {
        let name = d.file_name().unwrap();
        std::fs::create_dir_all(root.join(name)).unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files.into_iter().take(per_person) {
            std::fs::copy(&f, root.join(name).join(f.file_name().unwrap())).unwrap();
            n += 1;
        }
    }
    n
}

/// What the backend holds, in a form two runs can be compared by.
fn state(s: &Sandbox) -> (Vec<(String, String)>, u64, u64, u64) {
    let pairs = s.face_pairs();
    let st = s.json(&["status"], 0);
    let doctor = s.json(&["doctor"], 0);
    for k in [
        "orphan_faces",
        "dangling_records",
        "orphan_objects",
        "pending_images",
    ] {
        assert!(
            doctor[k].as_array().unwrap().is_empty(),
            "doctor: {doctor:#}"
        );
    }
    (
        pairs,
        st["collection"]["faces"].as_u64().unwrap(),
        st["face_records"].as_u64().unwrap(),
        st["store"]["objects"].as_u64().unwrap(),
    )
}

#[test]
fn import_twice_then_garbage_is_reported_per_file() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let src = tempfile::tempdir().unwrap();
    let n = lfw_subset(src.path(), 3, 2);
    let first = s.json(
        &["bulk-import", src.path().to_str().unwrap(), "--jobs", "2"],
        0,
    );
    assert_eq!(first["files_found"], n as u64);
    assert_eq!(first["persons"], 3);
    let c = &first["counts"];
    assert_eq!(
        c["imported"].as_u64().unwrap()
            + c["multiple_faces"].as_u64().unwrap()
            + c["no_face"].as_u64().unwrap(),
        n as u64,
        "{first:#}"
    );
    assert!(
        c["imported"].as_u64().unwrap() >= (n as u64) - 1,
        "{first:#}"
    );
    let second = s.json(&["bulk-import", src.path().to_str().unwrap()], 0);
    assert_eq!(second["counts"]["skipped"], n as u64, "{second:#}");
    assert_eq!(second["counts"]["imported"], 0);
    assert_eq!(second["faces_indexed"], 0);

    // Garbage from the peers' test sets: one clear line per file, the run finishes.
    let junk = tempfile::tempdir().unwrap();
    let peers = shared_data().join("peers");
    let mut copied = 0;
    for entry in walkdir(&peers.join("compreface")) {
        let name = entry.file_name().unwrap().to_string_lossy().to_lowercase();
        // The peers' decoders must refuse these two; `truncated.jpg` must decode (see below).
        if name == "empty.png" || name == "corrupted.png" {
            std::fs::copy(&entry, junk.path().join(format!("Junk_{copied}.jpg"))).unwrap();
            copied += 1;
        }
    }
    assert_eq!(copied, 2, "compreface's empty.png and corrupted.png");
    std::fs::write(
        junk.path().join("Not_An_Image.jpg"),
        b"just some text, not a picture",
    )
    .unwrap();
    std::fs::write(junk.path().join("Zero_Bytes.jpg"), b"").unwrap();
    copied += 1;
    let truncated = peers
        .join("compreface/embedding-calculator/src/services/imgtools/test/files/truncated.jpg");
    std::fs::copy(&truncated, junk.path().join("Truncated.jpg")).unwrap();
    let out = s
        .cmd()
        .args(["bulk-import", junk.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "failed files give exit 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(
        warnings.len(),
        copied + 1,
        "one line per bad file:\n{stderr}"
    );
    let root = junk.path().to_str().unwrap();
    for w in &warnings {
        assert!(
            ["Junk_", "Not_An_Image", "Zero_Bytes"]
                .iter()
                .any(|f| w.contains(f)),
            "{stderr}"
        );
        assert_eq!(w.matches(root).count(), 1, "the file is named once: {w}");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("failed"), "{stdout}");
    // The truncated JPEG decodes (as the peers' decoder test demands) and is not a failure.
    assert!(!stderr.contains("Truncated.jpg"), "{stderr}");
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p)
                } else {
                    out.push(p)
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn killed_run_resumes_to_the_same_state_as_an_uninterrupted_one() {
    let src = tempfile::tempdir().unwrap();
    let n = lfw_subset(src.path(), 10, 2);

    let clean = Sandbox::new();
    clean.json(&["provision"], 0);
    clean.json(
        &["bulk-import", src.path().to_str().unwrap(), "--jobs", "1"],
        0,
    );
    let expected = state(&clean);
    assert!(expected.0.len() >= n - 1, "{expected:?}");

    let killed = Sandbox::new();
    killed.json(&["provision"], 0);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("facectl"));
    child
        .args([
            "bulk-import",
            src.path().to_str().unwrap(),
            "--jobs",
            "1",
            "-q",
        ])
        .env("FACECTL_DATA_DIR", killed.data_dir())
        .env("FACECTL_MODEL_DIR", common::model_dir())
        .env("XDG_CONFIG_HOME", killed.dir.path().join("config"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = child.spawn().unwrap();
    // Kill it once a few images are stored, i.e. midway.
    let images = killed.data_dir().join("images");
    let start = Instant::now();
    loop {
        let stored = walkdir(&images)
            .iter()
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(".tmp"))
            })
            .count();
        if stored >= 3 || start.elapsed() > Duration::from_secs(120) {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("bulk-import ended ({status}) before it could be killed: {err}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = killed.json(&["status"], 0);
    assert!(
        partial["face_records"].as_u64().unwrap() < expected.2,
        "killed midway: {partial:#}"
    );

    let resumed = killed.json(
        &["bulk-import", src.path().to_str().unwrap(), "--jobs", "2"],
        0,
    );
    assert!(
        resumed["counts"]["skipped"].as_u64().unwrap() >= 1,
        "{resumed:#}"
    );
    assert_eq!(
        state(&killed),
        expected,
        "resumed state equals the uninterrupted one"
    );
}
