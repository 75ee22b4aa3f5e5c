//! The backend contract story from facectl-core, run against a local backend in a temporary
//! folder with the real engine (needs `FACECTL_MODEL_DIR`).

mod common;

use facectl_core::contract::{run_story, Fixtures};

#[tokio::test]
async fn local_backend_passes_the_contract_story() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let not_an_image = tmp.path().join("notes.txt");
    std::fs::write(&not_an_image, b"these are not pixels").expect("write");
    let fixtures = Fixtures {
        alice: [common::photo("obama.jpg"), common::photo("obama2.jpg")],
        bob: common::photo("biden.jpg"),
        no_face: common::no_face_photo(),
        not_an_image,
    };
    let backend = common::backend(&tmp.path().join("data"), true);
    if let Err(broken) = run_story(&backend, &fixtures).await {
        panic!("contract story failed: {broken}");
    }
}

#[tokio::test]
async fn local_table_keeps_the_claim_rules() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let backend = common::backend(&tmp.path().join("data"), false);
    backend.table.provision(false).await.expect("provision");
    if let Err(broken) = facectl_core::contract::run_claims(&*backend.table).await {
        panic!("claim contract: {broken}");
    }
}
