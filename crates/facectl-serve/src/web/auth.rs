//! Who may use the console and the REST API: the access token (required when the server
//! listens beyond loopback), and the browser-side guards that hold even without one (a page on
//! another site cannot drive the API through the user's browser, by DNS rebinding or by a
//! cross-site form post).

use super::error::ApiError;
use crate::http::Request;
use axum::http::StatusCode;
use subtle::ConstantTimeEq;

/// The cookie the console keeps the token in.
pub const COOKIE: &str = "facectl_token";

/// How requests are let in.
#[derive(Clone, Debug)]
pub struct Access {
    /// Token every console and API request must carry (`Authorization: Bearer`, or the
    /// cookie). Without one, only loopback names are served.
    pub token: Option<String>,
}

/// Paths anyone may fetch: the health check, the API description and the console's own files
/// (the page asks for the token when the API refuses it).
fn is_public(path: &str) -> bool {
    path == "/api/v1/health"
        || path == "/api/v1/openapi.json"
        || path == "/console"
        || path.starts_with("/console/")
}

impl Access {
    /// `Ok` lets the request through; an error is the refusal to send.
    pub fn check(&self, req: &Request) -> Result<(), ApiError> {
        let host = req.header("host").unwrap_or("");
        if self.token.is_none() && !is_loopback_host(host) {
            // Without a token only this machine may call, under a loopback name: a web page
            // whose domain was re-pointed at 127.0.0.1 sends its own name as Host.
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "host_not_allowed",
                format!("Host `{host}` is not a loopback name; without --token only localhost, 127.0.0.1 and [::1] are served"),
            ));
        }
        if !matches!(req.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
            if let Some(origin) = req.header("origin") {
                let authority = origin
                    .strip_prefix("http://")
                    .or_else(|| origin.strip_prefix("https://"))
                    .unwrap_or("");
                if !authority.eq_ignore_ascii_case(host) {
                    return Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "cross_origin",
                        format!("requests from `{origin}` are refused: only pages this server serves may call it"),
                    ));
                }
            }
        }
        let Some(token) = &self.token else {
            return Ok(());
        };
        if is_public(path_only(&req.path)) {
            return Ok(());
        }
        match presented_token(req) {
            Some(t) if equal(t, token) => Ok(()),
            Some(_) => Err(unauthorized("the access token is wrong")),
            None => Err(unauthorized(
                "an access token is required: send `Authorization: Bearer <token>` (printed by `facectl serve` at start)",
            )),
        }
    }

    /// Whether `candidate` is the token (constant time).
    pub fn accepts(&self, candidate: &str) -> bool {
        self.token.as_deref().is_some_and(|t| equal(candidate, t))
    }
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
}

fn equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The path without its query.
pub fn path_only(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

/// The token from `Authorization: Bearer` or the console's cookie.
fn presented_token(req: &Request) -> Option<&str> {
    if let Some(auth) = req.header("authorization") {
        if let Some(t) = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
        {
            return Some(t.trim());
        }
    }
    req.headers
        .iter()
        .filter(|(k, _)| k == "cookie")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim())
}

/// `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A new random token: a UUIDv4's 122 random bits (from the OS generator), 32 hex digits.
pub fn generate_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
            peer: "127.0.0.1:1".parse().unwrap(),
        }
    }

    #[test]
    fn without_a_token_only_loopback_names_are_served() {
        let open = Access { token: None };
        for host in [
            "127.0.0.1:8095",
            "localhost:8095",
            "[::1]:8095",
            "app.localhost",
            "127.3.4.5",
        ] {
            assert!(
                open.check(&req("GET", "/api/v1/persons", &[("host", host)]))
                    .is_ok(),
                "{host}"
            );
        }
        for host in [
            "evil.example:8095",
            "192.168.1.2:8095",
            "",
            "localhost.evil.example",
        ] {
            let e = open
                .check(&req("GET", "/api/v1/persons", &[("host", host)]))
                .unwrap_err();
            assert_eq!(e.code, "host_not_allowed", "{host}");
        }
    }

    #[test]
    fn a_cross_site_post_is_refused_and_a_same_origin_one_passes() {
        let open = Access { token: None };
        let h = ("host", "127.0.0.1:8095");
        let e = open
            .check(&req(
                "POST",
                "/api/v1/persons",
                &[h, ("origin", "http://evil.example")],
            ))
            .unwrap_err();
        assert_eq!(e.code, "cross_origin");
        let e = open
            .check(&req(
                "DELETE",
                "/api/v1/persons/x",
                &[h, ("origin", "null")],
            ))
            .unwrap_err();
        assert_eq!(e.code, "cross_origin");
        assert!(open
            .check(&req(
                "POST",
                "/api/v1/search",
                &[h, ("origin", "http://127.0.0.1:8095")]
            ))
            .is_ok());
        // Scripts and curl send no Origin.
        assert!(open.check(&req("POST", "/api/v1/search", &[h])).is_ok());
    }

    #[test]
    fn with_a_token_every_api_call_needs_it() {
        let guarded = Access {
            token: Some("s3cret-token".into()),
        };
        let h = ("host", "203.0.113.9:8095");
        assert_eq!(
            guarded
                .check(&req("GET", "/api/v1/persons", &[h]))
                .unwrap_err()
                .status,
            401
        );
        let wrong = guarded
            .check(&req(
                "GET",
                "/api/v1/persons",
                &[h, ("authorization", "Bearer s3cret-tokeX")],
            ))
            .unwrap_err();
        assert_eq!(wrong.message, "the access token is wrong");
        assert!(guarded
            .check(&req(
                "GET",
                "/api/v1/persons",
                &[h, ("authorization", "Bearer s3cret-token")]
            ))
            .is_ok());
        assert!(guarded
            .check(&req(
                "GET",
                "/api/v1/status",
                &[h, ("cookie", "a=b; facectl_token=s3cret-token")]
            ))
            .is_ok());
        for public in [
            "/api/v1/health",
            "/console/",
            "/console/app.js",
            "/api/v1/openapi.json",
        ] {
            assert!(guarded.check(&req("GET", public, &[h])).is_ok(), "{public}");
        }
        assert!(guarded.check(&req("POST", "/register", &[h])).is_err());
    }

    #[test]
    fn generated_tokens_are_long_and_differ() {
        let (a, b) = (generate_token(), generate_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
