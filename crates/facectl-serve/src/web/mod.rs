//! The web side of `facectl serve`: the REST API (`/api/v1`), the tutorials' routes
//! (`/register`, `/verify`) and the embedded console (`/console/`), on an axum router behind
//! the transport in [`crate::http`], guarded by [`auth`].

mod api;
pub mod auth;
mod console;
mod error;
mod seeds;
mod upload;

use crate::http::{Request, Response};
use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use error::ApiError;
use facectl_core::Backend;
use std::sync::Arc;
use tokio::sync::{Semaphore, SemaphorePermit};
use tower::ServiceExt;

pub use auth::generate_token;

/// What the web side serves and how it is guarded.
#[derive(Clone)]
pub struct WebConfig {
    /// The backend the console and the REST API operate (through the service layer).
    pub backend: Backend,
    /// Access token for the console and the API; required when listening beyond loopback.
    pub token: Option<String>,
    /// Largest photo accepted per upload, bytes.
    pub max_photo_bytes: u64,
    /// Face-engine requests (search, register, thumbnails...) run at once; more wait.
    pub workers: usize,
}

/// Shared by every handler.
pub(crate) struct WebState {
    backend: Backend,
    access: auth::Access,
    max_photo_bytes: u64,
    cpu: Semaphore,
}

impl WebState {
    /// A turn at face-engine work.
    async fn work(&self) -> Result<SemaphorePermit<'_>, ApiError> {
        self.cpu.acquire().await.map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "the server is stopping",
            )
        })
    }
}

/// The web side, ready to answer.
pub(crate) struct Web {
    router: Router,
    state: Arc<WebState>,
}

/// Whether a path belongs to the web side (everything else is the Rekognition endpoint).
pub(crate) fn owns(method: &str, path: &str, accept: Option<&str>) -> bool {
    let p = auth::path_only(path);
    p.starts_with("/api/")
        || p == "/console"
        || p.starts_with("/console/")
        || p == "/register"
        || p == "/verify"
        || p == "/favicon.ico"
        // A browser opening the server's address gets the console.
        || (method == "GET" && p == "/" && accept.is_some_and(|a| a.contains("text/html")))
}

impl Web {
    pub(crate) fn new(cfg: WebConfig) -> Web {
        let state = Arc::new(WebState {
            backend: cfg.backend,
            access: auth::Access { token: cfg.token },
            max_photo_bytes: cfg.max_photo_bytes,
            cpu: Semaphore::new(cfg.workers.max(1)),
        });
        let router = Router::new()
            .route("/", get(console::to_console))
            .route("/console", get(console::to_console))
            .route("/console/", get(console::index))
            .route("/console/app.js", get(console::app_js))
            .route("/console/style.css", get(console::style))
            .route("/console/icon.svg", get(console::icon))
            .route("/favicon.ico", get(console::icon))
            .route("/api/v1/health", get(api::health))
            .route("/api/v1/openapi.json", get(api::openapi))
            .route("/api/v1/status", get(api::status))
            .route(
                "/api/v1/persons",
                get(api::list_persons).post(api::create_person),
            )
            .route(
                "/api/v1/persons/{id}",
                get(api::show_person).delete(api::delete_person),
            )
            .route("/api/v1/persons/{id}/photos", post(api::add_photos))
            .route("/api/v1/faces/{id}/thumbnail", get(api::thumbnail))
            .route("/api/v1/search", post(api::search))
            .route("/api/v1/verify", post(api::verify))
            .route("/api/v1/compare", post(api::compare))
            .route("/register", post(seeds::register))
            .route("/verify", post(seeds::verify))
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            // The transport has already bounded the body.
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(Arc::clone(&state));
        Web { router, state }
    }

    /// Answers one request: the guards first, then the route.
    pub(crate) async fn handle(&self, req: Request) -> Response {
        if let Err(e) = self.state.access.check(&req) {
            return plain(e.status.as_u16(), e.body(), e.status == 401);
        }
        let mut builder = axum::http::Request::builder()
            .method(req.method.as_str())
            .uri(req.path.as_str());
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let request = match builder.body(Body::from(req.body)) {
            Ok(r) => r,
            Err(e) => {
                let e = ApiError::bad_request("bad_request", format!("unreadable request: {e}"));
                return plain(400, e.body(), false);
            }
        };
        let mut request = request;
        request
            .extensions_mut()
            .insert(upload::PhotoLimit(self.state.max_photo_bytes));
        let resp = match self.router.clone().oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let (parts, body) = resp.into_parts();
        let body = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(b) => b.to_vec(),
            Err(e) => {
                let e = ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!("the response could not be produced: {e}"),
                );
                return plain(500, e.body(), false);
            }
        };
        Response {
            status: parts.status.as_u16(),
            headers: parts
                .headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body,
        }
    }
}

/// A JSON error the transport writes (before routing).
fn plain(status: u16, body: serde_json::Value, challenge: bool) -> Response {
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    if challenge {
        headers.push(("WWW-Authenticate".into(), "Bearer realm=\"facectl\"".into()));
    }
    Response {
        status,
        headers,
        body: body.to_string().into_bytes(),
    }
}

/// The transport's own refusals (too large, too slow) on web paths, in the REST error shape.
pub(crate) fn refusal(status: u16, message: &str) -> Response {
    let code = match status {
        413 => "request_too_large",
        408 => "request_timeout",
        _ => "bad_request",
    };
    let e = ApiError::new(
        axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::BAD_REQUEST),
        code,
        message,
    );
    plain(status, e.body(), false)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route `{}`; the API is described at /api/v1/openapi.json",
        uri.path()
    ))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on `{}`", uri.path()),
    )
}
