//! The aws backend as the CLI exposes it, without any AWS endpoint: settings resolution,
//! `provision --print-iam-policy`, and the errors for missing settings.

mod common;

use common::aws::{aws_command, aws_json, moto_python, start_moto, start_serve};
use common::Sandbox;
use predicates::prelude::*;

#[test]
fn print_iam_policy_is_scoped_to_the_configured_resources() {
    let s = Sandbox::new();
    let out = s
        .cmd()
        .args([
            "provision",
            "--print-iam-policy",
            "--account",
            "123456789012",
            "--region",
            "eu-west-1",
            "--bucket",
            "team-faces",
            "--collection",
            "staff",
        ])
        .env("FACECTL_AWS_TABLE", "staff-people")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).expect("policy is JSON");
    let text = policy.to_string();
    assert!(text.contains("arn:aws:s3:::team-faces"), "{text}");
    assert!(text.contains("arn:aws:s3:::team-faces/faces/*"), "{text}");
    assert!(
        text.contains("arn:aws:rekognition:eu-west-1:123456789012:collection/staff"),
        "{text}"
    );
    assert!(
        text.contains("arn:aws:dynamodb:eu-west-1:123456789012:table/staff-people"),
        "env var FACECTL_AWS_TABLE is used: {text}"
    );
    for st in policy["Statement"].as_array().unwrap() {
        let res = &st["Resource"];
        if res == "*" {
            // Only the image-only Rekognition calls (DetectFaces, CompareFaces) take no resource.
            for action in st["Action"].as_array().unwrap() {
                let a = action.as_str().unwrap();
                assert!(
                    a == "rekognition:DetectFaces" || a == "rekognition:CompareFaces",
                    "{a} on *"
                );
            }
        }
    }
}

#[test]
fn config_file_aws_section_feeds_the_policy_and_flags_win() {
    let s = Sandbox::new();
    let cfg = s.dir.path().join("facectl.toml");
    std::fs::write(
        &cfg,
        "[aws]\nbucket = \"from-file\"\ntable = \"file-table\"\nregion = \"us-west-2\"\n",
    )
    .unwrap();
    let out = s
        .cmd()
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "provision",
            "--print-iam-policy",
        ])
        .args(["--table", "flag-table"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("arn:aws:s3:::from-file"), "{text}");
    assert!(text.contains(":table/flag-table"), "{text}");
    assert!(!text.contains("file-table"), "{text}");
    assert!(text.contains("arn:aws:dynamodb:us-west-2:"), "{text}");
}

#[test]
fn aws_backend_without_a_bucket_is_a_usage_error() {
    let s = Sandbox::new();
    s.cmd()
        .args(["--backend", "aws", "status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs a bucket"))
        .stderr(predicate::str::contains("FACECTL_AWS_BUCKET"));
}

#[test]
fn aws_backend_without_a_region_says_so() {
    let s = Sandbox::new();
    s.cmd()
        .args(["--backend", "aws", "--bucket", "b", "status"])
        .env("AWS_CONFIG_FILE", s.dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            s.dir.path().join("no-aws-creds"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("region"));
}

#[test]
fn aws_backend_end_to_end_through_the_cli_on_moto_and_facectl_serve() {
    let s = Sandbox::new();
    let (_moto, moto) = start_moto();
    let (_serve, rekognition) = start_serve(&s, &moto);
    let aws_cmd = || aws_command(&s, &moto, &rekognition, &["--bucket", "cli-faces"]);
    let aws = |args: &[&str], code: i32| aws_json(aws_cmd(), args, code);
    let ex = |n: &str| common::example(n).to_string_lossy().to_string();

    // Before provisioning: one clear line pointing at `facectl provision`, exit 2.
    let unprovisioned = aws_cmd()
        .args(["enroll", &ex("obama.jpg"), "--name", "Barack Obama"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .expect("run facectl");
    assert_eq!(unprovisioned.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unprovisioned.stderr);
    assert!(err.contains("facectl provision"), "{err}");
    // No credentials anywhere: a credentials error, exit 2, not a hang or a panic.
    let nocreds = aws_cmd()
        .arg("status")
        .env("AWS_CONFIG_FILE", s.dir.path().join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            s.dir.path().join("no-aws-creds"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run facectl");
    assert_eq!(nocreds.status.code(), Some(2));
    let err = String::from_utf8_lossy(&nocreds.stderr).to_lowercase();
    assert!(err.contains("credential"), "{err}");

    let first = aws(&["provision"], 0);
    let states: Vec<&str> = first["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["created", "created", "created"], "{first:#}");
    let again = aws(&["provision"], 0);
    assert!(
        again["resources"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "existed"),
        "{again:#}"
    );
    let obama = aws(&["enroll", &ex("obama.jpg"), "--name", "Barack Obama"], 0);
    assert_eq!(obama["faces_indexed"], 1, "{obama:#}");
    aws(&["enroll", &ex("biden.jpg"), "--name", "Joe Biden"], 0);

    let found = aws(&["search", &ex("two_people.jpg")], 0);
    assert_eq!(
        common::top_names(&found),
        ["Barack Obama", "Joe Biden"],
        "{found:#}"
    );

    let done = aws(&["delete", "--person", "Joe Biden", "--yes"], 0);
    assert_eq!(done["objects_deleted"], 1, "{done:#}");
    let after = aws(&["search", &ex("biden.jpg")], 1);
    assert!(
        after["faces"][0]["matches"].as_array().unwrap().is_empty(),
        "{after:#}"
    );
    let doctor = aws(&["doctor"], 0);
    assert_eq!(
        doctor["orphan_faces"].as_array().unwrap().len(),
        0,
        "{doctor:#}"
    );
}

/// A deployment the Rekognition tutorial's own scripts made (tests/tutorial/seed.py: photos under
/// `index/` with `FullName` metadata, a table of `{RekognitionId, FullName}`), operated by facectl
/// with the tutorial's layout: doctor keeps the tutorial's photos, `list persons` counts them,
/// and deleting a person deletes their photos too.
#[test]
fn tutorial_deployment_delete_doctor_and_list_on_moto() {
    let s = Sandbox::new();
    let (_moto, moto) = start_moto();
    let (_serve, rekognition) = start_serve(&s, &moto);
    let lfw = common::shared_data().join("lfw-dev/images");
    let photo = |who: &str, n: usize| {
        let p = lfw.join(who).join(format!("{who}_{n:04}.jpg"));
        format!("{}={}", p.display(), who.replace('_', " "))
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeded = std::process::Command::new(moto_python())
        .arg(root.join("tests/tutorial/seed.py"))
        .args([
            &moto,
            &moto,
            &rekognition,
            "tutorial",
            "family_table",
            "family_collection",
        ])
        .args([
            photo("Tony_Blair", 18),
            photo("Tony_Blair", 32),
            photo("Colin_Powell", 40),
        ])
        .output()
        .expect("run seed.py");
    assert!(
        seeded.status.success(),
        "seed.py: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let layout = [
        "--bucket",
        "tutorial",
        "--prefix",
        "index/",
        "--table",
        "family_table",
        "--collection",
        "family_collection",
        "--hash-key",
        "RekognitionId",
        "--name-attr",
        "FullName",
    ];
    let aws = |args: &[&str], code: i32| {
        aws_json(aws_command(&s, &moto, &rekognition, &layout), args, code)
    };

    let persons = aws(&["list", "persons"], 0);
    let blair = persons
        .as_array()
        .and_then(|v| v.iter().find(|p| p["name"] == "Tony Blair"))
        .unwrap_or_else(|| panic!("{persons:#}"));
    assert_eq!(
        (&blair["faces"], &blair["images"]),
        (&2.into(), &2.into()),
        "{persons:#}"
    );

    // The tutorial's photos are not facectl's: reported, never orphans, never deleted.
    let doctor = aws(&["doctor", "--fix"], 0);
    assert_eq!(
        doctor["orphan_objects"],
        serde_json::json!([]),
        "{doctor:#}"
    );
    let foreign = doctor["foreign_objects"].as_array().map_or(0, Vec::len);
    assert_eq!(foreign, 3, "{doctor:#}");

    let done = aws(&["delete", "--person", "Tony Blair", "--yes"], 0);
    assert_eq!(done["faces_deleted_from_collection"], 2, "{done:#}");
    assert_eq!(done["objects_deleted"], 2, "{done:#}");
    assert_eq!(
        done["foreign_objects"],
        serde_json::json!(["Tony_Blair_0018.jpg", "Tony_Blair_0032.jpg"]),
        "{done:#}"
    );
    assert_eq!(done["images"], serde_json::json!([]), "{done:#}");
    let doctor = aws(&["doctor"], 0);
    assert_eq!(
        doctor["foreign_objects"],
        serde_json::json!(["Colin_Powell_0040.jpg"]),
        "{doctor:#}"
    );
    let persons = aws(&["list", "persons"], 0);
    let names: Vec<&str> = persons
        .as_array()
        .map(|v| v.iter().filter_map(|p| p["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["Colin Powell"], "{persons:#}");
}
