//! The upload handler as a Lambda function, invoked locally: `facectl` started as `bootstrap`
//! (a custom runtime's entry point) against a local Lambda runtime API, moto (S3, DynamoDB,
//! SQS) and `facectl serve` (Rekognition), with S3 event notifications as S3 sends them and
//! with batches of the upload queue's real messages.

mod common;

use common::aws::{
    assert_doctor_clean, aws_command, aws_json, aws_process, lfw_people, persons, start_moto,
    start_serve, uploads,
};
use common::lambda_api::RuntimeApi;
use common::Sandbox;
use serde_json::{json, Value};

/// An S3 event notification for `keys` (URL-encoded as S3 does), in the shape S3 sends it.
fn s3_event(bucket: &str, keys: &[&str]) -> Value {
    let records: Vec<Value> = keys
        .iter()
        .map(|k| {
            json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "eu-west-1",
                "eventTime": "2026-12-03T09:30:00.000Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "facectl-uploads",
                    "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"}, "arn": format!("arn:aws:s3:::{bucket}")},
                    "object": {"key": k.replace(' ', "+"), "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"}
                }
            })
        })
        .collect();
    json!({ "Records": records })
}

/// What the Lambda service sets for a function instance.
fn lambda_env(api: &RuntimeApi) -> [(&'static str, String); 4] {
    [
        ("AWS_LAMBDA_RUNTIME_API", api.addr.clone()),
        ("AWS_LAMBDA_FUNCTION_NAME", "facectl".into()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024".into()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
    ]
}

fn verdicts(report: &Value) -> Vec<String> {
    report["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["verdict"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_lambda_handler_indexes_s3_events_and_queue_batches() {
    let s = Sandbox::new();
    let (_moto, moto) = start_moto();
    let (serve, rekognition) = start_serve(&s, &moto);
    let aws_cmd = || aws_command(&s, &moto, &rekognition, &["--bucket", "drop"]);
    let aws = |args: &[&str], code: i32| aws_json(aws_cmd(), args, code);
    aws(&["provision", "--trigger"], 0);

    let people = lfw_people(4, 60);
    let mut specs: Vec<String> = vec![moto.clone(), "drop".into(), "put".into()];
    for (i, (name, photo)) in people.iter().take(3).enumerate() {
        specs.push(format!("uploads/{i}.jpg={}={name}", photo.display()));
    }
    let (folder_person, folder_photo) = &people[3];
    let folder_key = format!("uploads/{}/photo 1.jpg", folder_person.replace(' ', "_"));
    specs.push(format!("{folder_key}={}", folder_photo.display()));
    specs.push(format!(
        "uploads/copy.jpg={}={}",
        people[0].1.display(),
        people[0].0
    ));
    let corrupt = s.dir.path().join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xFF\xD8\xFF\xE0 not a photo").expect("write");
    specs.push(format!("uploads/broken.jpg={}=Nobody", corrupt.display()));
    uploads(&specs);

    // facectl started as a custom runtime's `bootstrap` (no subcommand) on the runtime API.
    let api = RuntimeApi::start();
    let bootstrap = s.dir.path().join("bootstrap");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("facectl"), &bootstrap)
        .expect("symlink bootstrap");
    let function = aws_process(&s, &aws_cmd(), &bootstrap)
        .envs(lambda_env(&api))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start bootstrap");
    let _function = common::aws::Child(function);

    // Straight from the bucket: four photos, then the same event again (S3 delivers at least
    // once): indexed once each.
    let keys = [
        "uploads/0.jpg",
        "uploads/1.jpg",
        "uploads/2.jpg",
        &folder_key,
    ];
    let (kind, report) = api.invoke(s3_event("drop", &keys));
    assert_eq!(kind, "response", "{report:#}");
    assert_eq!(report["counts"]["imported"], 4, "{report:#}");
    assert_eq!(verdicts(&report), vec!["done"; 4], "{report:#}");
    let (kind, again) = api.invoke(s3_event("drop", &keys));
    assert_eq!(kind, "response", "{again:#}");
    assert_eq!(
        (&again["counts"]["imported"], &again["counts"]["skipped"]),
        (&json!(0), &json!(4)),
        "{again:#}"
    );

    // A copy under another key is skipped; a corrupt upload is rejected (a retry cannot
    // help, so the invocation succeeds) with its reason; another bucket's record is ignored.
    let mut event = s3_event("drop", &["uploads/copy.jpg", "uploads/broken.jpg"]);
    let other = s3_event("elsewhere", &["uploads/x.jpg"]);
    if let (Some(r), Some(o)) = (event["Records"].as_array_mut(), other["Records"].get(0)) {
        r.push(o.clone());
    }
    let (kind, report) = api.invoke(event);
    assert_eq!(kind, "response", "{report:#}");
    assert_eq!(report["counts"]["skipped"], 1, "{report:#}");
    assert_eq!(verdicts(&report), vec!["done", "rejected"], "{report:#}");
    let reason = report["items"][1]["reason"].as_str().unwrap_or_default();
    assert_eq!(reason.matches("uploads/broken.jpg").count(), 1, "{reason}");

    let mut want: Vec<(String, u64)> = people.iter().map(|(n, _)| (n.clone(), 1)).collect();
    want.sort();
    assert_eq!(persons(&aws(&["list", "persons"], 0)), want);

    // From the upload queue (an event source mapping): the real notifications moto queued for
    // the six uploads. Good photos are done, the corrupt one goes to the dead-letter queue with
    // its reason, nothing is reported for another try.
    let mut records = Vec::new();
    for _ in 0..5 {
        let got: Value = serde_json::from_str(&uploads(&[
            moto.clone(),
            "drop-uploads".into(),
            "receive".into(),
        ]))
        .expect("JSON");
        for mut m in got.as_array().cloned().unwrap_or_default() {
            m["eventSource"] = json!("aws:sqs");
            m["eventSourceARN"] = json!("arn:aws:sqs:eu-west-1:123456789012:drop-uploads");
            m["awsRegion"] = json!("eu-west-1");
            m["messageAttributes"] = json!({});
            records.push(m);
        }
        let announced = records.iter().filter(|r| {
            r["body"]
                .as_str()
                .is_some_and(|b| b.contains("uploads/broken.jpg"))
        });
        if announced.count() == 1 && records.len() >= 6 {
            break;
        }
    }
    assert!(records.len() >= 6, "{records:#?}");
    for batch in records.chunks(10) {
        let (kind, answer) = api.invoke(json!({ "Records": batch }));
        assert_eq!(kind, "response", "{answer:#}");
        assert_eq!(answer, json!({"batchItemFailures": []}));
    }
    let dead: Value = serde_json::from_str(&uploads(&[
        moto.clone(),
        "drop-uploads-dlq".into(),
        "dead-letters".into(),
    ]))
    .expect("JSON");
    assert_eq!(dead.as_array().map(Vec::len), Some(1), "{dead:#}");
    assert_eq!(dead[0]["keys"], json!(["uploads/broken.jpg"]), "{dead:#}");
    assert!(
        dead[0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("uploads/broken.jpg")),
        "{dead:#}"
    );
    assert_eq!(persons(&aws(&["list", "persons"], 0)), want);
    assert_doctor_clean(aws_cmd());

    // Two function instances given the same new upload at once (S3 may deliver an event
    // twice, concurrently): one face, each answer a success or a retry, and the retry then
    // finds the photo done.
    let second = aws_process(&s, &aws_cmd(), &bootstrap)
        .envs(lambda_env(&api))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start a second bootstrap");
    let _second = common::aws::Child(second);
    let (twice, photo) = lfw_people(1, 80).remove(0);
    uploads(&[
        moto.clone(),
        "drop".into(),
        "put".into(),
        format!("uploads/twice.jpg={}={twice}", photo.display()),
    ]);
    let event = s3_event("drop", &["uploads/twice.jpg"]);
    api.wait_for_instances(2);
    let answers = api.invoke_all(vec![event.clone(), event.clone()]);
    let mut imported = 0;
    for (kind, answer) in &answers {
        match kind.as_str() {
            "response" => imported += answer["counts"]["imported"].as_u64().unwrap_or(0),
            _ => assert_eq!(answer["errorType"], "facectl.Retry", "{answer:#}"),
        }
    }
    if answers.iter().any(|(kind, _)| kind == "error") {
        let (kind, answer) = api.invoke(event);
        assert_eq!(kind, "response", "the redelivery: {answer:#}");
        imported += answer["counts"]["imported"].as_u64().unwrap_or(0);
    }
    assert_eq!(imported, 1, "{answers:#?}");
    want.push((twice, 1));
    want.sort();
    assert_eq!(persons(&aws(&["list", "persons"], 0)), want);
    assert_doctor_clean(aws_cmd());

    // Not an upload event: an error naming why.
    let (kind, answer) = api.invoke(json!({"hello": "world"}));
    assert_eq!(kind, "error", "{answer:#}");
    assert_eq!(answer["errorType"], "facectl.UnknownEvent", "{answer:#}");

    // Rekognition down: the invocation fails so that Lambda delivers the event again.
    let (name, photo) = lfw_people(1, 70).remove(0);
    uploads(&[
        moto.clone(),
        "drop".into(),
        "put".into(),
        format!("uploads/later.jpg={}={name}", photo.display()),
    ]);
    drop(serve);
    let (kind, answer) = api.invoke(s3_event("drop", &["uploads/later.jpg"]));
    assert_eq!(kind, "error", "{answer:#}");
    assert_eq!(answer["errorType"], "facectl.Retry", "{answer:#}");
    let message = answer["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("uploads/later.jpg"), "{message}");
}
