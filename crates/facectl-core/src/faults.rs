//! Fault injection for the service layer: a [`Backend`] wrapper whose calls can be delayed,
//! failed or made to hang (a process killed mid-call), chosen per call name and occurrence, in
//! the spirit of mountpoint-s3's failure client. For tests of every backend.
//!
//! Call names are `<port>.<method>`: `images.put`, `collection.index_faces`,
//! `table.commit_image`, ...

use crate::error::BackendError;
use crate::model::*;
use crate::ports::*;
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What happens to a chosen call, before it reaches the backend.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Wait, then make the call.
    Delay(Duration),
    /// Fail with `BackendError::Unavailable(message)` without making the call.
    Fail(String),
    /// Never return (the process dies in this call).
    Hang,
}

#[derive(Clone, Debug)]
struct Rule {
    call: String,
    /// Occurrences (1-based) it applies to; `None` for all.
    nth: Option<Vec<usize>>,
    fault: Fault,
}

/// Which calls misbehave, and how many times each call was made.
#[derive(Debug, Default)]
pub struct FaultPlan {
    rules: Mutex<Vec<Rule>>,
    counts: Mutex<HashMap<String, usize>>,
}

impl FaultPlan {
    pub fn new() -> Arc<Self> {
        Arc::new(FaultPlan::default())
    }

    /// Apply `fault` to every call named `call`.
    pub fn always(&self, call: &str, fault: Fault) -> &Self {
        self.push(call, None, fault)
    }

    /// Apply `fault` to the listed occurrences (1-based) of `call`.
    pub fn on(&self, call: &str, nth: &[usize], fault: Fault) -> &Self {
        self.push(call, Some(nth.to_vec()), fault)
    }

    fn push(&self, call: &str, nth: Option<Vec<usize>>, fault: Fault) -> &Self {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(Rule {
                call: call.into(),
                nth,
                fault,
            });
        }
        self
    }

    /// How many times `call` was made so far.
    pub fn count(&self, call: &str) -> usize {
        self.counts
            .lock()
            .map(|c| c.get(call).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    async fn before(&self, call: &str) -> Result<(), BackendError> {
        let n = match self.counts.lock() {
            Ok(mut c) => {
                let n = c.entry(call.to_string()).or_insert(0);
                *n += 1;
                *n
            }
            Err(_) => 0,
        };
        let fault = self.rules.lock().ok().and_then(|rules| {
            rules
                .iter()
                .find(|r| r.call == call && r.nth.as_ref().is_none_or(|v| v.contains(&n)))
                .map(|r| r.fault.clone())
        });
        match fault {
            None => Ok(()),
            Some(Fault::Delay(d)) => {
                tokio::time::sleep(d).await;
                Ok(())
            }
            Some(Fault::Fail(m)) => Err(BackendError::Unavailable(format!("injected: {m}"))),
            Some(Fault::Hang) => std::future::pending().await,
        }
    }
}

/// Wrap every port of `backend` with `plan`.
pub fn wrap(backend: &Backend, plan: &Arc<FaultPlan>) -> Backend {
    Backend {
        kind: backend.kind.clone(),
        images: Arc::new(Faulty {
            inner: Arc::clone(&backend.images),
            plan: Arc::clone(plan),
        }),
        collection: Arc::new(Faulty {
            inner: Arc::clone(&backend.collection),
            plan: Arc::clone(plan),
        }),
        table: Arc::new(Faulty {
            inner: Arc::clone(&backend.table),
            plan: Arc::clone(plan),
        }),
    }
}

/// One wrapped port.
pub struct Faulty<T: ?Sized> {
    inner: Arc<T>,
    plan: Arc<FaultPlan>,
}

/// `plan.before(name)?` then the inner call.
macro_rules! pass {
    ($self:ident, $name:literal, $call:expr) => {{
        $self.plan.before($name).await?;
        $call.await
    }};
}

#[async_trait]
impl ImageStore for Faulty<dyn ImageStore> {
    fn location(&self) -> String {
        self.inner.location()
    }
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        pass!(self, "images.provision", self.inner.provision(dry_run))
    }
    async fn put(&self, key: &str, bytes: &[u8], meta: &ObjectMeta) -> BackendResult<()> {
        pass!(self, "images.put", self.inner.put(key, bytes, meta))
    }
    async fn get(&self, key: &str) -> BackendResult<Vec<u8>> {
        pass!(self, "images.get", self.inner.get(key))
    }
    async fn exists(&self, key: &str) -> BackendResult<bool> {
        pass!(self, "images.exists", self.inner.exists(key))
    }
    async fn object_meta(&self, key: &str) -> BackendResult<Option<ObjectMeta>> {
        pass!(self, "images.object_meta", self.inner.object_meta(key))
    }
    async fn delete(&self, key: &str) -> BackendResult<bool> {
        pass!(self, "images.delete", self.inner.delete(key))
    }
    async fn list_keys(&self) -> BackendResult<Vec<String>> {
        pass!(self, "images.list_keys", self.inner.list_keys())
    }
    async fn usage(&self) -> BackendResult<StoreUsage> {
        pass!(self, "images.usage", self.inner.usage())
    }
}

#[async_trait]
impl FaceCollection for Faulty<dyn FaceCollection> {
    fn name(&self) -> String {
        self.inner.name()
    }
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        pass!(self, "collection.provision", self.inner.provision(dry_run))
    }
    async fn info(&self) -> BackendResult<CollectionInfo> {
        pass!(self, "collection.info", self.inner.info())
    }
    async fn index_faces(
        &self,
        image: ImageInput<'_>,
        req: &IndexRequest,
    ) -> BackendResult<IndexOutcome> {
        pass!(
            self,
            "collection.index_faces",
            self.inner.index_faces(image, req)
        )
    }
    async fn detect_faces(&self, image: ImageInput<'_>) -> BackendResult<Vec<FaceDetail>> {
        pass!(
            self,
            "collection.detect_faces",
            self.inner.detect_faces(image)
        )
    }
    async fn search_image(
        &self,
        image: ImageInput<'_>,
        req: &SearchRequest,
    ) -> BackendResult<Vec<FaceSearchResult>> {
        pass!(
            self,
            "collection.search_image",
            self.inner.search_image(image, req)
        )
    }
    async fn match_faces(
        &self,
        image: ImageInput<'_>,
        face_ids: &[String],
    ) -> BackendResult<Option<FaceSearchResult>> {
        pass!(
            self,
            "collection.match_faces",
            self.inner.match_faces(image, face_ids)
        )
    }
    async fn compare(
        &self,
        source: ImageInput<'_>,
        target: ImageInput<'_>,
    ) -> BackendResult<Option<CompareOutcome>> {
        pass!(
            self,
            "collection.compare",
            self.inner.compare(source, target)
        )
    }
    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<Vec<String>> {
        pass!(
            self,
            "collection.delete_faces",
            self.inner.delete_faces(face_ids)
        )
    }
    async fn list_faces(&self) -> BackendResult<Vec<CollectionFace>> {
        pass!(self, "collection.list_faces", self.inner.list_faces())
    }
}

#[async_trait]
impl PersonTable for Faulty<dyn PersonTable> {
    fn name(&self) -> String {
        self.inner.name()
    }
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        pass!(self, "table.provision", self.inner.provision(dry_run))
    }
    async fn commit_image(&self, image: &ImageRecord, faces: &[FaceRecord]) -> BackendResult<()> {
        pass!(
            self,
            "table.commit_image",
            self.inner.commit_image(image, faces)
        )
    }
    async fn put_image(&self, image: &ImageRecord) -> BackendResult<()> {
        pass!(self, "table.put_image", self.inner.put_image(image))
    }
    async fn claim_image(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>> {
        pass!(self, "table.claim_image", self.inner.claim_image(image))
    }
    async fn take_over_image(
        &self,
        image_hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool> {
        pass!(
            self,
            "table.take_over_image",
            self.inner.take_over_image(image_hash, from, claim)
        )
    }
    async fn renew_claims(&self, owner: &str, lease_until: i64) -> BackendResult<usize> {
        pass!(
            self,
            "table.renew_claims",
            self.inner.renew_claims(owner, lease_until)
        )
    }
    async fn release_image(&self, image_hash: &str, owner: &str) -> BackendResult<bool> {
        pass!(
            self,
            "table.release_image",
            self.inner.release_image(image_hash, owner)
        )
    }
    async fn image(&self, image_hash: &str) -> BackendResult<Option<ImageRecord>> {
        pass!(self, "table.image", self.inner.image(image_hash))
    }
    async fn images(&self, status: Option<ImageStatus>) -> BackendResult<Vec<ImageRecord>> {
        pass!(self, "table.images", self.inner.images(status))
    }
    async fn delete_image(&self, image_hash: &str) -> BackendResult<bool> {
        pass!(
            self,
            "table.delete_image",
            self.inner.delete_image(image_hash)
        )
    }
    async fn faces(&self, face_ids: &[String]) -> BackendResult<Vec<FaceRecord>> {
        pass!(self, "table.faces", self.inner.faces(face_ids))
    }
    async fn faces_of_person(&self, person_id: &str) -> BackendResult<Vec<FaceRecord>> {
        pass!(
            self,
            "table.faces_of_person",
            self.inner.faces_of_person(person_id)
        )
    }
    async fn faces_of_image(&self, image_hash: &str) -> BackendResult<Vec<FaceRecord>> {
        pass!(
            self,
            "table.faces_of_image",
            self.inner.faces_of_image(image_hash)
        )
    }
    async fn all_faces(&self) -> BackendResult<Vec<FaceRecord>> {
        pass!(self, "table.all_faces", self.inner.all_faces())
    }
    async fn persons_named(&self, name: &str) -> BackendResult<Vec<PersonInfo>> {
        pass!(self, "table.persons_named", self.inner.persons_named(name))
    }
    async fn person(&self, person_id: &str) -> BackendResult<Option<PersonInfo>> {
        pass!(self, "table.person", self.inner.person(person_id))
    }
    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<usize> {
        pass!(
            self,
            "table.delete_faces",
            self.inner.delete_faces(face_ids)
        )
    }
}
