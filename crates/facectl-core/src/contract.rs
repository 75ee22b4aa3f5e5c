//! The backend contract: one story every backend must pass (provision -> enroll -> search ->
//! verify -> delete -> search misses -> doctor clean), run by each backend's own tests.

use crate::model::{FaceSelect, QualityFilter, ResourceState};
use crate::ports::Backend;
use crate::progress::NoProgress;
use crate::service::delete::{self, DeleteTarget};
use crate::service::enroll::{enroll, EnrollTarget};
use crate::service::ingest::{FileStatus, IngestOptions};
use crate::service::search::{search, SearchOptions};
use crate::service::verify::{compare, verify, PersonRef};
use crate::service::{doctor, inventory, provision};
use std::path::PathBuf;

/// Photos the story uses. `alice` holds two photos of one person, `bob` one of another,
/// `no_face` a photo without a face, `not_an_image` a file that is not an image.
pub struct Fixtures {
    pub alice: [PathBuf; 2],
    pub bob: PathBuf,
    pub no_face: PathBuf,
    pub not_an_image: PathBuf,
}

macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn target(name: &str) -> EnrollTarget {
    EnrollTarget {
        name: Some(name.into()),
        person_id: None,
        first_name: None,
        last_name: None,
        meta: [("team".to_string(), "contract".to_string())].into(),
    }
}

fn e(step: &'static str) -> impl Fn(crate::ServiceError) -> String {
    move |err| format!("{step}: {err}")
}

/// Run the story against a backend that has never been provisioned. Returns the first broken
/// promise as an error message.
pub async fn run_story(backend: &Backend, fx: &Fixtures) -> Result<(), String> {
    let opts = IngestOptions {
        quality: QualityFilter::None,
        ..IngestOptions::default()
    };

    let first = provision::provision(backend, false)
        .await
        .map_err(e("provision"))?;
    check!(
        first.resources.len() == 3,
        "provision reports 3 resources, got {:?}",
        first.resources
    );
    check!(
        first
            .resources
            .iter()
            .all(|r| r.state == ResourceState::Created),
        "first provision creates everything: {:?}",
        first.resources
    );
    let again = provision::provision(backend, false)
        .await
        .map_err(e("provision again"))?;
    check!(
        again
            .resources
            .iter()
            .all(|r| r.state == ResourceState::Existed),
        "second provision finds everything: {:?}",
        again.resources
    );

    let alice = enroll(
        backend,
        &target("Alice Example"),
        &fx.alice[..1],
        &opts,
        &NoProgress,
    )
    .await
    .map_err(e("enroll alice"))?;
    check!(
        alice.faces_indexed == 1,
        "alice: one face indexed, got {:?}",
        alice.files
    );
    check!(
        alice.person.person_id == "Alice_Example",
        "person id from name: {}",
        alice.person.person_id
    );
    let bob = enroll(
        backend,
        &target("Bob Example"),
        std::slice::from_ref(&fx.bob),
        &opts,
        &NoProgress,
    )
    .await
    .map_err(e("enroll bob"))?;
    check!(
        bob.faces_indexed == 1,
        "bob: one face indexed, got {:?}",
        bob.files
    );

    let repeat = enroll(
        backend,
        &target("Alice Example"),
        &fx.alice[..1],
        &opts,
        &NoProgress,
    )
    .await
    .map_err(e("enroll alice again"))?;
    check!(
        repeat.files[0].status == FileStatus::Skipped && repeat.faces_indexed == 0,
        "re-enrolling the same photo is skipped: {:?}",
        repeat.files
    );
    let bad = enroll(
        backend,
        &target("Nobody"),
        &[fx.no_face.clone(), fx.not_an_image.clone()],
        &opts,
        &NoProgress,
    )
    .await
    .map_err(e("enroll bad files"))?;
    check!(
        bad.files[0].status == FileStatus::NoFace,
        "no-face photo: {:?}",
        bad.files[0]
    );
    check!(
        bad.files[1].status == FileStatus::Failed,
        "not an image fails: {:?}",
        bad.files[1]
    );
    let reason = bad.files[1].reason.clone().unwrap_or_default();
    check!(
        reason.contains(&fx.not_an_image.display().to_string()),
        "the failure names the file: {reason}"
    );

    let persons = inventory::list_persons(backend)
        .await
        .map_err(e("list persons"))?;
    let names: Vec<&str> = persons.iter().map(|p| p.person.name.as_str()).collect();
    check!(
        names == ["Alice Example", "Bob Example"],
        "persons listed: {names:?}"
    );
    check!(
        persons[0].person.meta.get("team").map(String::as_str) == Some("contract"),
        "metadata kept: {:?}",
        persons[0].person
    );

    let found = search(backend, &fx.alice[1], &SearchOptions::default())
        .await
        .map_err(e("search alice"))?;
    check!(
        found.faces.len() == 1,
        "one face in alice's second photo: {}",
        found.faces.len()
    );
    let top = found.faces[0]
        .matches
        .first()
        .ok_or("alice's second photo matches nobody")?;
    check!(
        top.person.as_ref().map(|p| p.name.as_str()) == Some("Alice Example"),
        "alice's second photo matches alice: {top:?}"
    );
    check!(
        top.similarity >= 80.0 && top.similarity <= 100.0,
        "similarity in range: {}",
        top.similarity
    );
    check!(
        found.faces[0]
            .matches
            .iter()
            .all(|m| m.person.as_ref().map(|p| p.name.as_str()) != Some("Bob Example")),
        "bob is not above the threshold for alice: {:?}",
        found.faces[0].matches
    );
    let largest = search(
        backend,
        &fx.bob,
        &SearchOptions {
            select: FaceSelect::Largest,
            ..SearchOptions::default()
        },
    )
    .await
    .map_err(e("search bob"))?;
    check!(
        largest.faces.len() == 1
            && largest.faces[0]
                .matches
                .first()
                .and_then(|m| m.person.as_ref())
                .map(|p| p.name.as_str())
                == Some("Bob Example"),
        "bob's own photo finds bob: {:?}",
        largest.faces
    );

    let ok = verify(
        backend,
        &fx.alice[1],
        &PersonRef::Name("alice example".into()),
        80.0,
    )
    .await
    .map_err(e("verify alice"))?;
    check!(ok.matched, "alice verifies as alice: {ok:?}");
    let no = verify(
        backend,
        &fx.bob,
        &PersonRef::Name("Alice Example".into()),
        80.0,
    )
    .await
    .map_err(e("verify bob as alice"))?;
    check!(!no.matched, "bob does not verify as alice: {no:?}");
    let same = compare(backend, &fx.alice[0], &fx.alice[1], 80.0)
        .await
        .map_err(e("compare"))?;
    check!(same.matched, "alice's photos compare as a match: {same:?}");
    let diff = compare(backend, &fx.alice[0], &fx.bob, 80.0)
        .await
        .map_err(e("compare"))?;
    check!(!diff.matched, "alice and bob differ: {diff:?}");

    let target = DeleteTarget::Person(PersonRef::Name("Alice Example".into()));
    let planned = delete::plan(backend, &target)
        .await
        .map_err(e("plan delete"))?;
    check!(
        planned.face_ids.len() == 1 && planned.images.len() == 1,
        "delete plan: {planned:?}"
    );
    let before = backend.images.usage().await.map_err(|x| x.to_string())?;
    let done = delete::execute(backend, &planned)
        .await
        .map_err(e("delete"))?;
    check!(
        done.faces_deleted_from_collection == 1
            && done.records_deleted == 1
            && done.objects_deleted == 1,
        "delete removed face, record and object: {done:?}"
    );
    let after = backend.images.usage().await.map_err(|x| x.to_string())?;
    check!(
        after.objects + 1 == before.objects,
        "one object fewer: {before:?} -> {after:?}"
    );

    let missed = search(backend, &fx.alice[1], &SearchOptions::default())
        .await
        .map_err(e("search after delete"))?;
    check!(
        missed.faces.iter().all(|f| f.matches.iter().all(|m| m
            .person
            .as_ref()
            .map(|p| p.name.as_str())
            != Some("Alice Example"))),
        "alice is gone: {:?}",
        missed.faces
    );
    let health = doctor::doctor(backend, false).await.map_err(e("doctor"))?;
    check!(
        health.problems() == 0,
        "doctor finds nothing wrong: {health:?}"
    );
    let status = inventory::status(backend).await.map_err(e("status"))?;
    check!(
        status.collection.faces == 1 && status.face_records == 1,
        "one face left: {status:?}"
    );
    Ok(())
}
