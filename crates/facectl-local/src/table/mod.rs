//! The person table port over SQLite: persons, face records and image records in
//! `facectl.db` (tables `persons`, `face_records`, `images`).

mod claims;
mod sql;

use crate::db::Db;
use async_trait::async_trait;
use facectl_core::model::{
    FaceRecord, ImageClaim, ImageRecord, ImageStatus, PersonInfo, ResourceStatus,
};
use facectl_core::ports::{BackendResult, PersonTable};
use std::sync::Arc;

/// The local person table.
pub struct LocalTable {
    db: Arc<Db>,
}

impl LocalTable {
    pub(crate) fn new(db: Arc<Db>) -> Self {
        LocalTable { db }
    }
}

#[async_trait]
impl PersonTable for LocalTable {
    fn name(&self) -> String {
        format!("{}#persons", self.db.path().display())
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let done = self.db.provision(dry_run).await?;
        Ok(ResourceStatus {
            kind: "table".into(),
            name: self.name(),
            state: done.state,
            detail: done.detail,
        })
    }

    async fn commit_image(&self, image: &ImageRecord, faces: &[FaceRecord]) -> BackendResult<()> {
        let (image, faces) = (image.clone(), faces.to_vec());
        self.db
            .call(move |c| sql::commit_image(c, &image, &faces))
            .await
    }

    async fn put_image(&self, image: &ImageRecord) -> BackendResult<()> {
        let image = image.clone();
        self.db.call(move |c| sql::put_image(c, &image)).await
    }

    async fn claim_image(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>> {
        let image = image.clone();
        self.db.call(move |c| claims::claim_image(c, &image)).await
    }

    async fn take_over_image(
        &self,
        image_hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool> {
        let (hash, from, claim) = (image_hash.to_string(), from.to_string(), claim.clone());
        self.db
            .call(move |c| claims::take_over_image(c, &hash, &from, &claim))
            .await
    }

    async fn renew_claims(&self, owner: &str, lease_until: i64) -> BackendResult<usize> {
        let owner = owner.to_string();
        self.db
            .call(move |c| claims::renew_claims(c, &owner, lease_until))
            .await
    }

    async fn release_image(&self, image_hash: &str, owner: &str) -> BackendResult<bool> {
        let (hash, owner) = (image_hash.to_string(), owner.to_string());
        self.db
            .call(move |c| claims::release_image(c, &hash, &owner))
            .await
    }

    async fn image(&self, image_hash: &str) -> BackendResult<Option<ImageRecord>> {
        let hash = image_hash.to_string();
        self.db.call(move |c| sql::image(c, &hash)).await
    }

    async fn images(&self, status: Option<ImageStatus>) -> BackendResult<Vec<ImageRecord>> {
        self.db.call(move |c| sql::images(c, status)).await
    }

    async fn delete_image(&self, image_hash: &str) -> BackendResult<bool> {
        let hash = image_hash.to_string();
        self.db.call(move |c| sql::delete_image(c, &hash)).await
    }

    async fn faces(&self, face_ids: &[String]) -> BackendResult<Vec<FaceRecord>> {
        let ids = face_ids.to_vec();
        self.db.call(move |c| sql::faces(c, &ids)).await
    }

    async fn faces_of_person(&self, person_id: &str) -> BackendResult<Vec<FaceRecord>> {
        let id = person_id.to_string();
        self.db.call(move |c| sql::faces_of_person(c, &id)).await
    }

    async fn faces_of_image(&self, image_hash: &str) -> BackendResult<Vec<FaceRecord>> {
        let hash = image_hash.to_string();
        self.db.call(move |c| sql::faces_of_image(c, &hash)).await
    }

    async fn all_faces(&self) -> BackendResult<Vec<FaceRecord>> {
        self.db.call(|c| sql::all_faces(c)).await
    }

    async fn persons_named(&self, name: &str) -> BackendResult<Vec<PersonInfo>> {
        let name = name.to_string();
        self.db.call(move |c| sql::persons_named(c, &name)).await
    }

    async fn person(&self, person_id: &str) -> BackendResult<Option<PersonInfo>> {
        let id = person_id.to_string();
        self.db.call(move |c| sql::person(c, &id)).await
    }

    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<usize> {
        let ids = face_ids.to_vec();
        self.db.call(move |c| sql::delete_faces(c, &ids)).await
    }
}
