//! Rekognition's error vocabulary: the `__type` names, their HTTP statuses and messages.

use facectl_collection::CollectionError;
use std::fmt;

/// An error as the endpoint returns it: `{"__type": kind, "Message": message}` with `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RekError {
    pub kind: &'static str,
    pub message: String,
    pub status: u16,
}

impl RekError {
    fn new(kind: &'static str, status: u16, message: impl Into<String>) -> Self {
        RekError {
            kind,
            message: message.into(),
            status,
        }
    }
    pub fn invalid_parameter(m: impl Into<String>) -> Self {
        Self::new("InvalidParameterException", 400, m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new("ResourceNotFoundException", 400, m)
    }
    pub fn already_exists(m: impl Into<String>) -> Self {
        Self::new("ResourceAlreadyExistsException", 400, m)
    }
    pub fn image_too_large(m: impl Into<String>) -> Self {
        Self::new("ImageTooLargeException", 400, m)
    }
    pub fn invalid_image_format(m: impl Into<String>) -> Self {
        Self::new("InvalidImageFormatException", 400, m)
    }
    pub fn invalid_s3_object(m: impl Into<String>) -> Self {
        Self::new("InvalidS3ObjectException", 400, m)
    }
    pub fn throughput_exceeded(m: impl Into<String>) -> Self {
        Self::new("ProvisionedThroughputExceededException", 400, m)
    }
    pub fn invalid_token(m: impl Into<String>) -> Self {
        Self::new("InvalidPaginationTokenException", 400, m)
    }
    /// Malformed JSON or a member of the wrong JSON type.
    pub fn serialization(m: impl Into<String>) -> Self {
        Self::new("SerializationException", 400, m)
    }
    pub fn unknown_operation(m: impl Into<String>) -> Self {
        Self::new("UnknownOperationException", 400, m)
    }
    pub fn conflict(m: impl Into<String>) -> Self {
        Self::new("ConflictException", 400, m)
    }
    pub fn access_denied(m: impl Into<String>) -> Self {
        Self::new("AccessDeniedException", 400, m)
    }
    /// Signature problems (`--require-signature`).
    pub fn invalid_signature(m: impl Into<String>) -> Self {
        Self::new("InvalidSignatureException", 400, m)
    }
    pub fn missing_authentication(m: impl Into<String>) -> Self {
        Self::new("MissingAuthenticationTokenException", 400, m)
    }
    pub fn request_too_large(m: impl Into<String>) -> Self {
        Self::new("ImageTooLargeException", 413, m)
    }
    pub fn internal(m: impl Into<String>) -> Self {
        Self::new("InternalServerError", 500, m)
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "__type": self.kind, "Message": self.message })
    }
}

/// The wire error of a collection error, in Rekognition's words where it has them.
impl From<CollectionError> for RekError {
    fn from(e: CollectionError) -> Self {
        match e {
            CollectionError::NotFound(id) => {
                RekError::not_found(format!("The collection id: {id} does not exist"))
            }
            CollectionError::AlreadyExists(id) => {
                RekError::already_exists(format!("The collection id: {id} already exists"))
            }
            CollectionError::ModelMismatch { collection, engine } => {
                RekError::invalid_parameter(format!(
                    "the collection holds faces of model {collection}, but this endpoint runs {engine}; use another collection"
                ))
            }
            CollectionError::UserExists(user) => RekError::conflict(format!(
                "A User with the same Id already exists within the collection: {user}"
            )),
            CollectionError::UserNotFound { collection, user } => RekError::not_found(format!(
                "The user id: {user} does not exist in collection {collection}"
            )),
            e => RekError::internal(format!("store: {e}")),
        }
    }
}

impl fmt::Display for RekError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for RekError {}

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("face engine: {0}")]
    Engine(String),
    #[error("store {path}: {reason}")]
    Store { path: String, reason: String },
    #[error("{0}")]
    Config(String),
}
