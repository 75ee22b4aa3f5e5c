//! Errors raised inside the local backend and their mapping onto the ports' [`BackendError`].

use facectl_core::BackendError;
use std::path::Path;

/// An error from work done against the SQLite database (inside [`crate::db::Db::call`]).
#[derive(Debug, thiserror::Error)]
pub(crate) enum LocalError {
    /// SQLite said no.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A stored value could not be read back (bad JSON, wrong blob size, unknown status).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database was written by a newer facectl.
    #[error("schema version {found} is newer than this facectl understands (up to {supported}); upgrade facectl")]
    SchemaTooNew { found: i64, supported: i64 },
    /// From the face collection's storage or search index.
    #[error(transparent)]
    Collection(#[from] facectl_collection::CollectionError),
    /// An error already expressed in port terms (conflict, model mismatch...).
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl LocalError {
    /// Maps the error onto the port error, naming the database file.
    pub(crate) fn into_backend(self, db: &Path) -> BackendError {
        match self {
            LocalError::Backend(e) => e,
            LocalError::Collection(e) => collection_error(e, db),
            LocalError::Sql(e) => {
                let busy = matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                );
                if busy {
                    BackendError::Unavailable(format!("{}: database is busy: {e}", db.display()))
                } else {
                    BackendError::Unavailable(format!("{}: {e}", db.display()))
                }
            }
            other @ (LocalError::Corrupt(_) | LocalError::SchemaTooNew { .. }) => {
                BackendError::Other(format!("{}: {other}", db.display()))
            }
        }
    }
}

/// A face collection error in port terms.
fn collection_error(e: facectl_collection::CollectionError, db: &Path) -> BackendError {
    use facectl_collection::CollectionError as C;
    match e {
        C::Sql(e) => LocalError::Sql(e).into_backend(db),
        C::ModelMismatch { collection, engine } => {
            BackendError::ModelMismatch { collection, engine }
        }
        C::Index { path, reason } => BackendError::Other(format!("search index {path}: {reason}")),
        // The local collection always exists once the database is provisioned; the local
        // backend has no users and opens its own database.
        other @ (C::NotFound(_)
        | C::AlreadyExists(_)
        | C::Corrupt(_)
        | C::UserExists(_)
        | C::UserNotFound { .. }
        | C::Open { .. }) => BackendError::Other(format!("{}: {other}", db.display())),
    }
}

/// Result of work against the database, before it is mapped onto port errors.
pub(crate) type LocalResult<T> = Result<T, LocalError>;

/// The error for a blocking task that panicked or was cancelled.
pub(crate) fn join_error(e: tokio::task::JoinError) -> BackendError {
    BackendError::Other(format!("local backend worker failed: {e}"))
}

/// Runs CPU- or disk-bound work off the async runtime.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, BackendError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, BackendError> + Send + 'static,
{
    tokio::task::spawn_blocking(f).await.map_err(join_error)?
}

/// An I/O error with its path, in port terms.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> BackendError {
    BackendError::Io {
        path: path.to_path_buf(),
        source,
    }
}
