//! Issue 11 through the binary: hostile folders (walk errors, FIFOs, a folder named like a
//! photo), private files whatever the umask, deletes that leave no traces and say true things,
//! CSV conflicts, a truncated JPEG, and a broken pipe on stdout.

mod common;
use common::{example, model_dir, Sandbox};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A plain `std` command for the sandbox (pipes and umask need more than assert_cmd gives).
fn std_cmd(s: &Sandbox, umask: Option<&str>) -> Command {
    let bin = assert_cmd::cargo::cargo_bin("facectl");
    let mut cmd = match umask {
        Some(mask) => {
            let mut c = Command::new("sh");
            c.args(["-c", &format!("umask {mask} && exec \"$0\" \"$@\"")])
                .arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", s.dir.path())
        .env("XDG_CONFIG_HOME", s.dir.path().join("config"))
        .env("FACECTL_DATA_DIR", s.data_dir())
        .env("FACECTL_MODEL_DIR", model_dir())
        .env("NO_COLOR", "1");
    cmd
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Runs `cmd` and fails the test instead of hanging when it takes over `limit`.
fn run_within(mut cmd: Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("facectl still running after {limit:?} (blocked?)");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            out.push(e.path());
            if e.path().is_dir() {
                stack.push(e.path());
            }
        }
    }
    out
}

#[test]
fn stored_photos_and_face_prints_are_private_whatever_the_umask() {
    let s = Sandbox::new();
    let run = |args: &[&str]| {
        let out = std_cmd(&s, Some("000")).args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    };
    run(&["provision"]);
    let photo = example("obama.jpg");
    run(&["enroll", photo.to_str().unwrap(), "--name", "Barack Obama"]);
    let data = s.data_dir();
    assert_eq!(mode(&data), 0o700, "data dir");
    let db = data.join("facectl.db");
    assert_eq!(mode(&db), 0o600, "facectl.db");
    let mut files = 0;
    for p in files_under(&data) {
        if p.starts_with(data.join("models")) {
            continue;
        }
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), want, "{}", p.display());
        files += usize::from(p.is_file());
    }
    assert!(files >= 2, "the database and one stored photo");
}

#[test]
fn a_broken_pipe_on_stdout_ends_quietly_with_success() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = std_cmd(&s, None)
        .args(["list", "persons"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.trim().is_empty(), "quiet: {stderr}");
}

#[test]
fn deleting_nothing_says_so_with_exit_1() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let nobody = s
        .cmd()
        .args(["delete", "--person", "Nobody", "--yes"])
        .output()
        .expect("run");
    assert_eq!(nobody.status.code(), Some(1), "{nobody:?}");
    let never = "ab".repeat(32);
    let out = s.json(&["delete", "--image", &never, "--yes"], 1);
    assert!(
        out["images"].as_array().is_some_and(|a| a.is_empty()),
        "{out:#}"
    );
    assert_eq!(out["objects_deleted"], 0, "{out:#}");
}

#[test]
fn deleting_a_person_takes_every_image_row_so_a_reimport_redoes_them() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let src = tempfile::tempdir().unwrap();
    let dir = src.path().join("Barack_Obama");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(example("obama.jpg"), dir.join("a.jpg")).unwrap();
    std::fs::copy(example("two_people.jpg"), dir.join("b.jpg")).unwrap();
    let root = src.path().to_str().unwrap();
    let first = s.json(&["bulk-import", root], 0);
    assert_eq!(first["counts"]["imported"], 1, "{first:#}");
    assert_eq!(first["counts"]["multiple_faces"], 1, "{first:#}");
    let done = s.json(&["delete", "--person", "Barack Obama", "--yes"], 0);
    assert_eq!(done["images"].as_array().unwrap().len(), 2, "{done:#}");
    let again = s.json(&["bulk-import", root], 0);
    assert_eq!(
        again["counts"]["skipped"], 0,
        "nothing left behind: {again:#}"
    );
    assert_eq!(again["counts"]["imported"], 1, "{again:#}");
    assert_eq!(again["counts"]["multiple_faces"], 1, "{again:#}");
}

#[test]
fn hostile_folders_give_one_row_per_bad_entry_and_never_block() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let src = tempfile::tempdir().unwrap();
    let root = src.path();
    std::fs::copy(example("obama.jpg"), root.join("Barack_Obama.jpg")).unwrap();
    std::os::unix::fs::symlink(root, root.join("Loop")).unwrap();
    std::os::unix::fs::symlink(root.join("gone.jpg"), root.join("Dangling.jpg")).unwrap();
    mkfifo(&root.join("Pipe.jpg"));
    std::fs::create_dir(root.join("Folder.jpg")).unwrap();
    let mut cmd = std_cmd(&s, None);
    cmd.args(["bulk-import", root.to_str().unwrap(), "--output", "json"]);
    let out = run_within(cmd, Duration::from_secs(120));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "failed rows give 1: {out:?}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let row = |name: &str| {
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(name)))
            .unwrap_or_else(|| panic!("no row for {name}: {report:#}"))
            .clone()
    };
    assert_eq!(row("Barack_Obama.jpg")["status"], "imported", "{report:#}");
    for (name, status, says) in [
        ("Loop", "failed", "loop"),
        ("Dangling.jpg", "failed", "dangling"),
        ("Pipe.jpg", "skipped", "FIFO"),
        ("Folder.jpg", "skipped", "directory"),
    ] {
        let r = row(name);
        assert_eq!(r["status"], status, "{r:#}");
        assert!(
            r["reason"].as_str().unwrap_or_default().contains(says),
            "{r:#}"
        );
    }
    // Naming a FIFO directly is a clear error, not a hang.
    let mut search = std_cmd(&s, None);
    search.args(["search", root.join("Pipe.jpg").to_str().unwrap()]);
    let out = run_within(search, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("FIFO"),
        "{out:?}"
    );
}

#[test]
fn a_csv_mapping_with_conflicting_rows_imports_nothing_and_names_them() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let src = tempfile::tempdir().unwrap();
    std::fs::copy(example("obama.jpg"), src.path().join("a.jpg")).unwrap();
    std::fs::copy(example("biden.jpg"), src.path().join("b.jpg")).unwrap();
    let csv = src.path().join("people.csv");
    std::fs::write(
        &csv,
        "file,name\na.jpg,Barack Obama\nb.jpg,Joe Biden\na.jpg,Joe Biden\n",
    )
    .unwrap();
    let out = s
        .cmd()
        .args(["bulk-import", src.path().to_str().unwrap(), "--mapping"])
        .arg(&csv)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("line 4"),
        "{stderr}"
    );
    let status = s.json(&["status"], 0);
    assert_eq!(status["face_records"], 0, "nothing imported");

    std::fs::write(
        &csv,
        "file,name\na.jpg,Barack Obama\nghost.jpg,Nobody Here\n",
    )
    .unwrap();
    let out = s
        .cmd()
        .args([
            "bulk-import",
            src.path().to_str().unwrap(),
            "--output",
            "json",
        ])
        .arg("--mapping")
        .arg(&csv)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let ghost = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("ghost.jpg")))
        .unwrap_or_else(|| panic!("the missing file is reported: {report:#}"));
    assert_eq!(ghost["status"], "failed");
    assert!(
        ghost["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("line 3"),
        "{ghost:#}"
    );
}

#[test]
fn a_truncated_jpeg_is_imported_with_a_warning_in_its_row() {
    let s = Sandbox::new();
    s.json(&["provision"], 0);
    let src = tempfile::tempdir().unwrap();
    let whole = std::fs::read(example("obama.jpg")).unwrap();
    std::fs::write(
        src.path().join("Barack_Obama.jpg"),
        &whole[..whole.len() * 3 / 4],
    )
    .unwrap();
    let out = s.json(&["bulk-import", src.path().to_str().unwrap()], 0);
    let row = &out["files"][0];
    assert_ne!(row["status"], "failed", "{out:#}");
    assert!(
        row["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("truncated"),
        "{out:#}"
    );
}
