//! The backend contract: one story every backend must pass (provision -> enroll -> search ->
//! verify -> delete -> search misses -> doctor clean), and the image claim rules of the person
//! table ([`run_claims`]), run by each backend's own tests.

use crate::error::BackendError;
use crate::model::{
    BoundingBox, FaceRecord, FaceSelect, ImageClaim, ImageRecord, ImageStatus, PersonInfo,
    QualityFilter, ResourceState,
};
use crate::ports::{Backend, PersonTable};
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

    // What the store says about a stored photo: its content hash; nothing for a missing key.
    let faces = backend.table.faces_of_person("Alice_Example").await;
    let stored = faces.map_err(|x| format!("faces of alice: {x}"))?;
    let key = stored
        .first()
        .map(|f| f.image_key.clone())
        .unwrap_or_default();
    let hash = stored
        .first()
        .map(|f| f.image_hash.clone())
        .unwrap_or_default();
    let meta = backend.images.object_meta(&key).await;
    let meta = meta.map_err(|x| format!("object meta: {x}"))?;
    check!(
        meta.as_ref()
            .is_some_and(|m| m.image_hash == hash && !hash.is_empty()),
        "object meta of {key}: {meta:?}, want hash {hash}"
    );
    let none = backend.images.object_meta("zz/not-there.jpg").await;
    check!(
        matches!(none, Ok(None)),
        "object meta of a missing key: {none:?}"
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

fn claim_of(owner: &str, lease_until: i64) -> ImageClaim {
    ImageClaim {
        owner: owner.into(),
        lease_until,
    }
}

fn claim_record(hash: &str, claim: Option<ImageClaim>) -> ImageRecord {
    ImageRecord {
        image_hash: hash.into(),
        image_key: format!("{}/{hash}.jpg", &hash[..2]),
        source: format!("/photos/{hash}.jpg"),
        status: ImageStatus::Pending,
        person_id: Some("Claim_Tester".into()),
        faces: 0,
        updated_at: 1,
        claim,
    }
}

fn claim_face(id: &str, hash: &str) -> FaceRecord {
    FaceRecord {
        face_id: id.into(),
        person: PersonInfo {
            person_id: "Claim_Tester".into(),
            name: "Claim Tester".into(),
            ..PersonInfo::default()
        },
        image_key: format!("{}/{hash}.jpg", &hash[..2]),
        image_hash: hash.into(),
        bbox: BoundingBox::default(),
        confidence: 99.0,
        model: String::new(),
        created_at: 1,
    }
}

fn is_conflict<T: std::fmt::Debug>(r: &Result<T, BackendError>) -> bool {
    matches!(r, Err(BackendError::Conflict(_)))
}

/// The claim rules every person table must keep (on a provisioned, empty table): one holder per
/// image hash, atomically; only the holder commits or releases; take-over only from the named
/// owner; renewal extends the holder's leases only.
pub async fn run_claims(table: &dyn PersonTable) -> Result<(), String> {
    let err = |step: &'static str| move |e: BackendError| format!("{step}: {e}");
    let (a, b) = (claim_of("host-a/1/run", 100), claim_of("host-b/2/run", 200));
    let h1 = "c1".repeat(32);
    let first = table
        .claim_image(&claim_record(&h1, Some(a.clone())))
        .await
        .map_err(err("claim"))?;
    check!(first.is_none(), "a fresh hash is claimed: {first:?}");
    let second = table
        .claim_image(&claim_record(&h1, Some(b.clone())))
        .await
        .map_err(err("claim again"))?;
    check!(
        second.as_ref().and_then(|r| r.claim.as_ref()) == Some(&a),
        "a second claim sees the first holder: {second:?}"
    );
    let indexed = |claim: &ImageClaim| ImageRecord {
        status: ImageStatus::Indexed,
        faces: 1,
        ..claim_record(&h1, Some(claim.clone()))
    };
    let by_b = table
        .commit_image(&indexed(&b), &[claim_face("cf-b", &h1)])
        .await;
    check!(
        is_conflict(&by_b),
        "a non-holder's commit is refused: {by_b:?}"
    );
    let unclaimed = ImageRecord {
        claim: None,
        ..indexed(&a)
    };
    let none = table.commit_image(&unclaimed, &[]).await;
    check!(
        is_conflict(&none),
        "a commit without claim is refused: {none:?}"
    );
    check!(
        table
            .faces(&["cf-b".into()])
            .await
            .map_err(err("faces"))?
            .is_empty(),
        "a refused commit records nothing"
    );
    let renewed = table
        .renew_claims(&a.owner, 150)
        .await
        .map_err(err("renew"))?;
    check!(
        renewed == 1,
        "renewal counts the holder's images: {renewed}"
    );
    check!(
        table
            .renew_claims(&b.owner, 999)
            .await
            .map_err(err("renew b"))?
            == 0,
        "renewal by a non-holder touches nothing"
    );
    let now = table.image(&h1).await.map_err(err("image"))?;
    check!(
        now.as_ref().and_then(|r| r.claim.as_ref()) == Some(&claim_of(&a.owner, 150)),
        "the lease is extended: {now:?}"
    );
    let wrong = table
        .take_over_image(&h1, &b.owner, &b)
        .await
        .map_err(err("take over"))?;
    check!(!wrong, "take-over from someone who does not hold it fails");
    let taken = table
        .take_over_image(&h1, &a.owner, &b)
        .await
        .map_err(err("take over"))?;
    check!(taken, "take-over from the holder succeeds");
    let late = table
        .commit_image(&indexed(&a), &[claim_face("cf-a", &h1)])
        .await;
    check!(
        is_conflict(&late),
        "the old holder's commit is refused: {late:?}"
    );
    table
        .commit_image(&indexed(&b), &[claim_face("cf-b", &h1)])
        .await
        .map_err(err("commit by the new holder"))?;
    let done = table.image(&h1).await.map_err(err("image"))?;
    check!(
        done.as_ref()
            .is_some_and(|r| r.status == ImageStatus::Indexed && r.claim.is_none()),
        "committed: indexed, claim cleared: {done:?}"
    );
    let after = table
        .claim_image(&claim_record(&h1, Some(a.clone())))
        .await
        .map_err(err("claim indexed"))?;
    check!(
        after.as_ref().map(|r| r.status) == Some(ImageStatus::Indexed),
        "an indexed image cannot be claimed: {after:?}"
    );
    let again = table.commit_image(&indexed(&b), &[]).await;
    check!(
        is_conflict(&again),
        "a finished image is not committed twice: {again:?}"
    );

    let h2 = "c2".repeat(32);
    table
        .claim_image(&claim_record(&h2, Some(a.clone())))
        .await
        .map_err(err("claim h2"))?;
    check!(
        !table
            .release_image(&h2, &b.owner)
            .await
            .map_err(err("release"))?,
        "a non-holder cannot release"
    );
    check!(
        table
            .release_image(&h2, &a.owner)
            .await
            .map_err(err("release"))?,
        "the holder releases"
    );
    check!(
        table.image(&h2).await.map_err(err("image"))?.is_none(),
        "a released image is gone"
    );
    let h3 = "c3".repeat(32);
    table
        .put_image(&claim_record(&h3, None))
        .await
        .map_err(err("put unclaimed pending"))?;
    check!(
        table
            .take_over_image(&h3, "", &a)
            .await
            .map_err(err("take over"))?,
        "a pending image without claim is taken over from the empty owner"
    );
    let no_face = ImageRecord {
        status: ImageStatus::NoFace,
        ..claim_record(&h3, Some(a.clone()))
    };
    table
        .commit_image(&no_face, &[])
        .await
        .map_err(err("commit no_face"))?;
    let ended = table.image(&h3).await.map_err(err("image"))?;
    check!(
        ended.as_ref().map(|r| r.status) == Some(ImageStatus::NoFace),
        "a face-less image is finished by its holder: {ended:?}"
    );
    Ok(())
}
