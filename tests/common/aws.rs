//! Helpers for the aws backend's CLI tests: moto (S3, DynamoDB, SQS) and `facectl serve`
//! (Rekognition) on free loopback ports, and facectl commands pointed at them.

use super::Sandbox;

/// A child process killed when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The venv of `scripts/moto.sh install` (boto3 and moto_server).
pub fn moto_venv() -> std::path::PathBuf {
    std::env::var_os("FACECTL_MOTO_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                .join(".cache/facectl-moto-venv")
        })
}

pub fn moto_python() -> std::path::PathBuf {
    moto_venv().join("bin/python")
}

/// moto_server from the venv of `scripts/moto.sh install` (installed when missing), on a free port.
pub fn start_moto() -> (Child, String) {
    use std::net::{TcpListener, TcpStream};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = moto_venv().join("bin/moto_server");
    if !server.exists() {
        let ok = std::process::Command::new(root.join("scripts/moto.sh"))
            .arg("install")
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok && server.exists(),
            "moto could not be installed: run scripts/moto.sh install"
        );
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let child = std::process::Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start moto_server");
    let child = Child(child);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while TcpStream::connect_timeout(&addr, std::time::Duration::from_millis(200)).is_err() {
        assert!(std::time::Instant::now() < deadline, "moto did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (child, format!("http://127.0.0.1:{port}"))
}

/// `facectl serve` on a free port; returns it and the URL it printed.
pub fn start_serve(s: &Sandbox, moto: &str) -> (Child, String) {
    start_serve_with(s, moto, &[])
}

/// `facectl serve` with extra flags (e.g. `--latency-ms`).
pub fn start_serve_with(s: &Sandbox, moto: &str, extra: &[&str]) -> (Child, String) {
    use std::io::BufRead;
    let bin = assert_cmd::cargo::cargo_bin("facectl");
    let mut child = std::process::Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--in-memory"])
        .args(["--s3-endpoint-url", moto, "--region", "eu-west-1"])
        .args(extra)
        .env("FACECTL_MODEL_DIR", super::model_dir())
        .env("HOME", s.dir.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start facectl serve");
    let stdout = child.stdout.take().expect("stdout");
    let child = Child(child);
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the endpoint line");
    assert!(
        line.starts_with("http://127.0.0.1:"),
        "serve printed {line:?}"
    );
    (child, line.trim().to_string())
}

/// facectl on the aws backend against moto and `facectl serve` (credentials are the caller's).
pub fn aws_command(
    s: &Sandbox,
    moto: &str,
    rekognition: &str,
    extra: &[&str],
) -> assert_cmd::Command {
    let mut cmd = s.cmd();
    cmd.args(["--backend", "aws", "--endpoint-url", moto])
        .args(["--rekognition-endpoint-url", rekognition])
        .args(["--force-path-style", "--region", "eu-west-1"])
        .args(extra);
    cmd
}

/// Runs `cmd args --output json` with test credentials, asserts the exit code, parses stdout.
pub fn aws_json(mut cmd: assert_cmd::Command, args: &[&str], code: i32) -> serde_json::Value {
    let out = cmd
        .args(args)
        .args(["--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .expect("run facectl");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(code),
        "facectl {args:?}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout}"))
}

/// `tests/tutorial/uploads.py` with `args`; panics with its stderr when it fails.
pub fn uploads(args: &[String]) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
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
pub fn lfw_people(n: usize, skip: usize) -> Vec<(String, std::path::PathBuf)> {
    let root = super::shared_data().join("lfw-dev/images");
    let mut people: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
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
            let mut photos: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
                .expect("person folder")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            photos.sort();
            (who.replace('_', " "), photos.remove(0))
        })
        .collect()
}

/// (name, faces) of `list persons -o json`, sorted.
pub fn persons(list: &serde_json::Value) -> Vec<(String, u64)> {
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

/// `cmd` (an [`aws_command`]) as a process to start in the background as `program` (the
/// facectl binary, or a link to it), with the sandbox's environment and test credentials.
pub fn aws_process(
    s: &Sandbox,
    cmd: &assert_cmd::Command,
    program: &std::path::Path,
) -> std::process::Command {
    let mut p = std::process::Command::new(program);
    p.args(cmd.get_args())
        .env_clear()
        .envs(s.env())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdin(std::process::Stdio::null());
    p
}

/// `doctor -o json` whatever its exit code (abandoned claims make it non-zero).
pub fn doctor_json(mut cmd: assert_cmd::Command) -> serde_json::Value {
    let out = cmd
        .args(["doctor", "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .expect("run doctor");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Asserts `doctor` (exit 0) finds nothing to repair and nothing in flight.
pub fn assert_doctor_clean(cmd: assert_cmd::Command) {
    let report = aws_json(cmd, &["doctor"], 0);
    for k in [
        "orphan_faces",
        "dangling_records",
        "orphan_objects",
        "missing_objects",
        "pending_images",
        "in_flight_images",
    ] {
        let n = report[k].as_array().map_or(0, Vec::len);
        assert_eq!(n, 0, "{k}: {report:#}");
    }
}
