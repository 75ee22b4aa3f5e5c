//! Failures the CLI must explain in one line: no credentials, unreachable endpoint, no region.
//! Real SDK clients, nothing listening (loopback port that refuses connections).

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_sdk_s3::config::Credentials;
use facectl_aws::AwsConfig;
use facectl_core::BackendError;
use std::net::TcpListener;

#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "no credentials in this test",
        )))
    }
}

/// A loopback URL nothing listens on.
fn dead_endpoint() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    format!("http://127.0.0.1:{port}")
}

fn config() -> AwsConfig {
    let mut cfg = AwsConfig::new("bucket", "faces", "persons");
    cfg.region = Some("eu-west-1".into());
    cfg.endpoint_url = Some(dead_endpoint());
    cfg.force_path_style = true;
    cfg
}

#[tokio::test]
async fn missing_credentials_are_a_credentials_error() {
    let cfg = config();
    let loader =
        aws_config::defaults(BehaviorVersion::latest()).credentials_provider(NoCredentials);
    let clients = facectl_aws::clients_from_loader(&cfg, loader)
        .await
        .expect("clients");
    let backend = facectl_aws::from_clients(&cfg, clients).expect("backend");
    let err = backend
        .table
        .image("abc")
        .await
        .expect_err("no credentials");
    assert!(matches!(err, BackendError::Credentials(_)), "{err:?}");
    let err = backend
        .images
        .exists("ab/abc.jpg")
        .await
        .expect_err("no credentials");
    assert!(matches!(err, BackendError::Credentials(_)), "{err:?}");
}

#[tokio::test]
async fn unreachable_endpoint_is_unavailable_and_retryable() {
    let cfg = config();
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"));
    let clients = facectl_aws::clients_from_loader(&cfg, loader)
        .await
        .expect("clients");
    let backend = facectl_aws::from_clients(&cfg, clients).expect("backend");
    let err = backend
        .table
        .all_faces()
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(&err, BackendError::Unavailable(m) if m.contains("dynamodb:Scan")),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn invalid_settings_are_refused_before_any_call() {
    let mut cfg = config();
    cfg.tps = 0.0;
    let err = facectl_aws::open(cfg).await.err().expect("tps 0 refused");
    assert!(err.to_string().contains("--tps"), "{err}");
    let mut cfg = config();
    cfg.bucket.clear();
    assert!(facectl_aws::open(cfg).await.is_err());
}
