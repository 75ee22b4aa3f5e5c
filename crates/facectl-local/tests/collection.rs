//! The face collection with the real engine (needs `FACECTL_MODEL_DIR`): indexing, search,
//! verification, comparison, deletion, model binding and the quality gate.

mod common;

use facectl_core::model::{FaceSelect, QualityFilter, ResourceState};
use facectl_core::ports::{ImageInput, IndexRequest, SearchRequest};
use facectl_core::{Backend, BackendError};
use facectl_local::db_path;

fn input<'a>(bytes: &'a [u8], key: &'a str, origin: &'a str) -> ImageInput<'a> {
    ImageInput { bytes, key, origin }
}

fn request(external_id: &str, max_faces: Option<u32>, quality: QualityFilter) -> IndexRequest {
    IndexRequest {
        external_id: external_id.into(),
        max_faces,
        quality,
    }
}

const SEARCH: SearchRequest = SearchRequest {
    select: FaceSelect::All,
    threshold: 80.0,
    max_matches: 5,
};

/// Indexes the largest face of a photo; returns its face id.
async fn enroll(b: &Backend, photo: &str, external_id: &str) -> String {
    let bytes = common::read(&common::photo(photo));
    let key = format!("{}/{photo}", &photo[..2]);
    let out = b
        .collection
        .index_faces(
            input(&bytes, &key, photo),
            &request(external_id, Some(1), QualityFilter::Auto),
        )
        .await
        .unwrap_or_else(|e| panic!("index {photo}: {e}"));
    assert_eq!(out.indexed.len(), 1, "{photo}: {out:?}");
    out.indexed[0].face_id.clone()
}

async fn search(b: &Backend, photo: &str) -> Vec<facectl_core::model::FaceSearchResult> {
    let bytes = common::read(&common::photo(photo));
    b.collection
        .search_image(input(&bytes, "", photo), &SEARCH)
        .await
        .unwrap_or_else(|e| panic!("search {photo}: {e}"))
}

async fn provisioned(dir: &std::path::Path) -> Backend {
    let b = common::backend(dir, true);
    common::provision_all(&b, ResourceState::Created).await;
    b
}

#[tokio::test]
async fn index_search_delete_round_trip() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    let obama = enroll(&b, "obama.jpg", "obama").await;
    let biden = enroll(&b, "biden.jpg", "biden").await;
    let parsed = uuid::Uuid::parse_str(&obama).expect("face id is a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(obama, obama.to_lowercase());
    assert_ne!(obama, biden);

    let info = b.collection.info().await.expect("info");
    assert_eq!(info.faces, 2);
    assert!(info.model.starts_with("yunet"), "model {}", info.model);
    let listed = b.collection.list_faces().await.expect("list");
    assert_eq!(listed.len(), 2);
    assert!(listed
        .iter()
        .any(|f| f.face_id == biden && f.external_id.as_deref() == Some("biden")));

    let found = search(&b, "obama2.jpg").await;
    assert_eq!(found.len(), 1, "{found:?}");
    let top = &found[0].matches;
    assert_eq!(top.len(), 1, "only obama reaches 80: {top:?}");
    assert_eq!(top[0].face_id, obama);
    assert!((80.0..=100.0).contains(&top[0].similarity), "{top:?}");
    assert_eq!(top[0].image_key.as_deref(), Some("ob/obama.jpg"));
    assert!(found[0].face.pose.is_some() && found[0].face.quality.is_some());

    assert_eq!(
        b.collection
            .delete_faces(std::slice::from_ref(&obama))
            .await
            .expect("delete"),
        vec![obama.clone()]
    );
    assert!(b
        .collection
        .delete_faces(std::slice::from_ref(&obama))
        .await
        .expect("again")
        .is_empty());
    let after = search(&b, "obama2.jpg").await;
    assert!(
        after[0].matches.iter().all(|m| m.face_id != obama),
        "{after:?}"
    );
    assert_eq!(b.collection.info().await.expect("info").faces, 1);

    // Another process's writes reach this one's loaded index.
    let other = common::backend(tmp.path(), true);
    let again = enroll(&other, "obama.jpg", "obama").await;
    let seen = search(&b, "obama2.jpg").await;
    assert_eq!(
        seen[0].matches.first().map(|m| m.face_id.as_str()),
        Some(again.as_str())
    );
    other
        .collection
        .delete_faces(std::slice::from_ref(&again))
        .await
        .expect("delete");
    let gone = search(&b, "obama2.jpg").await;
    assert!(gone[0].matches.is_empty(), "{gone:?}");
}

#[tokio::test]
async fn max_faces_detect_and_search_all_faces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    let bytes = common::read(&common::photo("two_people.jpg"));

    let detected = b
        .collection
        .detect_faces(input(&bytes, "", "two_people.jpg"))
        .await
        .expect("detect");
    assert_eq!(detected.len(), 2, "{detected:?}");
    assert!(detected[0].bbox.area() >= detected[1].bbox.area());
    for d in &detected {
        assert!(d.pose.is_some() && d.quality.is_some(), "{d:?}");
        assert!((0.0..=100.0).contains(&d.confidence));
    }

    let one = b
        .collection
        .index_faces(
            input(&bytes, "tw/two.jpg", "two_people.jpg"),
            &request("pair", Some(1), QualityFilter::None),
        )
        .await
        .expect("index largest");
    assert_eq!(one.indexed.len(), 1, "{one:?}");
    assert_eq!(one.unindexed.len(), 1, "{one:?}");
    assert_eq!(one.unindexed[0].reasons, ["EXCEEDS_MAX_FACES"]);
    assert_eq!(one.indexed[0].detail.bbox, detected[0].bbox);

    let all = b
        .collection
        .index_faces(
            input(&bytes, "tw/two.jpg", "two_people.jpg"),
            &request("pair", None, QualityFilter::None),
        )
        .await
        .expect("index all");
    assert_eq!(all.indexed.len(), 2, "{all:?}");
    assert!(all.unindexed.is_empty());

    // Searching the same photo: each face finds itself (twice: both index calls).
    let found = b
        .collection
        .search_image(input(&bytes, "", "two_people.jpg"), &SEARCH)
        .await
        .expect("search");
    assert_eq!(found.len(), 2);
    assert!(found[0]
        .matches
        .iter()
        .any(|m| m.face_id == one.indexed[0].face_id));
    assert!(found[1]
        .matches
        .iter()
        .any(|m| m.face_id == all.indexed[1].face_id));
    let largest = b
        .collection
        .search_image(
            input(&bytes, "", "two_people.jpg"),
            &SearchRequest {
                select: FaceSelect::Largest,
                max_matches: 1,
                ..SEARCH
            },
        )
        .await
        .expect("search largest");
    assert_eq!(largest.len(), 1);
    assert_eq!(largest[0].matches.len(), 1);
}

#[tokio::test]
async fn match_faces_and_compare() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    let obama = enroll(&b, "obama.jpg", "obama").await;
    let biden = enroll(&b, "biden.jpg", "biden").await;
    let probe = common::read(&common::photo("obama2.jpg"));
    let result = b
        .collection
        .match_faces(
            input(&probe, "", "obama2.jpg"),
            &[
                biden.clone(),
                obama.clone(),
                "missing".into(),
                obama.clone(),
            ],
        )
        .await
        .expect("match")
        .expect("a face");
    let ids: Vec<&str> = result.matches.iter().map(|m| m.face_id.as_str()).collect();
    assert_eq!(ids, [obama.as_str(), biden.as_str()]);
    assert!(result.matches[0].similarity >= 80.0, "{result:?}");
    assert!(result.matches[1].similarity < 80.0, "{result:?}");

    let no_face = common::read(&common::no_face_photo());
    assert_eq!(
        b.collection
            .match_faces(
                input(&no_face, "", "view.jpg"),
                std::slice::from_ref(&obama)
            )
            .await
            .expect("match"),
        None
    );

    let a = common::read(&common::photo("obama.jpg"));
    let c = common::read(&common::photo("biden.jpg"));
    let same = b
        .collection
        .compare(input(&a, "", "obama.jpg"), input(&probe, "", "obama2.jpg"))
        .await
        .expect("compare")
        .expect("faces");
    assert!(same.similarity >= 80.0, "{same:?}");
    let diff = b
        .collection
        .compare(input(&a, "", "obama.jpg"), input(&c, "", "biden.jpg"))
        .await
        .expect("compare")
        .expect("faces");
    assert!(diff.similarity < 80.0, "{diff:?}");
    assert!(b
        .collection
        .compare(input(&a, "", "obama.jpg"), input(&no_face, "", "view.jpg"))
        .await
        .expect("compare")
        .is_none());
}

#[tokio::test]
async fn a_collection_built_with_another_model_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    let obama = enroll(&b, "obama.jpg", "obama").await;
    let conn = rusqlite::Connection::open(db_path(tmp.path())).expect("open db");
    conn.execute(
        "UPDATE fc_collections SET model = 'other-model:0123' WHERE id = 'default'",
        [],
    )
    .expect("fake model");
    drop(conn);

    let bytes = common::read(&common::photo("obama2.jpg"));
    for backend in [&b, &common::backend(tmp.path(), true)] {
        let mismatch = |r: Result<_, BackendError>| match r {
            Err(BackendError::ModelMismatch { collection, engine }) => {
                assert_eq!(collection, "other-model:0123");
                assert!(engine.starts_with("yunet"), "{engine}");
            }
            Err(other) => panic!("expected ModelMismatch, got {other}"),
            Ok(_) => panic!("expected ModelMismatch, got a result"),
        };
        mismatch(
            backend
                .collection
                .index_faces(
                    input(&bytes, "", "obama2.jpg"),
                    &request("x", Some(1), QualityFilter::Auto),
                )
                .await
                .map(|_| ()),
        );
        mismatch(
            backend
                .collection
                .search_image(input(&bytes, "", "obama2.jpg"), &SEARCH)
                .await
                .map(|_| ()),
        );
        mismatch(
            backend
                .collection
                .match_faces(
                    input(&bytes, "", "obama2.jpg"),
                    std::slice::from_ref(&obama),
                )
                .await
                .map(|_| ()),
        );
    }
    assert_eq!(
        b.collection.info().await.expect("info").model,
        "other-model:0123"
    );
    // An emptied collection is no longer bound to a model.
    b.collection.delete_faces(&[obama]).await.expect("delete");
    assert_eq!(b.collection.info().await.expect("info").model, "");
    enroll(&b, "obama.jpg", "obama").await;
}

#[tokio::test]
async fn bad_images_and_photos_without_faces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    let junk = b"this is not an image";
    match b
        .collection
        .index_faces(
            input(junk, "", "notes.txt"),
            &request("x", Some(1), QualityFilter::Auto),
        )
        .await
    {
        Err(BackendError::InvalidImage { origin, reason }) => {
            assert_eq!(origin, "notes.txt");
            assert!(!reason.contains("notes.txt"), "origin repeated: {reason}");
        }
        other => panic!("expected InvalidImage, got {other:?}"),
    }
    assert!(matches!(
        b.collection
            .search_image(input(junk, "", "notes.txt"), &SEARCH)
            .await,
        Err(BackendError::InvalidImage { .. })
    ));
    assert!(matches!(
        b.collection.detect_faces(input(&[], "", "empty.jpg")).await,
        Err(BackendError::InvalidImage { .. })
    ));

    let view = common::read(&common::no_face_photo());
    let out = b
        .collection
        .index_faces(
            input(&view, "vi/view.jpg", "view.jpg"),
            &request("x", None, QualityFilter::None),
        )
        .await
        .expect("index");
    assert!(
        out.indexed.is_empty() && out.unindexed.is_empty(),
        "{out:?}"
    );
    assert!(!out.model.is_empty());
    let info = b.collection.info().await.expect("info");
    assert_eq!((info.faces, info.model.as_str()), (0, ""));
    assert!(b
        .collection
        .search_image(input(&view, "", "view.jpg"), &SEARCH)
        .await
        .expect("search")
        .is_empty());
}

#[tokio::test]
async fn quality_filter_names_the_problem() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = provisioned(tmp.path()).await;
    // A small copy of a portrait: the face box is far below HIGH's 64 px.
    let img = image::open(common::photo("obama.jpg")).expect("decode");
    let small = img.resize(120, 120, image::imageops::FilterType::Triangle);
    let mut png = Vec::new();
    small
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode");

    let high = b
        .collection
        .index_faces(
            input(&png, "", "small.png"),
            &request("x", Some(1), QualityFilter::High),
        )
        .await
        .expect("index");
    assert!(high.indexed.is_empty(), "{high:?}");
    assert_eq!(high.unindexed.len(), 1, "{high:?}");
    assert!(
        high.unindexed[0]
            .reasons
            .iter()
            .any(|r| r == "SMALL_BOUNDING_BOX"),
        "{high:?}"
    );
    assert_eq!(b.collection.info().await.expect("info").faces, 0);

    let none = b
        .collection
        .index_faces(
            input(&png, "", "small.png"),
            &request("x", Some(1), QualityFilter::None),
        )
        .await
        .expect("index");
    assert_eq!(none.indexed.len(), 1, "{none:?}");
}

#[test]
fn missing_models_are_reported_with_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let b = common::backend(tmp.path(), false);
        common::provision_all(&b, ResourceState::Created).await;
        let bytes = common::read(&common::photo("obama.jpg"));
        let err = b
            .collection
            .index_faces(
                input(&bytes, "", "obama.jpg"),
                &request("x", Some(1), QualityFilter::Auto),
            )
            .await
            .expect_err("engine loaded without models");
        let msg = err.to_string();
        assert!(
            msg.contains(&tmp.path().join("models").display().to_string()),
            "{msg}"
        );
        assert!(msg.contains("FACECTL_MODEL_DIR"), "{msg}");
    });
}

#[tokio::test]
async fn faces_of_a_version_2_database_are_kept_and_searchable() {
    // A face print made by this engine, stored the way versions 1-2 stored faces.
    let fresh = tempfile::tempdir().expect("tempdir");
    let b = provisioned(fresh.path()).await;
    let obama = enroll(&b, "obama.jpg", "obama").await;
    let conn = rusqlite::Connection::open(db_path(fresh.path())).expect("open db");
    let (model, blob): (String, Vec<u8>) = conn
        .query_row(
            "SELECT c.model, f.embedding FROM fc_faces f JOIN fc_collections c ON c.id = f.collection",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("stored face");
    drop(conn);

    let old = tempfile::tempdir().expect("tempdir");
    let conn = rusqlite::Connection::open(db_path(old.path())).expect("create db");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE facectl_resources (name TEXT PRIMARY KEY NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
         INSERT INTO facectl_resources VALUES ('collection', 1);
         CREATE TABLE collection_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
         CREATE TABLE collection_faces (face_id TEXT PRIMARY KEY NOT NULL, external_id TEXT,
             image_key TEXT NOT NULL DEFAULT '', embedding BLOB NOT NULL, bbox_x REAL NOT NULL,
             bbox_y REAL NOT NULL, bbox_width REAL NOT NULL, bbox_height REAL NOT NULL,
             confidence REAL NOT NULL, landmarks TEXT NOT NULL, quality TEXT NOT NULL,
             model TEXT NOT NULL, created_at INTEGER NOT NULL);
         CREATE TABLE images (image_hash TEXT PRIMARY KEY NOT NULL, status TEXT);
         PRAGMA user_version = 2;",
    )
    .expect("version 2 layout");
    conn.execute(
        "INSERT INTO collection_meta VALUES ('generation', '7'), ('model', ?1)",
        [&model],
    )
    .expect("meta");
    for (id, ext, at) in [("older", "first", 1), (obama.as_str(), "obama", 2)] {
        conn.execute(
            "INSERT INTO collection_faces VALUES (?1, ?2, 'ob/obama.jpg', ?3, 1, 2, 30, 40, 0.9, '[]', '{}', ?4, ?5)",
            rusqlite::params![id, ext, blob, model, at],
        )
        .expect("face");
    }
    drop(conn);

    let b = common::backend(old.path(), true);
    let info = b.collection.info().await.expect("info");
    assert_eq!((info.faces, info.model.as_str()), (2, model.as_str()));
    let listed: Vec<String> = b
        .collection
        .list_faces()
        .await
        .expect("list")
        .into_iter()
        .map(|f| f.face_id)
        .collect();
    assert_eq!(
        listed,
        vec!["older".to_string(), obama.clone()],
        "kept in order"
    );
    let bytes = common::read(&common::photo("obama2.jpg"));
    let found = b
        .collection
        .search_image(input(&bytes, "", "obama2.jpg"), &SEARCH)
        .await
        .expect("search");
    let ids: Vec<&str> = found[0]
        .matches
        .iter()
        .map(|m| m.face_id.as_str())
        .collect();
    assert!(
        ids.contains(&obama.as_str()) && ids.contains(&"older"),
        "{found:?}"
    );
    assert_eq!(
        found[0].matches[0].image_key.as_deref(),
        Some("ob/obama.jpg")
    );
    // The old tables are gone; the generation carried on.
    let conn = rusqlite::Connection::open(db_path(old.path())).expect("open db");
    let (tables, generation): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM sqlite_master WHERE name LIKE 'collection_%'),
                    (SELECT generation FROM fc_collections WHERE id = 'default')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("migrated");
    assert_eq!((tables, generation), (0, 7));
}
