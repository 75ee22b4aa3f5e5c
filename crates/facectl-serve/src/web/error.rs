//! REST errors: a status, a stable machine-readable code and a message naming the problem,
//! as `{"error": {"code": ..., "message": ...}}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use facectl_core::{BackendError, ServiceError};
use serde_json::json;

/// An error answer of the REST API and the console.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// A report to send along (e.g. what happened to each file of a failed registration).
    pub detail: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = Some(detail);
        self
    }

    /// The JSON body.
    pub fn body(&self) -> serde_json::Value {
        let mut v = json!({"error": {"code": self.code, "message": self.message}});
        if let Some(d) = &self.detail {
            v["detail"] = d.clone();
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = self.code, message = %self.message, "request failed");
        }
        (self.status, axum::Json(self.body())).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let message = e.to_string();
        let (status, code) = match &e {
            ServiceError::InvalidInput(m) if m.starts_with("no person") => {
                (StatusCode::NOT_FOUND, "person_not_found")
            }
            ServiceError::InvalidInput(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            ServiceError::NotConfirmed(_) => (StatusCode::CONFLICT, "not_confirmed"),
            ServiceError::Io { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "io_error"),
            ServiceError::Backend(b) => match b {
                BackendError::InvalidImage { .. } => {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid_image")
                }
                BackendError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
                BackendError::NotProvisioned { .. } => {
                    (StatusCode::SERVICE_UNAVAILABLE, "not_provisioned")
                }
                BackendError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "throttled"),
                BackendError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
                BackendError::ModelMismatch { .. } => (StatusCode::CONFLICT, "model_mismatch"),
                BackendError::AccessDenied { .. } | BackendError::Credentials(_) => {
                    (StatusCode::BAD_GATEWAY, "backend_access_denied")
                }
                BackendError::Unavailable(_) => {
                    (StatusCode::SERVICE_UNAVAILABLE, "backend_unavailable")
                }
                BackendError::Io { .. } | BackendError::Other(_) => {
                    (StatusCode::INTERNAL_SERVER_ERROR, "backend_error")
                }
            },
        };
        ApiError::new(status, code, message)
    }
}

impl From<BackendError> for ApiError {
    fn from(e: BackendError) -> Self {
        ApiError::from(ServiceError::from(e))
    }
}
