//! Image claims on DynamoDB: conditional writes on the image record's `Status`, `Owner` and
//! `LeaseUntil`, so two writers can never both hold an image (see `facectl_core::service::claims`).

use super::item::{self, Item, LEASE_UNTIL, OWNER, STATUS};
use super::{DynamoTable, Kind};
use crate::error::{map_sdk_error, Call};
use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, Put, TransactWriteItem};
use facectl_core::model::{ImageClaim, ImageRecord, ImageStatus};
use facectl_core::ports::{BackendResult, PersonTable};
use facectl_core::BackendError;

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn build_err(e: impl std::fmt::Display) -> BackendError {
    BackendError::Other(format!("building a DynamoDB request: {e}"))
}

/// Condition: the record is `pending` and held by `:owner`.
const HELD: &str = "#st = :pending AND #ow = :owner";

/// The names and values [`HELD`] refers to, for `owner`.
type Placeholders = (HashMap<String, String>, HashMap<String, AttributeValue>);

fn held_by(owner: &str) -> Placeholders {
    (
        HashMap::from([("#st".into(), STATUS.into()), ("#ow".into(), OWNER.into())]),
        HashMap::from([
            (":pending".into(), s(ImageStatus::Pending.as_str())),
            (":owner".into(), s(owner)),
        ]),
    )
}

impl DynamoTable {
    /// The image record's Put for a commit, conditional on `image.claim` still holding it.
    pub(super) fn held_put(&self, image: &ImageRecord) -> BackendResult<TransactWriteItem> {
        let (names, values) = held_by(self.claim_owner(image)?);
        let done = ImageRecord {
            claim: None,
            ..image.clone()
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item::image_item(&self.schema, &done)))
            .condition_expression(HELD)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A check that `image.claim` still holds the image (for transaction chunks before the last).
    pub(super) fn held_check(&self, image: &ImageRecord) -> BackendResult<TransactWriteItem> {
        let (names, values) = held_by(self.claim_owner(image)?);
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(self.key(&item::image_key_value(&image.image_hash))))
            .condition_expression(HELD)
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    fn claim_owner<'a>(&self, image: &'a ImageRecord) -> BackendResult<&'a str> {
        image
            .claim
            .as_ref()
            .map(|c| c.owner.as_str())
            .ok_or_else(|| {
                BackendError::Conflict(format!(
                    "image {} is committed without a claim",
                    image.image_hash
                ))
            })
    }

    pub(super) async fn claim(&self, image: &ImageRecord) -> BackendResult<Option<ImageRecord>> {
        let (resource, action) = self.call("dynamodb:PutItem");
        let pending = ImageRecord {
            status: ImageStatus::Pending,
            ..image.clone()
        };
        // The record may vanish between a failed put and the read: try again then.
        for _ in 0..4 {
            let put = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item::image_item(&self.schema, &pending)))
                .condition_expression("attribute_not_exists(#k)")
                .expression_attribute_names("#k", &self.schema.hash_key)
                .send()
                .await;
            match put {
                Ok(_) => return Ok(None),
                Err(e) => match map_sdk_error(e, &Call::new(action, &resource)) {
                    BackendError::Conflict(_) => {}
                    other => return Err(other),
                },
            }
            if let Some(existing) = PersonTable::image(self, &image.image_hash).await? {
                return Ok(Some(existing));
            }
        }
        Err(BackendError::Conflict(format!(
            "image {}: claim contended",
            image.image_hash
        )))
    }

    pub(super) async fn take_over(
        &self,
        hash: &str,
        from: &str,
        claim: &ImageClaim,
    ) -> BackendResult<bool> {
        let (resource, action) = self.call("dynamodb:UpdateItem");
        let condition = if from.is_empty() {
            "#st = :pending AND attribute_not_exists(#ow)"
        } else {
            "#st = :pending AND #ow = :from"
        };
        let mut req = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(self.key(&item::image_key_value(hash))))
            .update_expression("SET #ow = :owner, #lease = :lease")
            .condition_expression(condition)
            .expression_attribute_names("#st", STATUS)
            .expression_attribute_names("#ow", OWNER)
            .expression_attribute_names("#lease", LEASE_UNTIL)
            .expression_attribute_values(":pending", s(ImageStatus::Pending.as_str()))
            .expression_attribute_values(":owner", s(&claim.owner))
            .expression_attribute_values(
                ":lease",
                AttributeValue::N(claim.lease_until.to_string()),
            );
        if !from.is_empty() {
            req = req.expression_attribute_values(":from", s(from));
        }
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e) => match map_sdk_error(e, &Call::new(action, &resource)) {
                BackendError::Conflict(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    pub(super) async fn renew(&self, owner: &str, lease_until: i64) -> BackendResult<usize> {
        let (resource, action) = self.call("dynamodb:UpdateItem");
        let held: Vec<Item> = self
            .scan(Kind::Images, Some(ImageStatus::Pending.as_str()))
            .await?
            .into_iter()
            .filter(|i| i.get(OWNER).and_then(|v| v.as_s().ok()).map(String::as_str) == Some(owner))
            .collect();
        let mut renewed = 0;
        for it in held {
            let Some(key) = it.get(&self.schema.hash_key).cloned() else {
                continue;
            };
            let out = self
                .client
                .update_item()
                .table_name(&self.table)
                .key(&self.schema.hash_key, key)
                .update_expression("SET #lease = :lease")
                .condition_expression(HELD)
                .expression_attribute_names("#st", STATUS)
                .expression_attribute_names("#ow", OWNER)
                .expression_attribute_names("#lease", LEASE_UNTIL)
                .expression_attribute_values(":pending", s(ImageStatus::Pending.as_str()))
                .expression_attribute_values(":owner", s(owner))
                .expression_attribute_values(":lease", AttributeValue::N(lease_until.to_string()))
                .send()
                .await;
            match out {
                Ok(_) => renewed += 1,
                Err(e) => match map_sdk_error(e, &Call::new(action, &resource)) {
                    BackendError::Conflict(_) => {}
                    other => return Err(other),
                },
            }
        }
        Ok(renewed)
    }

    pub(super) async fn release(&self, hash: &str, owner: &str) -> BackendResult<bool> {
        let (resource, action) = self.call("dynamodb:DeleteItem");
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(self.key(&item::image_key_value(hash))))
            .condition_expression(HELD)
            .expression_attribute_names("#st", STATUS)
            .expression_attribute_names("#ow", OWNER)
            .expression_attribute_values(":pending", s(ImageStatus::Pending.as_str()))
            .expression_attribute_values(":owner", s(owner))
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(e) => match map_sdk_error(e, &Call::new(action, &resource)) {
                BackendError::Conflict(_) => Ok(false),
                other => Err(other),
            },
        }
    }
}
