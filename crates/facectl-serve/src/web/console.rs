//! The web console's files, embedded in the binary (no CDN, works offline), and the token
//! hand-over (`/console/?token=...` sets the console's cookie once).

use super::auth::COOKIE;
use super::WebState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

const INDEX: &str = include_str!("../../assets/console/index.html");
const APP_JS: &str = include_str!("../../assets/console/app.js");
const STYLE: &str = include_str!("../../assets/console/style.css");
const ICON: &str = include_str!("../../assets/console/icon.svg");

/// What the console may load: only its own files, the API and photos the user picks.
const CSP: &str = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; \
                   style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Debug, Deserialize)]
pub struct Entry {
    token: Option<String>,
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        body,
    )
        .into_response()
}

/// `/console/`: the page; with `?token=` the token is checked, kept in an HTTP-only cookie
/// and taken out of the address bar.
pub async fn index(State(st): State<Arc<WebState>>, Query(q): Query<Entry>) -> Response {
    if let Some(t) = q.token.as_deref() {
        if st.access.accepts(t) {
            let cookie = format!("{COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict");
            let mut resp =
                (StatusCode::SEE_OTHER, [(header::LOCATION, "/console/")]).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            return resp;
        }
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, "/console/#token-refused")],
        )
            .into_response();
    }
    asset("text/html; charset=utf-8", INDEX)
}

pub async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

pub async fn icon() -> Response {
    asset("image/svg+xml", ICON)
}

pub async fn to_console() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/console/")]).into_response()
}
