//! Uploads: the photos and fields of a request, from a multipart form, a raw image body or a
//! JSON object with base64 images (what tutorial front ends send).

use super::error::ApiError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use base64::Engine as _;
use facectl_core::service::Photo;
use std::collections::BTreeMap;

/// Photos per request.
pub const MAX_PHOTOS: usize = 20;
/// Largest text field, bytes.
const MAX_FIELD: usize = 4096;
/// Field names that carry photos in JSON bodies.
const PHOTO_FIELDS: &[&str] = &[
    "photo", "photos", "image", "images", "file", "source", "target",
];

/// What a request carried: photos (with the form field each came in) and text fields.
#[derive(Debug, Default)]
pub struct Upload {
    pub photos: Vec<(String, Photo)>,
    pub fields: BTreeMap<String, String>,
}

/// Largest photo, bytes, set per router (see [`super::WebConfig::max_photo_bytes`]).
#[derive(Clone, Copy, Debug)]
pub struct PhotoLimit(pub u64);

impl Upload {
    /// A text field, trimmed; empty counts as absent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The photos, whatever field they came in.
    pub fn all_photos(self) -> Vec<Photo> {
        self.photos.into_iter().map(|(_, p)| p).collect()
    }

    /// Exactly one photo, or a 400 naming what is missing.
    pub fn one_photo(self) -> Result<Photo, ApiError> {
        let n = self.photos.len();
        let mut photos = self.all_photos();
        match n {
            1 => Ok(photos.remove(0)),
            0 => Err(ApiError::bad_request(
                "photo_missing",
                "no photo in the request: send it as a multipart file field `photo`, or as the body with Content-Type image/*",
            )),
            n => Err(ApiError::bad_request(
                "too_many_photos",
                format!("{n} photos in the request; this call takes one"),
            )),
        }
    }

    /// The photo sent in field `name`.
    pub fn take(&mut self, name: &str) -> Option<Photo> {
        let i = self.photos.iter().position(|(f, _)| f == name)?;
        Some(self.photos.remove(i).1)
    }

    fn add_photo(
        &mut self,
        field: &str,
        file_name: Option<&str>,
        bytes: Vec<u8>,
        limit: u64,
    ) -> Result<(), ApiError> {
        if self.photos.len() >= MAX_PHOTOS {
            return Err(ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "too_many_photos",
                format!("more than {MAX_PHOTOS} photos in one request"),
            ));
        }
        let name = format!("upload:{}", clean_name(file_name.unwrap_or(field)));
        let photo = Photo::upload(&name, bytes, limit).map_err(|e| {
            let mut err = ApiError::from(e);
            if err.message.contains("byte limit") {
                err.status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
                err.code = "photo_too_large";
            }
            err
        })?;
        self.photos.push((field.to_string(), photo));
        Ok(())
    }
}

/// A client-given file name made safe for messages and records: the last path component,
/// printable characters only, at most 100 of them.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if cleaned.trim().is_empty() {
        "photo".into()
    } else {
        cleaned
    }
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = req
            .extensions()
            .get::<PhotoLimit>()
            .map_or(facectl_core::service::DEFAULT_MAX_IMAGE_BYTES, |l| l.0);
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut up = Upload::default();
        if content_type.starts_with("multipart/form-data") {
            let mut form = Multipart::from_request(req, state)
                .await
                .map_err(|e| ApiError::bad_request("bad_multipart", e.body_text()))?;
            while let Some(field) = form
                .next_field()
                .await
                .map_err(|e| ApiError::bad_request("bad_multipart", e.body_text()))?
            {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_request("bad_multipart", e.body_text()))?;
                if file_name.is_some() || PHOTO_FIELDS.contains(&name.as_str()) {
                    up.add_photo(&name, file_name.as_deref(), bytes.to_vec(), limit)?;
                } else {
                    up.add_field(&name, &bytes)?;
                }
            }
        } else if content_type.starts_with("application/json") {
            let body = axum::body::to_bytes(req.into_body(), usize::MAX)
                .await
                .map_err(|e| ApiError::bad_request("bad_body", e.to_string()))?;
            let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
                ApiError::bad_request("bad_json", format!("the body is not JSON: {e}"))
            })?;
            let Some(obj) = value.as_object() else {
                return Err(ApiError::bad_request(
                    "bad_json",
                    "the body must be a JSON object",
                ));
            };
            for (k, v) in obj {
                match v {
                    serde_json::Value::String(s) if PHOTO_FIELDS.contains(&k.as_str()) => {
                        up.add_photo(k, None, decode_base64(k, s)?, limit)?;
                    }
                    serde_json::Value::Array(items) if PHOTO_FIELDS.contains(&k.as_str()) => {
                        for item in items {
                            let s = item.as_str().ok_or_else(|| {
                                ApiError::bad_request(
                                    "bad_json",
                                    format!("`{k}` must hold base64 strings"),
                                )
                            })?;
                            up.add_photo(k, None, decode_base64(k, s)?, limit)?;
                        }
                    }
                    serde_json::Value::String(s) => up.add_field(k, s.as_bytes())?,
                    serde_json::Value::Number(n) => up.add_field(k, n.to_string().as_bytes())?,
                    serde_json::Value::Bool(b) => up.add_field(k, b.to_string().as_bytes())?,
                    _ => {}
                }
            }
        } else if content_type.starts_with("image/") || content_type == "application/octet-stream" {
            let body = axum::body::to_bytes(req.into_body(), usize::MAX)
                .await
                .map_err(|e| ApiError::bad_request("bad_body", e.to_string()))?;
            up.add_photo("photo", None, body.to_vec(), limit)?;
        } else {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "Content-Type `{content_type}` is not accepted: send multipart/form-data, image/*, or JSON with base64 images"
                ),
            ));
        }
        Ok(up)
    }
}

impl Upload {
    fn add_field(&mut self, name: &str, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.len() > MAX_FIELD {
            return Err(ApiError::bad_request(
                "field_too_long",
                format!("field `{name}` is over {MAX_FIELD} bytes"),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            ApiError::bad_request("bad_field", format!("field `{name}` is not UTF-8 text"))
        })?;
        self.fields.insert(name.to_string(), text.to_string());
        Ok(())
    }
}

/// Base64 (standard or URL-safe, with or without a `data:image/...;base64,` prefix).
fn decode_base64(field: &str, s: &str) -> Result<Vec<u8>, ApiError> {
    let data = match s.split_once(";base64,") {
        Some((prefix, rest)) if prefix.starts_with("data:") => rest,
        _ => s,
    };
    let data: String = data.chars().filter(|c| !c.is_whitespace()).collect();
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|e| e.decode(&data).ok())
        .ok_or_else(|| {
            ApiError::bad_request("bad_base64", format!("field `{field}` is not base64"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_file_names_are_made_safe() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\a.jpg"), "a.jpg");
        assert_eq!(clean_name("a\u{0}\nb.jpg"), "ab.jpg");
        assert_eq!(clean_name("/"), "photo");
        assert_eq!(clean_name(&"x".repeat(500)).len(), 100);
    }

    #[test]
    fn base64_photos_come_with_or_without_a_data_url() {
        assert_eq!(decode_base64("image", "aGk=").unwrap(), b"hi");
        assert_eq!(
            decode_base64("image", "data:image/jpeg;base64,aGk=").unwrap(),
            b"hi"
        );
        assert_eq!(decode_base64("image", "aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("image", "!!").unwrap_err().code, "bad_base64");
    }
}
