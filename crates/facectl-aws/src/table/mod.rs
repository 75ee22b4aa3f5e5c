//! The person table port over a DynamoDB table (item layout in [`item`]).
//!
//! Lookups by person, image and name use GSIs (created by `provision`); on an adopted table
//! without them they fall back to a Scan filtered here. `commit_image` writes all face items
//! (each conditional on its key not existing) and the image record (conditional on the
//! committing writer still holding it, see [`claims`]) in one TransactWriteItems.

mod claims;
pub mod item;
mod provision;

use crate::error::{code_of, map_sdk_error, Call};
use crate::TableSchema;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{
    AttributeValue, KeysAndAttributes, Put, ReturnValue, TransactWriteItem,
};
use aws_sdk_dynamodb::Client;
use facectl_core::model::*;
use facectl_core::ports::{BackendResult, PersonTable};
use facectl_core::BackendError;
use item::{Item, IMAGE_PREFIX};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// Most keys per BatchGetItem.
pub const BATCH_GET: usize = 100;
/// Most items per TransactWriteItems.
pub const TRANSACT_MAX: usize = 100;
/// Rounds of BatchGetItem for unprocessed keys before giving up as throttled.
const UNPROCESSED_ROUNDS: u32 = 8;

/// Persons, faces and image records in a DynamoDB table.
pub struct DynamoTable {
    client: Client,
    table: String,
    bucket: String,
    schema: TableSchema,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn build_err(e: impl std::fmt::Display) -> BackendError {
    BackendError::Other(format!("building a DynamoDB request: {e}"))
}

/// True when a Query failed because the index does not exist.
fn is_missing_index(
    e: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::query::QueryError,
        aws_sdk_dynamodb::config::http::HttpResponse,
    >,
) -> bool {
    let message = e
        .as_service_error()
        .and_then(|x| aws_sdk_dynamodb::error::ProvideErrorMetadata::message(x))
        .unwrap_or_default();
    match code_of(e) {
        Some("ValidationException") => message.contains("index"),
        Some("ResourceNotFoundException") => true,
        _ => false,
    }
}

/// Which items a Scan returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Faces,
    Images,
}

impl DynamoTable {
    pub fn new(client: Client, table: &str, bucket: &str, schema: TableSchema) -> Self {
        DynamoTable {
            client,
            table: table.into(),
            bucket: bucket.into(),
            schema,
        }
    }

    fn resource(&self) -> String {
        format!("table {}", self.table)
    }

    fn call(&self, action: &'static str) -> (String, &'static str) {
        (self.resource(), action)
    }

    fn key(&self, value: &str) -> Item {
        [(self.schema.hash_key.clone(), s(value))].into()
    }

    /// Every item of one kind, optionally with `Status` = `status`, by paginated Scan.
    async fn scan(&self, kind: Kind, status: Option<&str>) -> BackendResult<Vec<Item>> {
        let (resource, action) = self.call("dynamodb:Scan");
        let mut filter = match kind {
            Kind::Faces => "NOT begins_with(#k, :img)".to_string(),
            Kind::Images => "begins_with(#k, :img)".to_string(),
        };
        if status.is_some() {
            filter.push_str(" AND #st = :st");
        }
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let mut req = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression(&filter)
                .expression_attribute_names("#k", &self.schema.hash_key)
                .expression_attribute_values(":img", s(IMAGE_PREFIX))
                .set_exclusive_start_key(start.take());
            if let Some(st) = status {
                req = req
                    .expression_attribute_names("#st", item::STATUS)
                    .expression_attribute_values(":st", s(st));
            }
            let page = req
                .send()
                .await
                .map_err(|e| map_sdk_error(e, &Call::new(action, &resource)))?;
            out.extend(page.items().iter().cloned());
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }

    /// Face records whose `attr` equals `value`, by the GSI `index`; by Scan when the table
    /// has no such index (then `keep` filters).
    async fn query_faces(
        &self,
        index: &str,
        attr: &str,
        value: &str,
        keep: impl Fn(&FaceRecord) -> bool,
    ) -> BackendResult<Vec<FaceRecord>> {
        let (resource, action) = self.call("dynamodb:Query");
        let mut out = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let page = match self
                .client
                .query()
                .table_name(&self.table)
                .index_name(index)
                .key_condition_expression("#a = :v")
                .expression_attribute_names("#a", attr)
                .expression_attribute_values(":v", s(value))
                .set_exclusive_start_key(start.take())
                .send()
                .await
            {
                Ok(page) => page,
                // DynamoDB says ValidationException ("does not have the specified index"),
                // some emulators ResourceNotFoundException; a missing table fails the Scan too.
                Err(e) if is_missing_index(&e) => {
                    tracing::debug!(index, table = %self.table, "no such index; scanning");
                    return Ok(self
                        .scan(Kind::Faces, None)
                        .await?
                        .iter()
                        .filter_map(|i| item::face_record(&self.schema, i))
                        .filter(|f| keep(f))
                        .collect());
                }
                Err(e) => return Err(map_sdk_error(e, &Call::new(action, &resource))),
            };
            out.extend(
                page.items()
                    .iter()
                    .filter_map(|i| item::face_record(&self.schema, i)),
            );
            match page.last_evaluated_key() {
                Some(k) if !k.is_empty() => start = Some(k.clone()),
                _ => break,
            }
        }
        Ok(out)
    }

    async fn delete_item(&self, key: &str) -> BackendResult<bool> {
        let (resource, action) = self.call("dynamodb:DeleteItem");
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(self.key(key)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new(action, &resource)))?;
        Ok(out.attributes().is_some_and(|a| !a.is_empty()))
    }

    fn put(&self, item: Item, unique: bool) -> BackendResult<TransactWriteItem> {
        let mut put = Put::builder().table_name(&self.table).set_item(Some(item));
        if unique {
            put = put
                .condition_expression("attribute_not_exists(#k)")
                .expression_attribute_names("#k", &self.schema.hash_key);
        }
        Ok(TransactWriteItem::builder()
            .put(put.build().map_err(build_err)?)
            .build())
    }
}

#[async_trait]
impl PersonTable for DynamoTable {
    fn name(&self) -> String {
        self.table.clone()
    }

    async fn provision(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        self.provision_table(dry_run).await
    }

    async fn commit_image(&self, image: &ImageRecord, faces: &[FaceRecord]) -> BackendResult<()> {
        let (resource, action) = self.call("dynamodb:TransactWriteItems");
        let mut items = faces
            .iter()
            .map(|f| self.put(item::face_item(&self.schema, &self.bucket, f), true))
            .collect::<BackendResult<Vec<_>>>()?;
        items.push(self.held_put(image)?);
        // Over 100 items (more than 99 faces): earlier chunks first (each checking the claim),
        // the image record last, so the image is only marked indexed once every face is recorded.
        let chunks: Vec<Vec<TransactWriteItem>> = {
            let mut chunks = Vec::new();
            while items.len() > TRANSACT_MAX {
                let rest = items.split_off(TRANSACT_MAX - 1);
                let mut chunk = std::mem::replace(&mut items, rest);
                chunk.push(self.held_check(image)?);
                chunks.push(chunk);
            }
            chunks.push(items);
            chunks
        };
        for chunk in chunks {
            self.client
                .transact_write_items()
                .set_transact_items(Some(chunk))
                .send()
                .await
                .map_err(|e| match map_sdk_error(e, &Call::new(action, &resource)) {
                    BackendError::Conflict(m) => BackendError::Conflict(format!(
                        "image {}: a face is already recorded, or the image is no longer \
                         pending for this writer ({m})",
                        image.image_hash
                    )),
                    other => other,
                })?;
        }
        Ok(())
    }

    async fn put_image(&self, image: &ImageRecord) -> BackendResult<()> {
        let (resource, action) = self.call("dynamodb:PutItem");
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item::image_item(&self.schema, image)))
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new(action, &resource)))?;
        Ok(())
    }

    async fn claim_image(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>> {
        self.claim(image).await
    }

    async fn take_over_image(
        &self,
        image_hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool> {
        self.take_over(image_hash, from, claim).await
    }

    async fn renew_claims(&self, owner: &str, lease_until: i64) -> BackendResult<usize> {
        self.renew(owner, lease_until).await
    }

    async fn release_image(&self, image_hash: &str, owner: &str) -> BackendResult<bool> {
        self.release(image_hash, owner).await
    }

    async fn image(&self, image_hash: &str) -> BackendResult<Option<ImageRecord>> {
        let (resource, action) = self.call("dynamodb:GetItem");
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(self.key(&item::image_key_value(image_hash))))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| map_sdk_error(e, &Call::new(action, &resource)))?;
        Ok(out.item().and_then(|i| item::image_record(&self.schema, i)))
    }

    async fn images(&self, status: Option<ImageStatus>) -> BackendResult<Vec<ImageRecord>> {
        let items = self.scan(Kind::Images, status.map(|s| s.as_str())).await?;
        let mut out: Vec<ImageRecord> = items
            .iter()
            .filter_map(|i| item::image_record(&self.schema, i))
            .collect();
        out.sort_by(|a, b| a.image_hash.cmp(&b.image_hash));
        Ok(out)
    }

    async fn delete_image(&self, image_hash: &str) -> BackendResult<bool> {
        self.delete_item(&item::image_key_value(image_hash)).await
    }

    async fn faces(&self, face_ids: &[String]) -> BackendResult<Vec<FaceRecord>> {
        let (resource, action) = self.call("dynamodb:BatchGetItem");
        let mut ids: Vec<&String> = face_ids.iter().collect();
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for chunk in ids.chunks(BATCH_GET) {
            let keys: Vec<Item> = chunk.iter().map(|id| self.key(id)).collect();
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .build()
                    .map_err(build_err)?,
            );
            let mut round = 0;
            while let Some(request) = pending.take() {
                if round > 0 {
                    if round >= UNPROCESSED_ROUNDS {
                        return Err(BackendError::Throttled(format!(
                            "{action} on {resource}: keys still unprocessed after {round} rounds"
                        )));
                    }
                    let wait = Duration::from_millis(50u64 << round.min(6));
                    tokio::time::sleep(wait).await;
                }
                round += 1;
                let resp = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| map_sdk_error(e, &Call::new(action, &resource)))?;
                if let Some(items) = resp.responses().and_then(|r| r.get(&self.table)) {
                    out.extend(
                        items
                            .iter()
                            .filter_map(|i| item::face_record(&self.schema, i)),
                    );
                }
                pending = resp
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .filter(|k| !k.keys().is_empty())
                    .cloned();
            }
        }
        Ok(out)
    }

    async fn faces_of_person(&self, person_id: &str) -> BackendResult<Vec<FaceRecord>> {
        let index = self.schema.person_index.clone();
        self.query_faces(&index, item::PERSON_ID, person_id, |f| {
            f.person.person_id == person_id
        })
        .await
    }

    async fn faces_of_image(&self, image_hash: &str) -> BackendResult<Vec<FaceRecord>> {
        let index = self.schema.image_index.clone();
        self.query_faces(&index, item::IMAGE_HASH, image_hash, |f| {
            f.image_hash == image_hash
        })
        .await
    }

    async fn all_faces(&self) -> BackendResult<Vec<FaceRecord>> {
        let items = self.scan(Kind::Faces, None).await?;
        Ok(items
            .iter()
            .filter_map(|i| item::face_record(&self.schema, i))
            .collect())
    }

    async fn persons_named(&self, name: &str) -> BackendResult<Vec<PersonInfo>> {
        let lower = item::name_lower(name);
        let index = self.schema.name_index.clone();
        let faces = self
            .query_faces(&index, item::NAME_LOWER, &lower, |f| {
                item::name_lower(&f.person.name) == lower
            })
            .await?;
        let persons: BTreeMap<String, PersonInfo> = faces
            .into_iter()
            .map(|f| (f.person.person_id.clone(), f.person))
            .collect();
        Ok(persons.into_values().collect())
    }

    async fn person(&self, person_id: &str) -> BackendResult<Option<PersonInfo>> {
        Ok(self
            .faces_of_person(person_id)
            .await?
            .into_iter()
            .next()
            .map(|f| f.person))
    }

    async fn delete_faces(&self, face_ids: &[String]) -> BackendResult<usize> {
        let mut deleted = 0;
        let unique: HashMap<&str, ()> = face_ids.iter().map(|id| (id.as_str(), ())).collect();
        for id in unique.keys() {
            if id.starts_with(IMAGE_PREFIX) {
                continue;
            }
            if self.delete_item(id).await? {
                deleted += 1;
            }
        }
        Ok(deleted)
    }
}
