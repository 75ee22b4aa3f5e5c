//! The whole local workflow through the binary: provision, enroll, search, verify, compare,
//! list, status, delete; table and JSON output; exit codes.

mod common;
use common::{example, model_dir, Sandbox};
use predicates::prelude::*;

#[test]
fn full_workflow_on_the_local_backend() {
    let s = Sandbox::new();

    // Not provisioned yet: a clear error and exit 2.
    s.cmd()
        .args([
            "enroll",
            example("obama.jpg").to_str().unwrap(),
            "--name",
            "Barack Obama",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("facectl provision"));

    let first = s.json(&["provision"], 0);
    let states: Vec<&str> = first["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["created", "created", "created"]);
    s.cmd()
        .arg("provision")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("existed"))
        .stdout(predicate::str::contains("created").not());

    let obama = s.json(
        &[
            "enroll",
            example("obama.jpg").to_str().unwrap(),
            "--name",
            "Barack Obama",
            "--meta",
            "role=president",
        ],
        0,
    );
    assert_eq!(obama["person"]["person_id"], "Barack_Obama");
    assert_eq!(obama["faces_indexed"], 1);
    assert_eq!(obama["files"][0]["status"], "imported");
    s.cmd()
        .args([
            "enroll",
            example("biden.jpg").to_str().unwrap(),
            "--name",
            "Joe Biden",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Joe Biden (Joe_Biden): 1 face(s) indexed",
        ));

    // Both people found in the group photo, names joined from the table.
    let found = s.json(&["search", example("two_people.jpg").to_str().unwrap()], 0);
    let faces = found["faces"].as_array().unwrap();
    assert_eq!(faces.len(), 2, "{found:#}");
    assert_eq!(common::top_names(&found), ["Barack Obama", "Joe Biden"]);
    for f in faces {
        let sim = f["matches"][0]["similarity"].as_f64().unwrap();
        assert!((80.0..=100.0).contains(&sim), "{sim}");
        assert_eq!(
            f["matches"].as_array().unwrap().len(),
            1,
            "only the right person is above 80: {f:#}"
        );
    }
    s.cmd()
        .args(["search", example("obama2.jpg").to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Barack Obama"))
        .stdout(predicate::str::contains("Barack_Obama"));
    s.cmd()
        .args([
            "search",
            example("two_people.jpg").to_str().unwrap(),
            "--largest",
            "--output",
            "csv",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "image,face,box,rank,name,person_id,similarity,face_id,image_key,error\n",
        ))
        .stdout(
            predicate::str::contains(",Joe_Biden,").or(predicate::str::contains(",Barack_Obama,")),
        );
    let lines = s
        .cmd()
        .args([
            "search",
            example("two_people.jpg").to_str().unwrap(),
            "--output",
            "jsonl",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(lines.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["similarity"].as_f64().unwrap() >= 80.0);
    }

    // Someone not enrolled: no match, exit 1.
    s.cmd()
        .args(["search", example("grace_hopper.jpg").to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("(no match)"));

    // 1:1 and compare.
    let v = s.json(
        &[
            "verify",
            example("obama2.jpg").to_str().unwrap(),
            "--name",
            "barack obama",
        ],
        0,
    );
    assert_eq!(v["matched"], true);
    let v = s.json(
        &[
            "verify",
            example("biden.jpg").to_str().unwrap(),
            "--name",
            "Barack Obama",
        ],
        1,
    );
    assert_eq!(v["matched"], false);
    assert!(v["similarity"].as_f64().unwrap() < 80.0);
    s.json(
        &[
            "compare",
            example("obama.jpg").to_str().unwrap(),
            example("obama2.jpg").to_str().unwrap(),
        ],
        0,
    );
    let c = s.json(
        &[
            "compare",
            example("obama.jpg").to_str().unwrap(),
            example("biden.jpg").to_str().unwrap(),
        ],
        1,
    );
    assert_eq!(c["matched"], false);

    // Inventory.
    let persons = s.json(&["list", "persons"], 0);
    let names: Vec<&str> = persons
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Barack Obama", "Joe Biden"]);
    assert_eq!(persons[0]["meta"]["role"], "president");
    let status = s.json(&["status"], 0);
    assert_eq!(status["collection"]["faces"], 2);
    assert_eq!(status["face_records"], 2);
    assert_eq!(status["store"]["objects"], 2);

    // Delete: refused without --yes off a terminal, previewed with --dry-run, then done.
    s.cmd()
        .args(["delete", "--person", "Joe Biden"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("without --yes"));
    let plan = s.json(&["delete", "--person", "Joe Biden", "--dry-run"], 0);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["face_ids"].as_array().unwrap().len(), 1);
    let done = s.json(&["delete", "--person", "Joe Biden", "--yes"], 0);
    assert_eq!(done["objects_deleted"], 1);
    let after = s.json(&["search", example("biden.jpg").to_str().unwrap()], 1);
    assert!(after["faces"][0]["matches"].as_array().unwrap().is_empty());
    let doctor = s.json(&["doctor"], 0);
    assert_eq!(doctor["orphan_faces"].as_array().unwrap().len(), 0);
    let status = s.json(&["status"], 0);
    assert_eq!(status["store"]["objects"], 1);
}

#[test]
fn bad_input_names_the_file_and_exits_non_zero() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("notes.jpg");
    std::fs::write(&bogus, b"this is not a picture").unwrap();
    let r = s.json(&["enroll", bogus.to_str().unwrap(), "--name", "X"], 1);
    assert_eq!(r["files"][0]["status"], "failed");
    assert!(
        r["files"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("notes.jpg"),
        "{r:#}"
    );
    s.cmd()
        .args(["search", dir.path().join("missing.jpg").to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.jpg"));
    s.cmd()
        .args([
            "search",
            "--threshold",
            "120",
            example("obama.jpg").to_str().unwrap(),
        ])
        .assert()
        .code(2);
    s.cmd().args(["frobnicate"]).assert().code(2);
    let status = s.json(&["status"], 0);
    assert_eq!(
        status["store"]["objects"], 0,
        "nothing stored for a failed file"
    );
}

#[test]
fn help_documents_exit_codes_and_environment() {
    let s = Sandbox::new();
    s.cmd()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("FACECTL_DATA_DIR"))
        .stdout(predicate::str::contains("bulk-import"));
    for sub in [
        "provision",
        "enroll",
        "bulk-import",
        "search",
        "verify",
        "compare",
        "delete",
        "list",
        "status",
        "doctor",
        "models",
        "serve",
        "completions",
    ] {
        s.cmd()
            .args([sub, "--help"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("Usage: facectl"));
    }
}

#[test]
fn completions_in_the_repository_are_current() {
    let s = Sandbox::new();
    for (shell, file) in [
        ("bash", "facectl.bash"),
        ("zsh", "_facectl"),
        ("fish", "facectl.fish"),
        ("powershell", "_facectl.ps1"),
    ] {
        let out = s.cmd().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{} is out of date: run `scripts/gen-completions.sh`",
            path.display()
        );
    }
}

#[test]
fn the_engine_runtime_is_reported_chosen_by_flag_and_installed_beside_the_models() {
    let lib = std::env::var_os("ORT_DYLIB_PATH")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .expect(
            "this test needs ORT_DYLIB_PATH (the ONNX Runtime library; scripts/test.sh sets it)",
        );
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let status = s.json(&["status"], 0);
    let rt = status["engine_runtime"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if std::env::var("FACECTL_RUNTIME").as_deref() != Ok("tract") {
        assert!(rt.starts_with("onnxruntime ("), "{rt}");
    }
    let status = s.json(&["--runtime", "tract", "status"], 0);
    assert_eq!(status["engine_runtime"], "tract");
    let check = s
        .cmd()
        .args(["--runtime", "onnxruntime", "models", "check"])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("on onnxruntime 1.31.1"),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    s.cmd()
        .args(["--runtime", "warp-drive", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("warp-drive"));

    // A fresh install: models and the runtime library into one folder, and nothing else set.
    let models = s.dir.path().join("installed-models");
    let fresh = |args: &[&str]| {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("facectl"))
            .env_clear()
            .envs(s.env_without_runtime())
            .env("FACECTL_MODEL_DIR", &models)
            .args(args)
            .output()
            .expect("run facectl");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    fresh(&["models", "install", "--from", model_dir().to_str().unwrap()]);
    let out = fresh(&["status", "-o", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        status["engine_runtime"]
            .as_str()
            .unwrap()
            .starts_with("tract (no ONNX Runtime"),
        "{status}"
    );
    fresh(&[
        "models",
        "install",
        "--onnxruntime",
        "--from",
        lib.to_str().unwrap(),
    ]);
    let installed = models.join("libonnxruntime.so.1.31.1");
    assert!(installed.is_file());
    let out = fresh(&["status", "-o", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        status["engine_runtime"],
        format!("onnxruntime ({})", installed.display()),
        "{status}"
    );
    let out = fresh(&[
        "-v",
        "compare",
        example("obama.jpg").to_str().unwrap(),
        example("obama.jpg").to_str().unwrap(),
    ]);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("runtime=onnxruntime") || log.contains("runtime: onnxruntime"),
        "{log}"
    );
}
