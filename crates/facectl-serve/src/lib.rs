//! facectl-serve: one HTTP server with three faces: an endpoint that speaks Rekognition's AWS
//! JSON 1.1 protocol for the face and user operations (backed by facectl's on-device engine and a
//! SQLite store, so boto3 and AWS SDK code, and facectl's own aws backend, run offline); and, when
//! given a backend ([`Server::with_web`]), a REST API and a web console over the service layer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use facectl_serve::{ServeConfig, Server};
//! let server = Server::bind(ServeConfig::default(), None).await?;
//! println!("listening on {}", server.local_addr());
//! server.run(std::future::pending::<()>()).await;
//! # Ok(()) }
//! ```

mod error;
mod http;
pub mod images;
mod ops;
pub mod params;
mod shapes;
pub mod sigv4;
pub mod web;

pub use error::{RekError, ServeError};

use facectl_collection::store::CollectionRow;
use facectl_collection::{CollectionDb, IndexConfig};
use facectl_engine::{Engine, EngineConfig, ModelPaths};
use http::{Request, Response};
use params::Params;
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Every operation the endpoint implements (`X-Amz-Target: RekognitionService.<name>`).
pub const OPERATIONS: &[&str] = &[
    "CreateCollection",
    "DescribeCollection",
    "ListCollections",
    "DeleteCollection",
    "IndexFaces",
    "ListFaces",
    "DeleteFaces",
    "SearchFaces",
    "SearchFacesByImage",
    "DetectFaces",
    "CompareFaces",
    "CreateUser",
    "DeleteUser",
    "ListUsers",
    "AssociateFaces",
    "DisassociateFaces",
    "SearchUsers",
    "SearchUsersByImage",
];

/// How the endpoint runs.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to listen on (loopback by default; port 0 picks a free port).
    pub addr: SocketAddr,
    /// SQLite file for collections and faces; `None` keeps them in memory.
    pub store_path: Option<PathBuf>,
    /// Folder with the YuNet and SFace models.
    pub model_dir: PathBuf,
    /// Engine settings (runtime choice); the model files come from `model_dir`.
    pub engine: EngineConfig,
    /// Region and account in collection ARNs.
    pub region: String,
    pub account: String,
    /// S3-compatible endpoint for `Image.S3Object` (else the AWS configuration chain's).
    pub s3_endpoint: Option<String>,
    /// Whether `Image.S3Object` is served at all.
    pub s3_enabled: bool,
    /// Static credentials for the S3 source (else the AWS configuration chain's).
    pub s3_credentials: Option<(String, String)>,
    /// Delay added to every request (test helper).
    pub latency: Duration,
    /// Requests per second allowed per operation before ProvisionedThroughputExceededException.
    pub tps: Option<f64>,
    /// Access key and secret that requests must be signed with (`--require-signature`).
    pub require_signature: Option<(String, String)>,
    /// With `require_signature`: accept `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (a body the
    /// signature does not cover). Off by default.
    pub allow_unsigned_payload: bool,
    /// Concurrent engine computations (default: the number of CPUs).
    pub workers: usize,
    /// Largest request body, bytes.
    pub max_body: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8095)),
            store_path: None,
            model_dir: PathBuf::from("."),
            engine: EngineConfig::default(),
            region: "us-east-1".into(),
            account: "000000000000".into(),
            s3_endpoint: None,
            s3_enabled: true,
            s3_credentials: None,
            latency: Duration::ZERO,
            tps: None,
            require_signature: None,
            allow_unsigned_payload: false,
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            // Two 5 MB images in base64 (CompareFaces) plus JSON.
            max_body: 16 * 1024 * 1024,
        }
    }
}

/// Per-operation token buckets.
struct Quota {
    tps: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Quota {
    fn try_take(&self, op: &str) -> bool {
        let cap = self.tps.max(1.0);
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let (tokens, last) = b.entry(op.to_string()).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.tps).min(cap);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// What every operation shares.
pub(crate) struct State {
    engine: Arc<Engine>,
    store: Mutex<CollectionDb>,
    s3: Option<images::S3Source>,
    cfg: ServeConfig,
    quota: Option<Quota>,
    verifier: Option<sigv4::Verifier>,
    cpu: Semaphore,
}

impl State {
    pub(crate) fn model(&self) -> &str {
        self.engine.model_fingerprint()
    }

    pub(crate) fn s3(&self) -> Option<&images::S3Source> {
        self.s3.as_ref()
    }

    pub(crate) fn collection_arn(&self, id: &str) -> String {
        format!(
            "aws:rekognition:{}:{}:collection/{id}",
            self.cfg.region, self.cfg.account
        )
    }

    /// Refuses to mix embeddings of different models in one collection.
    pub(crate) fn check_model(&self, row: &CollectionRow) -> Result<(), RekError> {
        Ok(facectl_collection::store::check_model(
            row.model.as_deref(),
            self.model(),
        )?)
    }

    /// Runs `f` on the collections database (one request at a time).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut CollectionDb) -> Result<T, RekError>,
    ) -> Result<T, RekError> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// [`State::with_store`] on a blocking thread, for work that grows with the collection
    /// (searches, big inserts and deletes): the server's async threads never wait on it.
    pub(crate) async fn with_store_blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut CollectionDb) -> Result<T, RekError> + Send + 'static,
    ) -> Result<T, RekError> {
        let st = Arc::clone(self);
        tokio::task::spawn_blocking(move || st.with_store(f))
            .await
            .map_err(|e| RekError::internal(format!("store task failed: {e}")))?
    }

    /// Runs engine work on a blocking thread, at most `workers` at once.
    pub(crate) async fn compute<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T, RekError> + Send + 'static,
    ) -> Result<T, RekError> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|_| RekError::internal("shutting down"))?;
        let engine = Arc::clone(&self.engine);
        tokio::task::spawn_blocking(move || f(&engine))
            .await
            .map_err(|e| RekError::internal(format!("face engine task failed: {e}")))?
    }
}

/// A bound, ready endpoint.
pub struct Server {
    listener: TcpListener,
    state: Arc<State>,
    web: Option<Arc<web::Web>>,
}

impl Server {
    /// Loads the engine (unless given one) and the store, and binds the address.
    pub async fn bind(cfg: ServeConfig, engine: Option<Arc<Engine>>) -> Result<Server, ServeError> {
        let engine = match engine {
            Some(e) => e,
            None => {
                let dir = cfg.model_dir.clone();
                let engine = cfg.engine.clone();
                tokio::task::spawn_blocking(move || {
                    Engine::load(&ModelPaths::find_in_dir(&dir), engine)
                })
                .await
                .map_err(|e| ServeError::Engine(e.to_string()))?
                .map(Arc::new)
                .map_err(|e| ServeError::Engine(e.to_string()))?
            }
        };
        let path = cfg.store_path.clone();
        let store = tokio::task::spawn_blocking(move || {
            CollectionDb::open(path.as_deref(), IndexConfig::default())
        })
        .await
        .map_err(|e| ServeError::Engine(e.to_string()))?
        .map_err(|e| ServeError::Store {
            path: cfg
                .store_path
                .as_ref()
                .map_or("(memory)".into(), |p| p.display().to_string()),
            reason: e.to_string(),
        })?;
        let s3 = if cfg.s3_enabled {
            Some(
                images::S3Source::new(
                    cfg.s3_endpoint.as_deref(),
                    Some(&cfg.region),
                    cfg.s3_credentials.clone(),
                )
                .await,
            )
        } else {
            None
        };
        if let Some(t) = cfg.tps {
            if !(t.is_finite() && t > 0.0) {
                return Err(ServeError::Config(format!(
                    "--tps must be positive, got {t}"
                )));
            }
        }
        let listener = TcpListener::bind(cfg.addr)
            .await
            .map_err(|source| ServeError::Bind {
                addr: cfg.addr.to_string(),
                source,
            })?;
        let state = State {
            engine,
            store: Mutex::new(store),
            s3,
            quota: cfg.tps.map(|tps| Quota {
                tps,
                buckets: Mutex::new(HashMap::new()),
            }),
            cpu: Semaphore::new(cfg.workers.max(1)),
            verifier: cfg
                .require_signature
                .clone()
                .map(|(access_key, secret)| sigv4::Verifier {
                    access_key,
                    secret,
                    region: cfg.region.clone(),
                    allow_unsigned_payload: cfg.allow_unsigned_payload,
                }),
            cfg,
        };
        Ok(Server {
            listener,
            state: Arc::new(state),
            web: None,
        })
    }

    /// Serves the REST API and the web console too, over `cfg.backend`.
    pub fn with_web(mut self, cfg: web::WebConfig) -> Server {
        self.web = Some(Arc::new(web::Web::new(cfg)));
        self
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.state.cfg.addr)
    }

    /// The engine fingerprint (reported as FaceModelVersion `1.<n>`, see [`Server::face_model_version`]).
    pub fn model(&self) -> String {
        self.state.model().to_string()
    }

    /// The FaceModelVersion this endpoint reports.
    pub fn face_model_version(&self) -> String {
        shapes::face_model_version(self.state.model())
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let limits = http::Limits {
            max_body: self.state.cfg.max_body,
            ..http::Limits::default()
        };
        let state = Arc::clone(&self.state);
        let web = self.web.clone();
        let handler = move |req: Request| {
            let state = Arc::clone(&state);
            let web = web.clone();
            async move {
                match web {
                    Some(web) if web::owns(&req.method, &req.path, req.header("accept")) => {
                        let t0 = Instant::now();
                        let (method, path, peer) = (req.method.clone(), req.path.clone(), req.peer);
                        let resp = web.handle(req).await;
                        tracing::info!(
                            method,
                            path = web::auth::path_only(&path),
                            status = resp.status,
                            ms = t0.elapsed().as_millis() as u64,
                            %peer,
                            "request"
                        );
                        resp
                    }
                    _ => handle(state, req).await,
                }
            }
        };
        let policy = if self.web.is_some() {
            http::Policy {
                refuse: web_or_rekognition_refusal,
                is_upload: is_web_path,
            }
        } else {
            http::Policy {
                refuse: |status, message, _| transport_refusal(status, message),
                is_upload: |_| false,
            }
        };
        http::serve(self.listener, limits, handler, policy, shutdown).await;
    }
}

/// Web paths (REST API, seeds' routes, console) that take photo uploads.
fn is_web_path(path: &str) -> bool {
    web::owns("POST", path, None)
}

fn web_or_rekognition_refusal(status: u16, message: &str, path: &str) -> Response {
    if is_web_path(path) {
        web::refusal(status, message)
    } else {
        transport_refusal(status, message)
    }
}

/// The transport's own refusals (body too large or too slow, unreadable) in the AWS JSON
/// error shape.
fn transport_refusal(status: u16, message: &str) -> Response {
    let kind = match status {
        413 => "ImageTooLargeException",
        408 => "RequestTimeoutException",
        _ => "SerializationException",
    };
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("x-amzn-RequestId".into(), uuid::Uuid::new_v4().to_string()),
            ("x-amzn-ErrorType".into(), kind.into()),
        ],
        body: serde_json::json!({"__type": kind, "Message": message})
            .to_string()
            .into_bytes(),
    }
}

fn httpdate_now() -> String {
    // RFC 7231 date without extra crates.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days.rem_euclid(7)) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo - 1) as usize];
    format!("{wd}, {d:02} {mon} {y} {h:02}:{m:02}:{s:02} GMT")
}

async fn handle(state: Arc<State>, req: Request) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let t0 = Instant::now();
    let op = req
        .header("x-amz-target")
        .and_then(|t| t.strip_prefix("RekognitionService."))
        .unwrap_or("")
        .to_string();
    let result = route(&state, &req, &op).await;
    let (status, body) = match result {
        Ok(v) => (200, v),
        Err(e) => {
            if e.status >= 500 {
                tracing::error!(op, error = %e, "request failed");
            } else {
                tracing::debug!(op, error = %e, "request refused");
            }
            (e.status, e.body())
        }
    };
    tracing::info!(
        op,
        status,
        ms = t0.elapsed().as_millis() as u64,
        peer = %req.peer,
        "request"
    );
    Response {
        status,
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
            ("x-amzn-RequestId".into(), request_id),
            ("Date".into(), httpdate_now()),
        ],
        body: body.to_string().into_bytes(),
    }
}

async fn route(st: &Arc<State>, req: &Request, op: &str) -> Result<Value, RekError> {
    if req.method == "GET" && req.path == "/" {
        return Ok(serde_json::json!({
            "Service": "facectl serve (Rekognition-compatible)",
            "FaceModelVersion": shapes::face_model_version(st.model()),
            "EngineFingerprint": st.model(),
            "Operations": OPERATIONS,
        }));
    }
    if req.method != "POST" {
        return Err(RekError::unknown_operation(format!(
            "{} {}: only POST / with an X-Amz-Target header is served",
            req.method, req.path
        )));
    }
    let target = req.header("x-amz-target").unwrap_or("");
    if !target.starts_with("RekognitionService.") || !OPERATIONS.contains(&op) {
        return Err(RekError::unknown_operation(format!(
            "unknown or unsupported operation `{target}` (supported: {})",
            OPERATIONS.join(", ")
        )));
    }
    if let Some(verifier) = &st.verifier {
        verifier.verify(req)?;
    }
    if !st.cfg.latency.is_zero() {
        tokio::time::sleep(st.cfg.latency).await;
    }
    if let Some(q) = &st.quota {
        if !q.try_take(op) {
            return Err(RekError::throughput_exceeded(format!(
                "Provisioned rate exceeded: {op} is limited to {} requests per second on this endpoint",
                q.tps
            )));
        }
    }
    let body = params::parse_body(&req.body)?;
    let p = Params(&body);
    match op {
        "CreateCollection" => ops::collections::create(st, p).await,
        "DescribeCollection" => ops::collections::describe(st, p).await,
        "ListCollections" => ops::collections::list(st, p).await,
        "DeleteCollection" => ops::collections::delete(st, p).await,
        "IndexFaces" => ops::faces::index(st, p).await,
        "ListFaces" => ops::faces::list(st, p).await,
        "DeleteFaces" => ops::faces::delete(st, p).await,
        "SearchFaces" => ops::search::by_face(st, p).await,
        "SearchFacesByImage" => ops::search::by_image(st, p).await,
        "DetectFaces" => ops::detect::detect(st, p).await,
        "CompareFaces" => ops::detect::compare(st, p).await,
        "CreateUser" => ops::users::create(st, p).await,
        "DeleteUser" => ops::users::delete(st, p).await,
        "ListUsers" => ops::users::list(st, p).await,
        "AssociateFaces" => ops::users::associate(st, p).await,
        "DisassociateFaces" => ops::users::disassociate(st, p).await,
        "SearchUsers" => ops::users::search(st, p).await,
        "SearchUsersByImage" => ops::users::search_by_image(st, p).await,
        _ => Err(RekError::unknown_operation(format!(
            "unknown operation `{op}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates_are_rfc7231() {
        let d = super::httpdate_now();
        assert!(d.ends_with(" GMT") && d.len() == 29, "{d}");
    }
}
