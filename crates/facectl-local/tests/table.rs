//! The SQLite person table: commits, conflicts, lookups and deletion (no models needed).

mod common;

use facectl_core::model::{
    BoundingBox, FaceRecord, ImageClaim, ImageRecord, ImageStatus, PersonInfo, ResourceState,
};
use facectl_core::BackendError;
use facectl_core::PersonTable;

fn person(id: &str, name: &str) -> PersonInfo {
    PersonInfo {
        person_id: id.into(),
        name: name.into(),
        first_name: Some(name.split(' ').next().unwrap_or_default().into()),
        last_name: None,
        meta: [("team".to_string(), "blue".to_string())].into(),
    }
}

fn image(hash: &str, status: ImageStatus, person_id: &str, faces: u32, at: i64) -> ImageRecord {
    ImageRecord {
        image_hash: hash.into(),
        image_key: format!("{}/{hash}.jpg", &hash[..2]),
        source: format!("/photos/{hash}.jpg"),
        status,
        person_id: Some(person_id.into()),
        faces,
        updated_at: at,
        claim: None,
    }
}

fn claim() -> ImageClaim {
    ImageClaim {
        owner: "test-host/1/table-test".into(),
        lease_until: i64::MAX,
    }
}

/// Claim `img` (as a writer does), then commit it under that claim.
async fn commit(
    t: &dyn PersonTable,
    img: &ImageRecord,
    faces: &[FaceRecord],
) -> Result<(), BackendError> {
    let pending = ImageRecord {
        status: ImageStatus::Pending,
        faces: 0,
        claim: Some(claim()),
        ..img.clone()
    };
    assert_eq!(t.claim_image(&pending).await?, None, "claimed");
    let held = ImageRecord {
        claim: Some(claim()),
        ..img.clone()
    };
    t.commit_image(&held, faces).await
}

fn face(id: &str, who: &PersonInfo, hash: &str, at: i64) -> FaceRecord {
    FaceRecord {
        face_id: id.into(),
        person: who.clone(),
        image_key: format!("{}/{hash}.jpg", &hash[..2]),
        image_hash: hash.into(),
        bbox: BoundingBox {
            x: 10.0,
            y: 20.0,
            width: 30.5,
            height: 40.25,
        },
        confidence: 99.5,
        model: "test-model".into(),
        created_at: at,
    }
}

async fn table(dir: &std::path::Path) -> std::sync::Arc<dyn PersonTable> {
    let b = common::backend(dir, false);
    assert_eq!(
        b.table.provision(false).await.expect("provision").state,
        ResourceState::Created
    );
    b.table
}

#[tokio::test]
async fn commit_records_faces_person_and_image() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let alice = person("Alice_Example", "Alice Example");
    let img = image("aa11", ImageStatus::Indexed, "Alice_Example", 2, 100);
    let faces = [
        face("f1", &alice, "aa11", 100),
        face("f2", &alice, "aa11", 101),
    ];
    commit(&*t, &img, &faces).await.expect("commit");

    assert_eq!(t.all_faces().await.expect("all"), faces);
    assert_eq!(
        t.faces_of_person("Alice_Example").await.expect("of person"),
        faces
    );
    assert_eq!(t.faces_of_image("aa11").await.expect("of image"), faces);
    assert_eq!(t.image("aa11").await.expect("image"), Some(img.clone()));
    assert_eq!(
        t.person("Alice_Example").await.expect("person"),
        Some(alice.clone())
    );
    let some = t
        .faces(&["f2".into(), "missing".into(), "f2".into()])
        .await
        .expect("faces");
    assert_eq!(some, [faces[1].clone()]);
    assert!(t.faces(&[]).await.expect("no ids").is_empty());
}

#[tokio::test]
async fn a_duplicate_face_id_is_a_conflict_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let alice = person("alice", "Alice");
    let bob = person("bob", "Bob");
    commit(
        &*t,
        &image("aa11", ImageStatus::Indexed, "alice", 1, 1),
        &[face("f1", &alice, "aa11", 1)],
    )
    .await
    .expect("commit");
    let second = image("bb22", ImageStatus::Indexed, "bob", 2, 2);
    let err = commit(
        &*t,
        &second,
        &[face("f9", &bob, "bb22", 2), face("f1", &bob, "bb22", 2)],
    )
    .await
    .expect_err("duplicate accepted");
    assert!(matches!(err, BackendError::Conflict(_)), "{err:?}");
    // All or nothing: no bob, no f9, the second image still only claimed; f1 still alice's.
    assert_eq!(t.person("bob").await.expect("person"), None);
    assert!(t.faces(&["f9".into()]).await.expect("faces").is_empty());
    let left = t.image("bb22").await.expect("image").expect("claim kept");
    assert_eq!(
        (left.status, left.claim),
        (ImageStatus::Pending, Some(claim()))
    );
    assert_eq!(
        t.faces(&["f1".into()]).await.expect("faces")[0].person,
        alice
    );
}

#[tokio::test]
async fn persons_named_is_case_insensitive_and_exact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let a1 = person("alice_1", "Alice Example");
    let a2 = person("alice_2", "alice example");
    let e = person("emile", "Émile Zola");
    let other = person("alicia", "Alice Examples");
    for (i, p) in [&a1, &a2, &e, &other].into_iter().enumerate() {
        let hash = format!("{i:02}ff");
        commit(
            &*t,
            &image(&hash, ImageStatus::Indexed, &p.person_id, 1, 1),
            &[face(&format!("f{i}"), p, &hash, 1)],
        )
        .await
        .expect("commit");
    }
    let found = t.persons_named("ALICE EXAMPLE").await.expect("named");
    assert_eq!(found, [a1.clone(), a2.clone()]);
    assert_eq!(t.persons_named("émile zola").await.expect("named"), [e]);
    assert!(t.persons_named("Alice").await.expect("named").is_empty());
    assert_eq!(t.person("nobody").await.expect("person"), None);
}

#[tokio::test]
async fn images_by_status_put_and_delete() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let pending = image("aa11", ImageStatus::Pending, "p", 0, 5);
    let noface = image("bb22", ImageStatus::NoFace, "p", 0, 3);
    t.put_image(&pending).await.expect("put");
    t.put_image(&noface).await.expect("put");
    assert_eq!(
        t.images(None).await.expect("all"),
        [noface.clone(), pending.clone()]
    );
    assert_eq!(
        t.images(Some(ImageStatus::Pending)).await.expect("pending"),
        vec![pending.clone()]
    );
    // put_image replaces.
    let multiple = ImageRecord {
        status: ImageStatus::MultipleFaces,
        updated_at: 9,
        ..pending.clone()
    };
    t.put_image(&multiple).await.expect("replace");
    assert!(t
        .images(Some(ImageStatus::Pending))
        .await
        .expect("pending")
        .is_empty());
    assert_eq!(t.image("aa11").await.expect("image"), Some(multiple));
    assert!(t.delete_image("aa11").await.expect("delete"));
    assert!(!t.delete_image("aa11").await.expect("delete again"));
    assert_eq!(t.images(None).await.expect("all"), [noface]);
}

#[tokio::test]
async fn deleting_faces_forgets_persons_left_without_faces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let alice = person("alice", "Alice");
    let bob = person("bob", "Bob");
    commit(
        &*t,
        &image("aa11", ImageStatus::Indexed, "alice", 2, 1),
        &[face("a1", &alice, "aa11", 1), face("b1", &bob, "aa11", 1)],
    )
    .await
    .expect("commit");
    commit(
        &*t,
        &image("cc33", ImageStatus::Indexed, "alice", 1, 2),
        &[face("a2", &alice, "cc33", 2)],
    )
    .await
    .expect("commit");
    assert_eq!(
        t.delete_faces(&["a1".into(), "b1".into(), "zz".into()])
            .await
            .expect("delete"),
        2
    );
    assert_eq!(t.person("bob").await.expect("bob"), None);
    assert_eq!(t.person("alice").await.expect("alice"), Some(alice));
    assert_eq!(
        t.all_faces()
            .await
            .expect("all")
            .iter()
            .map(|f| f.face_id.as_str())
            .collect::<Vec<_>>(),
        ["a2"]
    );
    // Image records are the service's business: still there.
    assert!(t.image("aa11").await.expect("image").is_some());
}

#[tokio::test]
async fn many_ids_are_read_in_batches() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = table(tmp.path()).await;
    let p = person("p", "P");
    let faces: Vec<FaceRecord> = (0..1200)
        .map(|i| face(&format!("f{i:04}"), &p, "aa11", i))
        .collect();
    commit(
        &*t,
        &image("aa11", ImageStatus::Indexed, "p", 1200, 1),
        &faces,
    )
    .await
    .expect("commit");
    let ids: Vec<String> = faces.iter().map(|f| f.face_id.clone()).collect();
    assert_eq!(t.faces(&ids).await.expect("faces").len(), 1200);
    assert_eq!(t.delete_faces(&ids).await.expect("delete"), 1200);
    assert!(t.all_faces().await.expect("all").is_empty());
}

#[tokio::test]
async fn two_processes_can_write_at_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let first = table(tmp.path()).await;
    let second = common::backend(tmp.path(), false).table;
    let mut tasks = Vec::new();
    for (n, t) in [first.clone(), second].into_iter().enumerate() {
        for i in 0..40 {
            let t = t.clone();
            tasks.push(tokio::spawn(async move {
                let p = person(&format!("p{n}"), &format!("Person {n}"));
                let hash = format!("{n}{i:03}");
                commit(
                    &*t,
                    &image(&hash, ImageStatus::Indexed, &p.person_id, 1, i),
                    &[face(&format!("f{n}-{i}"), &p, &hash, i)],
                )
                .await
            }));
        }
    }
    for task in tasks {
        task.await.expect("join").expect("commit");
    }
    assert_eq!(first.all_faces().await.expect("all").len(), 80);
    assert_eq!(first.images(None).await.expect("images").len(), 80);
}
