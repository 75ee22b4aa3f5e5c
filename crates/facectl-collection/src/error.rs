//! Errors of the face collections, their own (callers map them to port or wire errors).

/// What went wrong in a collection operation.
#[derive(Debug, thiserror::Error)]
pub enum CollectionError {
    /// No collection with this id.
    #[error("collection {0} does not exist")]
    NotFound(String),
    /// A collection with this id exists already.
    #[error("collection {0} already exists")]
    AlreadyExists(String),
    /// The collection's face prints were made by another model than the engine's.
    #[error("collection was built with model {collection}, but the engine is {engine}; refusing to mix embeddings")]
    ModelMismatch { collection: String, engine: String },
    /// A user with this id exists already (created by another request).
    #[error("user {0} already exists")]
    UserExists(String),
    /// No user with this id in the collection.
    #[error("user {user} does not exist in collection {collection}")]
    UserNotFound { collection: String, user: String },
    /// The database file could not be opened or is of a layout this build does not know.
    #[error("{path}: {reason}")]
    Open { path: String, reason: String },
    /// SQLite said no.
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A stored value could not be read back.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The search index files could not be written or read.
    #[error("search index {path}: {reason}")]
    Index { path: String, reason: String },
}

impl CollectionError {
    /// True when the database was locked by another writer for longer than the busy timeout.
    pub fn is_busy(&self) -> bool {
        match self {
            CollectionError::Sql(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ),
            _ => false,
        }
    }
}

/// Result of a collection operation.
pub type CollectionResult<T> = Result<T, CollectionError>;
