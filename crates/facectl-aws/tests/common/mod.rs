//! Test harness: a moto server (S3 + DynamoDB) on loopback and the fake Rekognition.
//!
//! The server comes from `FACECTL_TEST_MOTO_ENDPOINT` when set (a running `moto_server`);
//! otherwise each test starts its own `moto_server` from the venv made by `scripts/moto.sh
//! install` (run here when the venv is missing) on a free port, and kills it when done.
//! Without either, the tests fail with a message saying how to get one.

#![allow(dead_code)]

pub mod fake_rekognition;
pub mod kill_after;

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::Credentials;
use facectl_aws::{AwsConfig, Clients};
use facectl_core::model::{BoundingBox, FaceRecord, ImageClaim, ImageRecord, ImageStatus};
use facectl_core::{Backend, BackendError, PersonTable};
use fake_rekognition::FakeRekognition;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A moto server for one test.
pub struct Moto {
    pub endpoint: String,
    child: Option<Child>,
}

impl Drop for Moto {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn moto_server_path() -> PathBuf {
    let venv = std::env::var_os("FACECTL_MOTO_VENV")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/facectl-moto-venv"))
        })
        .unwrap_or_else(|| PathBuf::from(".cache/facectl-moto-venv"));
    venv.join("bin/moto_server")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}

impl Moto {
    /// Uses `FACECTL_TEST_MOTO_ENDPOINT` or starts a server; panics with instructions otherwise.
    pub fn start() -> Moto {
        if let Ok(endpoint) = std::env::var("FACECTL_TEST_MOTO_ENDPOINT") {
            if !endpoint.is_empty() {
                return Moto {
                    endpoint,
                    child: None,
                };
            }
        }
        let server = moto_server_path();
        if !server.exists() {
            let script = repo_root().join("scripts/moto.sh");
            let status = Command::new(&script).arg("install").status();
            if !matches!(status, Ok(s) if s.success()) || !server.exists() {
                panic!(
                    "moto is needed for the aws integration tests and could not be installed \
                     ({status:?}). Run `scripts/moto.sh install` (needs python3 and PyPI), or start \
                     `moto_server` yourself and set FACECTL_TEST_MOTO_ENDPOINT=http://127.0.0.1:PORT"
                );
            }
        }
        let port = free_port();
        let child = Command::new(&server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            child: Some(child),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on {addr} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Resource names unique to one test (a moto server may be shared).
pub fn config(moto: &Moto, tag: &str) -> AwsConfig {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let pid = std::process::id();
    let mut cfg = AwsConfig::new(
        format!("facectl-{tag}-{pid}-{n}"),
        format!("faces-{tag}-{pid}-{n}"),
        format!("persons-{tag}-{pid}-{n}"),
    );
    cfg.region = Some("eu-west-1".into());
    cfg.endpoint_url = Some(moto.endpoint.clone());
    cfg.force_path_style = true;
    cfg.tps = 1000.0;
    cfg
}

/// The three SDK clients for `cfg`'s endpoints, with static test credentials.
pub async fn real_clients(cfg: &AwsConfig) -> Clients {
    let loader = aws_config::defaults(BehaviorVersion::latest()).credentials_provider(
        Credentials::new("test", "test", None, None, "facectl-tests"),
    );
    facectl_aws::clients_from_loader(cfg, loader)
        .await
        .unwrap_or_else(|e| panic!("clients: {e}"))
}

/// S3 and DynamoDB clients for moto (static test credentials), Rekognition answered by `fake`.
pub async fn clients(cfg: &AwsConfig, fake: &FakeRekognition) -> Clients {
    let mut clients = real_clients(cfg).await;
    clients.rekognition = fake.client();
    clients
}

pub async fn backend(cfg: &AwsConfig, fake: &FakeRekognition) -> Backend {
    let clients = clients(cfg, fake).await;
    facectl_aws::from_clients(cfg, clients).unwrap_or_else(|e| panic!("backend: {e}"))
}

/// Writes `bytes` to `dir/name`, registers it with the fake (for IndexFaces from S3), returns
/// the path.
pub fn fixture(dir: &std::path::Path, name: &str, bytes: &[u8], fake: &FakeRekognition) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, bytes).expect("write fixture");
    fake.register(bytes);
    path
}

pub fn face(id: &str, person: &str, hash: &str) -> FaceRecord {
    FaceRecord {
        face_id: id.into(),
        person: facectl_core::naming::person_named(person),
        image_key: format!("{}/{hash}.png", &hash[..2]),
        image_hash: hash.into(),
        bbox: BoundingBox {
            x: 1.0,
            y: 2.0,
            width: 3.0,
            height: 4.0,
        },
        confidence: 99.0,
        model: "fake-7.0".into(),
        created_at: 1,
    }
}

pub fn image(hash: &str, status: ImageStatus, faces: u32) -> ImageRecord {
    ImageRecord {
        image_hash: hash.into(),
        image_key: format!("{}/{hash}.png", &hash[..2]),
        source: format!("/photos/{hash}.png"),
        status,
        person_id: Some("Ann_Lee".into()),
        faces,
        updated_at: 1,
        claim: None,
    }
}

/// The claim the table tests write under.
pub fn test_claim() -> ImageClaim {
    ImageClaim {
        owner: "test-host/1/aws-test".into(),
        lease_until: i64::MAX,
    }
}

/// Claim `img` as a writer does, then commit it under that claim.
pub async fn commit(
    table: &dyn PersonTable,
    img: &ImageRecord,
    faces: &[FaceRecord],
) -> Result<(), BackendError> {
    let pending = ImageRecord {
        status: ImageStatus::Pending,
        faces: 0,
        claim: Some(test_claim()),
        ..img.clone()
    };
    if let Some(existing) = table.claim_image(&pending).await? {
        return Err(BackendError::Conflict(format!(
            "already claimed: {existing:?}"
        )));
    }
    let held = ImageRecord {
        claim: Some(test_claim()),
        ..img.clone()
    };
    table.commit_image(&held, faces).await
}
