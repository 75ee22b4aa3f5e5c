//! Error types shared by ports and services, with the classification the CLI maps to exit codes.

use std::path::PathBuf;

/// An error raised by a backend behind one of the ports.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// A resource (bucket, collection, table, database) does not exist yet.
    #[error("{resource} does not exist; run `facectl provision` first")]
    NotProvisioned { resource: String },
    /// A face, person, image or object was not found.
    #[error("not found: {0}")]
    NotFound(String),
    /// The image could not be used (unreadable, unsupported, too large).
    #[error("{origin}: {reason}")]
    InvalidImage { origin: String, reason: String },
    /// The caller is not allowed to do this.
    #[error(
        "access denied for {action} on {resource}; see `facectl provision --print-iam-policy`"
    )]
    AccessDenied { action: String, resource: String },
    /// No usable credentials or region.
    #[error("credentials or region: {0}")]
    Credentials(String),
    /// The service asked us to slow down (retryable).
    #[error("throttled: {0}")]
    Throttled(String),
    /// A write lost a race or would create a duplicate.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The collection was built with a different face model than the one loaded.
    #[error("collection was built with model {collection}, but the engine is {engine}; refusing to mix embeddings")]
    ModelMismatch { collection: String, engine: String },
    /// The backend is unreachable or failed (network, disk, database).
    #[error("backend unavailable: {0}")]
    Unavailable(String),
    /// Local I/O error with the path involved.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Anything else, with a message for people.
    #[error("{0}")]
    Other(String),
}

impl BackendError {
    /// True when trying the same call again later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            BackendError::Throttled(_) | BackendError::Unavailable(_)
        )
    }

    /// True when the problem is the input image rather than the backend.
    pub fn is_bad_image(&self) -> bool {
        matches!(self, BackendError::InvalidImage { .. })
    }
}

/// An error from a use case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The request itself is wrong (bad flag combination, unknown person, bad CSV...).
    #[error("{0}")]
    InvalidInput(String),
    /// A file given by the user could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A destructive action needs confirmation that was not given.
    #[error("{0}")]
    NotConfirmed(String),
}

impl ServiceError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ServiceError::Io {
            path: path.into(),
            source,
        }
    }
}
