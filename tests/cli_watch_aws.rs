//! Index on upload, end to end on moto (S3 sends ObjectCreated notifications to SQS) and
//! `facectl serve` (Rekognition): `provision --trigger`, tutorial-style uploads, `watch`.

mod common;

use common::aws::{aws_command, aws_json, moto_python, start_moto, start_serve};
use common::Sandbox;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `tests/tutorial/uploads.py` with `args`; panics with its stderr when it fails.
fn uploads(args: &[String]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new(moto_python())
        .arg(root.join("tests/tutorial/uploads.py"))
        .args(args)
        .output()
        .expect("run uploads.py");
    assert!(
        out.status.success(),
        "uploads.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first photo of each of `n` lfw-dev people (by name, after the first `skip`).
fn lfw_people(n: usize, skip: usize) -> Vec<(String, PathBuf)> {
    let root = common::shared_data().join("lfw-dev/images");
    let mut people: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("lfw-dev")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    people.sort();
    people
        .into_iter()
        .skip(skip)
        .take(n)
        .map(|dir| {
            let who = dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let mut photos: Vec<PathBuf> = std::fs::read_dir(&dir)
                .expect("person folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            photos.sort();
            (who.replace('_', " "), photos.remove(0))
        })
        .collect()
}

fn persons(list: &serde_json::Value) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = list
        .as_array()
        .expect("list persons gives an array")
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_string(),
                p["faces"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

/// (kind, state) of every resource of a provision report.
fn resources(report: &serde_json::Value) -> Vec<(String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| (text(&r["kind"]), text(&r["state"])))
        .collect()
}

#[test]
fn uploads_are_indexed_once_named_and_poison_goes_to_the_dead_letter_queue() {
    let s = Sandbox::new();
    let (_moto, moto) = start_moto();
    let (_serve, rekognition) = start_serve(&s, &moto);
    let aws_cmd = || aws_command(&s, &moto, &rekognition, &["--bucket", "drop"]);
    let aws = |args: &[&str], code: i32| aws_json(aws_cmd(), args, code);

    let planned = aws(&["provision", "--trigger", "--dry-run"], 0);
    assert_eq!(
        &resources(&planned)[3..],
        [
            ("dead-letter queue".into(), "would_create".into()),
            ("upload queue".into(), "would_create".into()),
            ("bucket notification".into(), "would_create".into())
        ],
        "{planned:#}"
    );
    for state in ["created", "existed"] {
        let report = aws(&["provision", "--trigger"], 0);
        let states: Vec<String> = resources(&report).into_iter().map(|(_, s)| s).collect();
        assert_eq!(states, vec![state.to_string(); 6], "{report:#}");
    }

    // 30 tutorial-style uploads (name in the metadata), a copy of one under another key, a
    // photo named by its folder, a corrupt upload, and a file outside the upload prefix.
    let people = lfw_people(30, 0);
    let mut specs: Vec<String> = vec![moto.clone(), "drop".into(), "put".into()];
    for (i, (name, photo)) in people.iter().enumerate() {
        specs.push(format!("uploads/{i:03}.jpg={}={name}", photo.display()));
    }
    specs.push(format!(
        "uploads/copy.jpg={}={}",
        people[0].1.display(),
        people[0].0
    ));
    let (folder_person, folder_photo) = lfw_people(1, 30).remove(0);
    specs.push(format!(
        "uploads/{}/photo.jpg={}",
        folder_person.replace(' ', "_"),
        folder_photo.display()
    ));
    let corrupt = s.dir.path().join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xFF\xD8\xFF\xE0 not really a jpeg").expect("write");
    specs.push(format!(
        "uploads/broken.jpg={}=Nobody Real",
        corrupt.display()
    ));
    specs.push(format!(
        "elsewhere/x.jpg={}=Not Watched",
        people[1].1.display()
    ));
    uploads(&specs);

    let report = aws(&["watch", "--once"], 1);
    assert_eq!(report["counts"]["imported"], 31, "{report:#}");
    assert_eq!(report["counts"]["skipped"], 1, "the copy: {report:#}");
    assert_eq!(report["rejected"], 1, "{report:#}");
    assert_eq!(report["retried"], 0, "{report:#}");
    let mut want: Vec<(String, u64)> = people.iter().map(|(n, _)| (n.clone(), 1)).collect();
    want.push((folder_person.clone(), 1));
    want.sort();
    assert_eq!(persons(&aws(&["list", "persons"], 0)), want);

    let dead = uploads(&[
        moto.clone(),
        "drop-uploads-dlq".into(),
        "dead-letters".into(),
    ]);
    let dead: serde_json::Value = serde_json::from_str(&dead).expect("JSON");
    assert_eq!(dead.as_array().map(Vec::len), Some(1), "{dead:#}");
    assert_eq!(
        dead[0]["keys"],
        serde_json::json!(["uploads/broken.jpg"]),
        "{dead:#}"
    );
    let reason = dead[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("uploads/broken.jpg"), "{reason}");

    // Nothing left: a second drain does nothing and succeeds.
    let idle = aws(&["watch", "--once"], 0);
    assert_eq!(idle["messages"], 0, "{idle:#}");

    // kill -9 in the middle of a batch, then a restart: nothing lost, nothing twice (the
    // largest face of photos with several, as the tutorials' Lambda with MaxFaces 1).
    let more = lfw_people(20, 40);
    let mut specs: Vec<String> = vec![moto.clone(), "drop".into(), "put".into()];
    for (i, (name, photo)) in more.iter().enumerate() {
        specs.push(format!(
            "uploads/more/{i:03}.jpg={}={name}",
            photo.display()
        ));
    }
    uploads(&specs);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("facectl"))
        .args(aws_cmd().get_args().collect::<Vec<_>>())
        .args(["watch", "--multiple", "largest"])
        .env_clear()
        .envs(s.env())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start watch");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut imported = 0;
    while imported < 5 && Instant::now() < deadline {
        match lines.next() {
            Some(Ok(l)) if l.starts_with("imported") => imported += 1,
            Some(Ok(_)) => {}
            _ => break,
        }
    }
    assert_eq!(imported, 5, "watch imported photos before the kill");
    let _ = child.kill();
    let _ = child.wait();
    // The messages in flight come back after their visibility timeout (60 s); the restart
    // waits for them with --once only as long as they are announced, so drain until all 20
    // people are there.
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let drained = aws(&["watch", "--once", "--multiple", "largest"], 0);
        assert_eq!(drained["rejected"], 0, "{drained:#}");
        let listed = persons(&aws(&["list", "persons"], 0));
        if listed.len() == want.len() + more.len() || Instant::now() > deadline {
            let mut all = want.clone();
            all.extend(more.iter().map(|(n, _)| (n.clone(), 1)));
            all.sort();
            let missing: Vec<_> = all.iter().filter(|p| !listed.contains(p)).collect();
            let extra: Vec<_> = listed.iter().filter(|p| !all.contains(p)).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "every upload once, none twice: missing {missing:?}, unexpected {extra:?}"
            );
            break;
        }
        std::thread::sleep(Duration::from_secs(5));
    }
    let doctor = aws(&["doctor"], 0);
    for k in [
        "orphan_faces",
        "dangling_records",
        "orphan_objects",
        "missing_objects",
        "pending_images",
    ] {
        let n = doctor[k].as_array().map_or(0, Vec::len);
        assert_eq!(n, 0, "{k}: {doctor:#}");
    }
}
