//! A person table that hangs in `commit_image` after a number of commits: a process killed
//! mid-image (pending record, stored object and indexed faces, no commit).

use async_trait::async_trait;
use facectl_core::model::*;
use facectl_core::ports::{BackendResult, PersonTable};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A table whose `commit_image` never returns after `commits` commits (a process killed
/// mid-image: pending record, stored object and indexed faces, no commit).
pub struct KillAfter {
    pub inner: Arc<dyn PersonTable>,
    pub commits: AtomicUsize,
}

#[async_trait]
impl PersonTable for KillAfter {
    fn name(&self) -> String {
        self.inner.name()
    }
    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        self.inner.provision(dry_run).await
    }
    async fn commit_image(&self, image: &ImageRecord, faces: &[FaceRecord]) -> BackendResult<()> {
        if self
            .commits
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_err()
        {
            std::future::pending::<()>().await;
        }
        self.inner.commit_image(image, faces).await
    }
    async fn put_image(&self, image: &ImageRecord) -> BackendResult<()> {
        self.inner.put_image(image).await
    }
    async fn claim_image(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>> {
        self.inner.claim_image(image).await
    }
    async fn take_over_image(
        &self,
        hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool> {
        self.inner.take_over_image(hash, from, claim).await
    }
    async fn renew_claims(&self, owner: &str, lease_until: i64) -> BackendResult<usize> {
        self.inner.renew_claims(owner, lease_until).await
    }
    async fn release_image(&self, hash: &str, owner: &str) -> BackendResult<bool> {
        self.inner.release_image(hash, owner).await
    }
    async fn image(&self, hash: &str) -> BackendResult<Option<ImageRecord>> {
        self.inner.image(hash).await
    }
    async fn images(&self, status: Option<ImageStatus>) -> BackendResult<Vec<ImageRecord>> {
        self.inner.images(status).await
    }
    async fn delete_image(&self, hash: &str) -> BackendResult<bool> {
        self.inner.delete_image(hash).await
    }
    async fn faces(&self, ids: &[String]) -> BackendResult<Vec<FaceRecord>> {
        self.inner.faces(ids).await
    }
    async fn faces_of_person(&self, id: &str) -> BackendResult<Vec<FaceRecord>> {
        self.inner.faces_of_person(id).await
    }
    async fn faces_of_image(&self, hash: &str) -> BackendResult<Vec<FaceRecord>> {
        self.inner.faces_of_image(hash).await
    }
    async fn all_faces(&self) -> BackendResult<Vec<FaceRecord>> {
        self.inner.all_faces().await
    }
    async fn persons_named(&self, name: &str) -> BackendResult<Vec<PersonInfo>> {
        self.inner.persons_named(name).await
    }
    async fn person(&self, id: &str) -> BackendResult<Option<PersonInfo>> {
        self.inner.person(id).await
    }
    async fn delete_faces(&self, ids: &[String]) -> BackendResult<usize> {
        self.inner.delete_faces(ids).await
    }
}
