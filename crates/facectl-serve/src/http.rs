//! The HTTP/1.1 transport, on hyper: request framing (Content-Length / chunked, refusing
//! ambiguous framing as hyper does), header and body read timeouts, body and header size
//! limits, a connection cap, and graceful shutdown that lets requests in flight finish.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_LENGTH};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A request as the endpoint sees it: whole body read, header names lower-cased.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub peer: SocketAddr,
}

impl Request {
    /// First header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to write.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Transport limits.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest request body, bytes (413 above it).
    pub max_body: usize,
    /// Largest body on paths the [`Policy`] marks as uploads (photo forms), bytes.
    pub max_upload_body: usize,
    /// Largest request head (request line and headers), bytes.
    pub max_head: usize,
    /// Time a client has to send a request head, from connecting or from the last response
    /// (also how long an idle keep-alive connection is kept).
    pub header_timeout: Duration,
    /// Time a client has to send the body once its head has arrived (408 after it).
    pub body_timeout: Duration,
    /// Time a response may take to be written out before the connection is dropped.
    pub write_timeout: Duration,
    /// Connections served at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight before dropping them.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 16 * 1024 * 1024,
            max_upload_body: 64 * 1024 * 1024,
            max_head: 64 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(60),
            max_connections: 4096,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What the transport needs to know of the paths it serves.
#[derive(Clone, Copy)]
pub struct Policy {
    /// Shapes an error the transport answers itself (body too large, too slow) for the path.
    pub refuse: fn(status: u16, message: &str, path: &str) -> Response,
    /// Paths whose bodies may be up to [`Limits::max_upload_body`].
    pub is_upload: fn(path: &str) -> bool,
}

/// Serves `listener` until `shutdown` completes, then lets requests in flight finish (up to
/// `limits.shutdown_grace`). `handle` answers every request; `policy` shapes the transport's
/// own error responses and picks each path's body limit.
pub async fn serve<H, F>(
    listener: TcpListener,
    limits: Limits,
    handle: H,
    policy: Policy,
    shutdown: impl Future<Output = ()>,
) where
    H: Fn(Request) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_head.max(8192))
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        // Wait for a free slot before accepting, so a flood of connections queues in the
        // kernel instead of costing a task each.
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            p = Arc::clone(&slots).acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        // A client that stops reading its response cannot hold the connection forever.
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(limits.write_timeout));
        let handle = handle.clone();
        let service = service_fn(move |req: hyper::Request<Incoming>| {
            let handle = handle.clone();
            async move { Ok::<_, Infallible>(answer(req, peer, limits, handle, policy).await) }
        });
        let conn = builder.serve_connection(TokioIo::new(Box::pin(stream)), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running after the shutdown grace period were dropped");
    }
}

/// Reads the body (within the size and time limits), calls `handle`, and turns its answer
/// into a hyper response.
async fn answer<H, F>(
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    limits: Limits,
    handle: H,
    policy: Policy,
) -> hyper::Response<Full<Bytes>>
where
    H: Fn(Request) -> F,
    F: Future<Output = Response>,
{
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let refuse = |status: u16, message: &str| (policy.refuse)(status, message, &path);
    let max_body = if (policy.is_upload)(&path) {
        limits.max_upload_body
    } else {
        limits.max_body
    };
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        let msg = format!(
            "request body of {} bytes exceeds the {max_body}-byte limit",
            declared.unwrap_or(0),
        );
        return closing(to_hyper(refuse(413, &msg)));
    }
    let body =
        match tokio::time::timeout(limits.body_timeout, Limited::new(body, max_body).collect())
            .await
        {
            Err(_) => {
                let msg = format!(
                    "the request body did not arrive within {} s",
                    limits.body_timeout.as_secs()
                );
                return closing(to_hyper(refuse(408, &msg)));
            }
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
                let msg = format!("request body exceeds the {max_body}-byte limit");
                return closing(to_hyper(refuse(413, &msg)));
            }
            Ok(Err(e)) => {
                let msg = format!("unreadable request body: {e}");
                return closing(to_hyper(refuse(400, &msg)));
            }
            Ok(Ok(collected)) => collected.to_bytes().to_vec(),
        };
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).trim().to_string(),
            )
        })
        .collect();
    let request = Request {
        method: parts.method.as_str().to_string(),
        path: parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        headers,
        body,
        peer,
    };
    to_hyper(handle(request).await)
}

fn to_hyper(resp: Response) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(resp.body)));
    *out.status_mut() = hyper::StatusCode::from_u16(resp.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in resp.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            out.headers_mut().append(name, value);
        }
    }
    out
}

/// The response, with the connection closed after it (the rest of the request may still be
/// on the wire).
fn closing(mut resp: hyper::Response<Full<Bytes>>) -> hyper::Response<Full<Bytes>> {
    resp.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    resp
}
