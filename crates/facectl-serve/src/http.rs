//! A small HTTP/1.1 server loop for the AWS JSON protocol: keep-alive, `Content-Length` and
//! chunked request bodies, `Expect: 100-continue`, bounded header and body sizes.
//!
//! Built on `httparse` (already in the dependency graph) instead of a server framework, so the
//! endpoint adds no heavy dependencies; it only has to speak to AWS SDKs and boto3.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Longest request head (request line + headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Idle time after which a keep-alive connection is closed.
const IDLE: Duration = Duration::from_secs(60);

/// A parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
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

/// Why a connection could not yield a request.
#[derive(Debug)]
enum ReadError {
    /// The peer closed the connection (cleanly, between requests).
    Closed,
    /// An I/O error or timeout: drop the connection.
    Io,
    /// A malformed or oversized request: answer with this status and message, then close.
    Bad(u16, String),
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        _ => "Unknown",
    }
}

/// Serves one connection until it closes, calling `handle` for each request.
pub async fn serve_connection<H, F>(stream: TcpStream, peer: SocketAddr, max_body: usize, handle: H)
where
    H: Fn(Request) -> F,
    F: Future<Output = Response>,
{
    let _ = stream.set_nodelay(true);
    let (read_half, mut write_half) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    loop {
        let req = match tokio::time::timeout(
            IDLE,
            read_request(&mut reader, &mut write_half, &mut buf, peer, max_body),
        )
        .await
        {
            Err(_) | Ok(Err(ReadError::Closed)) | Ok(Err(ReadError::Io)) => return,
            Ok(Err(ReadError::Bad(status, message))) => {
                let body = serde_json::json!({"__type": if status == 413 {"ImageTooLargeException"} else {"SerializationException"}, "Message": message});
                let resp = Response {
                    status,
                    headers: vec![
                        ("Content-Type".into(), "application/x-amz-json-1.1".into()),
                        ("x-amzn-RequestId".into(), uuid::Uuid::new_v4().to_string()),
                    ],
                    body: body.to_string().into_bytes(),
                };
                let _ = write_response(&mut write_half, &resp, false).await;
                return;
            }
            Ok(Ok(req)) => req,
        };
        let keep_alive = !req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let resp = handle(req).await;
        if write_response(&mut write_half, &resp, keep_alive)
            .await
            .is_err()
            || !keep_alive
        {
            return;
        }
    }
}

async fn write_response<W: AsyncWriteExt + Unpin>(
    w: &mut W,
    resp: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut out = head.into_bytes();
    out.extend_from_slice(&resp.body);
    w.write_all(&out).await?;
    w.flush().await
}

/// Reads more bytes into `buf`; `Closed` at EOF with nothing buffered.
async fn fill<R: AsyncReadExt + Unpin>(r: &mut R, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let mut chunk = [0u8; 16 * 1024];
    match r.read(&mut chunk).await {
        Ok(0) if buf.is_empty() => Err(ReadError::Closed),
        Ok(0) => Err(ReadError::Io),
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
        Err(_) => Err(ReadError::Io),
    }
}

async fn read_request<R, W>(
    r: &mut R,
    w: &mut W,
    buf: &mut Vec<u8>,
    peer: SocketAddr,
    max_body: usize,
) -> Result<Request, ReadError>
where
    R: AsyncReadExt + Unpin,
    W: AsyncWriteExt + Unpin,
{
    // Head.
    let (head_len, method, path, headers) = loop {
        if !buf.is_empty() {
            let mut hs = [httparse::EMPTY_HEADER; 64];
            let mut req = httparse::Request::new(&mut hs);
            match req.parse(buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let headers: Vec<(String, String)> = req
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_ascii_lowercase(),
                                String::from_utf8_lossy(h.value).trim().to_string(),
                            )
                        })
                        .collect();
                    break (
                        n,
                        req.method.unwrap_or("").to_string(),
                        req.path.unwrap_or("/").to_string(),
                        headers,
                    );
                }
                Ok(httparse::Status::Partial) => {}
                Err(e) => return Err(ReadError::Bad(400, format!("malformed HTTP request: {e}"))),
            }
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large".into()));
        }
        fill(r, buf).await?;
    };
    buf.drain(..head_len);
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let chunked =
        get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = match get("content-length") {
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| ReadError::Bad(400, format!("bad Content-Length `{v}`")))?,
        ),
        None => None,
    };
    if length.is_some_and(|n| n > max_body) {
        return Err(ReadError::Bad(
            413,
            format!(
                "request body of {} bytes exceeds the {max_body}-byte limit",
                length.unwrap_or(0)
            ),
        ));
    }
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .map_err(|_| ReadError::Io)?;
    }
    let body = if chunked {
        read_chunked(r, buf, max_body).await?
    } else {
        let n = length.unwrap_or(0);
        while buf.len() < n {
            fill(r, buf).await.map_err(|_| ReadError::Io)?;
        }
        buf.drain(..n).collect()
    };
    Ok(Request {
        method,
        path,
        headers,
        body,
        peer,
    })
}

async fn read_chunked<R: AsyncReadExt + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max_body: usize,
) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(p) = buf.windows(2).position(|w| w == b"\r\n") {
                break p;
            }
            if buf.len() > 1024 {
                return Err(ReadError::Bad(400, "malformed chunk size line".into()));
            }
            fill(r, buf).await.map_err(|_| ReadError::Io)?;
        };
        let line = String::from_utf8_lossy(&buf[..line_end]).to_string();
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| ReadError::Bad(400, format!("bad chunk size `{size_hex}`")))?;
        buf.drain(..line_end + 2);
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                if let Some(p) = buf.windows(2).position(|w| w == b"\r\n") {
                    let empty = p == 0;
                    buf.drain(..p + 2);
                    if empty {
                        return Ok(body);
                    }
                } else {
                    fill(r, buf).await.map_err(|_| ReadError::Io)?;
                }
            }
        }
        if body.len() + size > max_body {
            return Err(ReadError::Bad(
                413,
                format!("request body exceeds the {max_body}-byte limit"),
            ));
        }
        while buf.len() < size + 2 {
            fill(r, buf).await.map_err(|_| ReadError::Io)?;
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}
