//! Creating the DynamoDB table (on-demand, with the three GSIs) and checking an existing one.

use super::item::{IMAGE_HASH, NAME_LOWER, PERSON_ID};
use super::DynamoTable;
use crate::error::{code_of, map_sdk_error, Call};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, TableDescription, TableStatus,
};
use facectl_core::model::{ResourceState, ResourceStatus};
use facectl_core::ports::BackendResult;
use facectl_core::BackendError;
use std::time::Duration;

/// How long provision waits for a new table to become ACTIVE.
const ACTIVE_TIMEOUT: Duration = Duration::from_secs(300);

fn build_err(e: impl std::fmt::Display) -> BackendError {
    BackendError::Other(format!("building a DynamoDB request: {e}"))
}

fn key(attr: &str) -> BackendResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(attr)
        .key_type(KeyType::Hash)
        .build()
        .map_err(build_err)
}

fn string_attr(attr: &str) -> BackendResult<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(attr)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(build_err)
}

impl DynamoTable {
    /// The indexes facectl uses: (index name, attribute).
    pub(crate) fn indexes(&self) -> [(&str, &str); 3] {
        [
            (self.schema.person_index.as_str(), PERSON_ID),
            (self.schema.image_index.as_str(), IMAGE_HASH),
            (self.schema.name_index.as_str(), NAME_LOWER),
        ]
    }

    /// `None` when the table does not exist.
    pub(crate) async fn describe(&self) -> BackendResult<Option<TableDescription>> {
        match self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
        {
            Ok(out) => Ok(out.table().cloned()),
            Err(e) if code_of(&e) == Some("ResourceNotFoundException") => Ok(None),
            Err(e) => Err(map_sdk_error(
                e,
                &Call::new("dynamodb:DescribeTable", &self.resource()),
            )),
        }
    }

    /// Checks an existing table's hash key; returns a note about missing indexes.
    fn check_existing(&self, desc: &TableDescription) -> BackendResult<Option<String>> {
        let hash = desc
            .key_schema()
            .iter()
            .find(|k| k.key_type() == &KeyType::Hash)
            .map(|k| k.attribute_name());
        if let Some(hash) = hash {
            if hash != self.schema.hash_key {
                return Err(BackendError::Other(format!(
                    "table {}'s hash key is `{hash}`, but facectl is configured for `{}`; set the hash key name to `{hash}`",
                    self.table, self.schema.hash_key
                )));
            }
        }
        let present: Vec<&str> = desc
            .global_secondary_indexes()
            .iter()
            .filter_map(|g| g.index_name())
            .collect();
        let missing: Vec<&str> = self
            .indexes()
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !present.contains(name))
            .collect();
        Ok((!missing.is_empty()).then(|| {
            format!(
                "missing indexes {} (lookups by person, image and name fall back to Scan)",
                missing.join(", ")
            )
        }))
    }

    pub(crate) async fn provision_table(&self, dry_run: bool) -> BackendResult<ResourceStatus> {
        let status = |state, detail: Option<String>| ResourceStatus {
            kind: "table".into(),
            name: self.table.clone(),
            state,
            detail,
        };
        if let Some(desc) = self.describe().await? {
            let note = self.check_existing(&desc)?;
            return Ok(status(ResourceState::Existed, note));
        }
        if dry_run {
            return Ok(status(ResourceState::WouldCreate, None));
        }
        let mut req = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key(&self.schema.hash_key)?)
            .attribute_definitions(string_attr(&self.schema.hash_key)?);
        for (name, attr) in self.indexes() {
            req = req
                .attribute_definitions(string_attr(attr)?)
                .global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(name)
                        .key_schema(key(attr)?)
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::All)
                                .build(),
                        )
                        .build()
                        .map_err(build_err)?,
                );
        }
        match req.send().await {
            Ok(_) => {}
            Err(e) if code_of(&e) == Some("ResourceInUseException") => {
                return Ok(status(ResourceState::Existed, None))
            }
            Err(e) => {
                return Err(map_sdk_error(
                    e,
                    &Call::new("dynamodb:CreateTable", &self.resource()),
                ))
            }
        }
        self.wait_active().await?;
        tracing::info!(table = %self.table, "created table");
        Ok(status(
            ResourceState::Created,
            Some(format!(
                "on-demand, hash key {}, indexes {}",
                self.schema.hash_key,
                self.indexes().map(|(n, _)| n).join(", ")
            )),
        ))
    }

    /// Polls DescribeTable until the table and its indexes are ACTIVE.
    async fn wait_active(&self) -> BackendResult<()> {
        let start = tokio::time::Instant::now();
        let mut delay = Duration::from_millis(200);
        loop {
            if let Some(desc) = self.describe().await? {
                let table_active = desc.table_status() == Some(&TableStatus::Active);
                let indexes_active = desc
                    .global_secondary_indexes()
                    .iter()
                    .all(|g| g.index_status().is_none_or(|s| s == &IndexStatus::Active));
                if table_active && indexes_active {
                    return Ok(());
                }
            }
            if start.elapsed() > ACTIVE_TIMEOUT {
                return Err(BackendError::Unavailable(format!(
                    "table {} did not become ACTIVE within {} s",
                    self.table,
                    ACTIVE_TIMEOUT.as_secs()
                )));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }
}
