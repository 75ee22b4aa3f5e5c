//! `rekognition.sqlite` holds face prints: its folder is created `0700` and the file (and
//! SQLite's `-wal` / `-shm` beside it) `0600`, whatever the umask.

use facectl_serve::store::Store;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_store_is_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let path = data.join("rekognition.sqlite");
    let mut store = Store::open(Some(&path)).expect("open");
    store.create_collection("c", "m").expect("collection");
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&path), 0o600, "database");
    for side in ["rekognition.sqlite-wal", "rekognition.sqlite-shm"] {
        let p = data.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }
}
