//! The folder image store: atomic writes, key checks, listing, usage and deletion.

mod common;

use facectl_core::model::{ObjectMeta, ResourceState};
use facectl_core::BackendError;
use facectl_local::images_dir;

fn meta() -> ObjectMeta {
    ObjectMeta {
        content_type: "image/jpeg".into(),
        image_hash: "abc".into(),
        person_name: "Alice".into(),
    }
}

#[tokio::test]
async fn put_get_list_usage_delete() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(tmp.path(), false);
    let store = &b.images;
    assert_eq!(
        store.provision(false).await.expect("provision").state,
        ResourceState::Created
    );
    assert_eq!(
        store.location(),
        images_dir(tmp.path()).display().to_string()
    );

    store
        .put("ab/abcdef.jpg", b"first", &meta())
        .await
        .expect("put");
    store
        .put("cd/cdef.png", &[1u8; 300], &meta())
        .await
        .expect("put");
    assert_eq!(store.get("ab/abcdef.jpg").await.expect("get"), b"first");
    assert!(store.exists("ab/abcdef.jpg").await.expect("exists"));
    assert!(!store.exists("ab/nope.jpg").await.expect("exists"));
    assert!(matches!(
        store.get("ab/nope.jpg").await,
        Err(BackendError::NotFound(_))
    ));

    // Overwriting replaces the whole object.
    store
        .put("ab/abcdef.jpg", b"second, longer", &meta())
        .await
        .expect("put");
    assert_eq!(
        store.get("ab/abcdef.jpg").await.expect("get"),
        b"second, longer"
    );

    assert_eq!(
        store.list_keys().await.expect("list"),
        ["ab/abcdef.jpg", "cd/cdef.png"]
    );
    let usage = store.usage().await.expect("usage");
    assert_eq!(usage.objects, 2);
    assert_eq!(usage.bytes, 14 + 300);

    assert!(store.delete("cd/cdef.png").await.expect("delete"));
    assert!(!store.delete("cd/cdef.png").await.expect("delete again"));
    assert!(
        !images_dir(tmp.path()).join("cd").exists(),
        "emptied folder left behind"
    );
    assert!(images_dir(tmp.path()).is_dir(), "root removed");
    assert_eq!(store.list_keys().await.expect("list"), ["ab/abcdef.jpg"]);
}

#[tokio::test]
async fn writes_leave_no_temporary_files_and_temp_files_are_not_listed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(tmp.path(), false);
    b.images.provision(false).await.expect("provision");
    for i in 0..20 {
        b.images
            .put("ab/same.jpg", &vec![i as u8; 1000 + i], &meta())
            .await
            .expect("put");
    }
    let dir = images_dir(tmp.path()).join("ab");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["same.jpg"]);
    let got = b.images.get("ab/same.jpg").await.expect("get");
    assert_eq!(got, vec![19u8; 1019]);

    // A write interrupted by a crash leaves a temp file: invisible to list and usage.
    std::fs::write(dir.join(".x.jpg.facectl-tmp-123"), b"partial").expect("write");
    assert_eq!(b.images.list_keys().await.expect("list"), ["ab/same.jpg"]);
    assert_eq!(b.images.usage().await.expect("usage").objects, 1);
}

#[tokio::test]
async fn concurrent_writers_of_one_key_never_expose_a_mix() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(tmp.path(), false);
    b.images.provision(false).await.expect("provision");
    let mut tasks = Vec::new();
    for i in 0..8u8 {
        let store = b.images.clone();
        tasks.push(tokio::spawn(async move {
            let body = vec![i; 64 * 1024];
            store.put("ab/race.jpg", &body, &meta()).await
        }));
    }
    for t in tasks {
        t.await.expect("join").expect("put");
    }
    let got = b.images.get("ab/race.jpg").await.expect("get");
    assert_eq!(got.len(), 64 * 1024);
    assert!(got.iter().all(|&x| x == got[0]), "mixed content");
}

#[tokio::test]
async fn keys_that_escape_the_folder_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = common::backend(&tmp.path().join("data"), false);
    b.images.provision(false).await.expect("provision");
    for key in [
        "../escape.jpg",
        "ab/../../escape.jpg",
        "/tmp/escape.jpg",
        "",
        "ab/",
    ] {
        let r = b.images.put(key, b"x", &meta()).await;
        assert!(r.is_err(), "key {key:?} accepted");
        assert!(b.images.get(key).await.is_err());
        assert!(b.images.delete(key).await.is_err());
    }
    assert!(!tmp.path().join("escape.jpg").exists());
}
