//! A database of collections only (`facectl serve`'s `rekognition.sqlite`): private files
//! whatever the umask, and a database of serve's first layout taken over whole.

use facectl_collection::store::{self, NewFace};
use facectl_collection::{users, CollectionDb, CollectionError, IndexConfig};
use facectl_engine::EMBEDDING_DIM;
use rusqlite::{params, Connection};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn print(axis: usize) -> Vec<f32> {
    let mut v = vec![0.0; EMBEDDING_DIM];
    v[axis] = 1.0;
    v
}

#[test]
fn the_database_is_private() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let path = data.join("rekognition.sqlite");
    let db = CollectionDb::open(Some(&path), IndexConfig::default()).expect("open");
    store::create_collection(db.conn(), "c", Some("m")).expect("collection");
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&path), 0o600, "database");
    for side in ["rekognition.sqlite-wal", "rekognition.sqlite-shm"] {
        let p = data.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }
}

/// Serve's first layout, as its store created it.
const SERVE_V1: &str = "
CREATE TABLE collections (id TEXT PRIMARY KEY, created REAL NOT NULL, model TEXT NOT NULL);
CREATE TABLE faces (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    face_id TEXT NOT NULL UNIQUE, image_id TEXT NOT NULL, external_image_id TEXT, user_id TEXT,
    bbox_left REAL NOT NULL, bbox_top REAL NOT NULL, bbox_width REAL NOT NULL,
    bbox_height REAL NOT NULL, confidence REAL NOT NULL, embedding BLOB NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX faces_by_collection ON faces(collection, seq);
CREATE TABLE users (
    collection TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL, created REAL NOT NULL, token TEXT,
    PRIMARY KEY (collection, user_id)
);
PRAGMA user_version = 1;
";

#[test]
fn a_database_of_the_first_layout_is_taken_over_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rekognition.sqlite");
    {
        let c = Connection::open(&path).expect("old db");
        c.execute_batch(SERVE_V1).expect("old schema");
        c.execute(
            "INSERT INTO collections VALUES ('people', 1700000000.5, 'model-a')",
            [],
        )
        .expect("collection");
        for (seq, face, axis, user) in [(3, "f-ann", 0, Some("ann")), (7, "f-bob", 1, None::<&str>)]
        {
            c.execute(
                "INSERT INTO faces VALUES (?1, 'people', ?2, 'img', 'ext', ?3, 0.25, 0.5, 0.125,
                 0.25, 99.5, ?4, 1700000001.0)",
                params![seq, face, user, store::embedding_to_blob(&print(axis))],
            )
            .expect("face");
        }
        c.execute(
            "INSERT INTO users VALUES ('people', 'ann', 1700000002.0, 'tok')",
            [],
        )
        .expect("user");
    }
    let mut db = CollectionDb::open(Some(&path), IndexConfig::default()).expect("open");
    let row = store::require(db.conn(), "people").expect("adopted collection");
    assert_eq!(row.model.as_deref(), Some("model-a"));
    assert_eq!(row.faces, 2);
    assert_eq!(row.created, 1700000000.5);
    let faces = store::list_faces(db.conn(), "people", 0, 10).expect("faces");
    let seqs: Vec<i64> = faces.iter().map(|f| f.seq).collect();
    assert_eq!(
        seqs,
        vec![3, 7],
        "seqs kept, so ListFaces tokens stay valid"
    );
    assert_eq!(faces[0].bbox_ratios(), [0.25, 0.5, 0.125, 0.25]);
    assert_eq!(faces[0].user_id.as_deref(), Some("ann"));
    assert_eq!(faces[0].external_id.as_deref(), Some("ext"));
    assert_eq!(
        users::list_users(db.conn(), "people", None, 10).expect("users"),
        vec!["ann".to_string()]
    );
    // The creation retried with its token still succeeds; another one is a conflict.
    users::create_user(db.conn_mut(), "people", "ann", Some("tok")).expect("same token");
    assert!(matches!(
        users::create_user(db.conn_mut(), "people", "ann", None),
        Err(CollectionError::UserExists(u)) if u == "ann"
    ));
    let found = db
        .search("people", &print(1), 5, 50.0, None)
        .expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].face.face_id, "f-bob");
    assert!(db
        .search("people", &print(1), 5, 50.0, Some("f-bob"))
        .expect("search")
        .is_empty());
    // New faces come after the adopted ones; the model binding holds.
    let new = NewFace {
        face_id: "f-new".into(),
        bbox: [10.0, 20.0, 30.0, 40.0],
        image_size: (100, 200),
        confidence: 99.0,
        embedding: print(2),
        ..NewFace::default()
    };
    assert!(matches!(
        store::insert_faces(
            db.conn_mut(),
            "people",
            None,
            "model-b",
            std::slice::from_ref(&new)
        ),
        Err(CollectionError::ModelMismatch { .. })
    ));
    store::insert_faces(db.conn_mut(), "people", None, "model-a", &[new]).expect("insert");
    let faces = store::list_faces(db.conn(), "people", 7, 10).expect("faces");
    assert!(faces[0].seq > 7);
    assert_eq!(faces[0].bbox_ratios(), [0.1, 0.1, 0.3, 0.2]);
    drop(db);
    // Opened again: nothing moved twice.
    let db = CollectionDb::open(Some(&path), IndexConfig::default()).expect("reopen");
    assert_eq!(store::require(db.conn(), "people").expect("row").faces, 3);
    assert_eq!(
        store::list_faces(db.conn(), "people", 0, 10)
            .expect("faces")
            .len(),
        3
    );
}

#[test]
fn deleting_a_user_keeps_its_faces_and_deleting_the_collection_drops_users() {
    let mut db = CollectionDb::open(None, IndexConfig::default()).expect("open");
    store::create_collection(db.conn(), "c", Some("m")).expect("collection");
    let faces: Vec<NewFace> = (0..3)
        .map(|i| NewFace {
            face_id: format!("f{i}"),
            embedding: print(i),
            ..NewFace::default()
        })
        .collect();
    store::insert_faces(db.conn_mut(), "c", None, "m", &faces).expect("insert");
    users::create_user(db.conn_mut(), "c", "u", None).expect("user");
    let ids = vec!["f0".to_string(), "f2".to_string()];
    users::set_face_user(db.conn_mut(), "c", &ids, Some("u")).expect("associate");
    assert_eq!(users::user_faces(db.conn(), "c", "u").expect("faces"), ids);
    assert_eq!(
        users::user_prints(db.conn(), "c", "u")
            .expect("prints")
            .len(),
        2
    );
    users::delete_user(db.conn_mut(), "c", "u").expect("delete user");
    assert!(matches!(
        users::require_user(db.conn(), "c", "u"),
        Err(CollectionError::UserNotFound { .. })
    ));
    assert_eq!(store::require(db.conn(), "c").expect("row").faces, 3);
    assert!(store::list_faces(db.conn(), "c", 0, 10)
        .expect("faces")
        .iter()
        .all(|f| f.user_id.is_none()));
    users::create_user(db.conn_mut(), "c", "v", None).expect("user");
    db.delete_collection("c").expect("delete");
    store::create_collection(db.conn(), "c", Some("m")).expect("again");
    assert_eq!(users::user_count(db.conn(), "c").expect("count"), 0);
}
