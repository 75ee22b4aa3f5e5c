//! `provision`: create the image store, collection and table if missing (idempotent).

use crate::error::ServiceError;
use crate::model::{ResourceState, ResourceStatus};
use crate::ports::{Backend, UploadQueue};
use serde::{Deserialize, Serialize};

/// What provisioning found and did.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProvisionReport {
    pub backend: String,
    pub dry_run: bool,
    pub resources: Vec<ResourceStatus>,
}

impl ProvisionReport {
    pub fn created(&self) -> usize {
        self.resources
            .iter()
            .filter(|r| r.state == ResourceState::Created)
            .count()
    }
}

/// Provision the three resources in order: image store, collection, table.
pub async fn provision(backend: &Backend, dry_run: bool) -> Result<ProvisionReport, ServiceError> {
    let resources = vec![
        backend.images.provision(dry_run).await?,
        backend.collection.provision(dry_run).await?,
        backend.table.provision(dry_run).await?,
    ];
    Ok(ProvisionReport {
        backend: backend.kind.clone(),
        dry_run,
        resources,
    })
}

/// Provision the backend's resources, then the upload trigger's (queues, notification rule).
pub async fn provision_with_trigger(
    backend: &Backend,
    queue: &dyn UploadQueue,
    dry_run: bool,
) -> Result<ProvisionReport, ServiceError> {
    let mut report = provision(backend, dry_run).await?;
    report.resources.extend(queue.provision(dry_run).await?);
    Ok(report)
}
