//! The aws backend as the CLI exposes it, without any AWS endpoint: settings resolution,
//! `provision --print-iam-policy`, and the errors for missing settings.

mod common;

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
