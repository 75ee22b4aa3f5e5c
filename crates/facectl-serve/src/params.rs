//! Reading request members with Rekognition's validation rules: wrong JSON types are
//! `SerializationException`, missing or out-of-range values `InvalidParameterException`.

use crate::error::RekError;
use serde_json::{Map, Value};

/// The request's top-level object.
pub struct Params<'a>(pub &'a Map<String, Value>);

/// Parses the body: it must be a JSON object (an empty body counts as `{}`).
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, RekError> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(RekError::serialization(
            "the request body must be a JSON object",
        )),
        Err(e) => Err(RekError::serialization(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

fn wrong_type(name: &str, want: &str) -> RekError {
    RekError::serialization(format!("{name}: expected {want}"))
}

fn present<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name).filter(|v| !v.is_null())
}

impl<'a> Params<'a> {
    pub fn opt_str(&self, name: &str) -> Result<Option<&'a str>, RekError> {
        match present(self.0, name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(wrong_type(name, "a string")),
        }
    }

    pub fn str(&self, name: &str) -> Result<&'a str, RekError> {
        self.opt_str(name)?.ok_or_else(|| {
            RekError::invalid_parameter(format!("1 validation error detected: {name} is required"))
        })
    }

    /// A string matching `ok` with a length in `min..=max`.
    pub fn opt_pattern(
        &self,
        name: &str,
        min: usize,
        max: usize,
        ok: fn(char) -> bool,
    ) -> Result<Option<&'a str>, RekError> {
        let Some(s) = self.opt_str(name)? else {
            return Ok(None);
        };
        let n = s.chars().count();
        if n < min || n > max || !s.chars().all(ok) {
            return Err(RekError::invalid_parameter(format!(
                "1 validation error detected: Value '{s}' at '{name}' failed to satisfy constraint: length {min}-{max} and allowed characters"
            )));
        }
        Ok(Some(s))
    }

    pub fn pattern(
        &self,
        name: &str,
        min: usize,
        max: usize,
        ok: fn(char) -> bool,
    ) -> Result<&'a str, RekError> {
        self.str(name)?;
        self.opt_pattern(name, min, max, ok)?
            .ok_or_else(|| RekError::invalid_parameter(format!("{name} is required")))
    }

    /// An integer in `min..=max`.
    pub fn opt_int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, RekError> {
        match present(self.0, name) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let v = n.as_i64().ok_or_else(|| wrong_type(name, "an integer"))?;
                if v < min || v > max {
                    return Err(RekError::invalid_parameter(format!(
                        "1 validation error detected: Value '{v}' at '{name}' failed to satisfy constraint: Member must have value between {min} and {max}"
                    )));
                }
                Ok(Some(v))
            }
            Some(_) => Err(wrong_type(name, "a number")),
        }
    }

    /// A number in `min..=max`.
    pub fn opt_float(&self, name: &str, min: f64, max: f64) -> Result<Option<f64>, RekError> {
        match present(self.0, name) {
            None => Ok(None),
            Some(Value::Number(n)) => {
                let v = n.as_f64().ok_or_else(|| wrong_type(name, "a number"))?;
                if !(min..=max).contains(&v) {
                    return Err(RekError::invalid_parameter(format!(
                        "1 validation error detected: Value '{v}' at '{name}' failed to satisfy constraint: Member must have value between {min} and {max}"
                    )));
                }
                Ok(Some(v))
            }
            Some(_) => Err(wrong_type(name, "a number")),
        }
    }

    pub fn opt_object(&self, name: &str) -> Result<Option<Params<'a>>, RekError> {
        match present(self.0, name) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(Params(m))),
            Some(_) => Err(wrong_type(name, "an object")),
        }
    }

    pub fn object(&self, name: &str) -> Result<Params<'a>, RekError> {
        self.opt_object(name)?.ok_or_else(|| {
            RekError::invalid_parameter(format!("1 validation error detected: {name} is required"))
        })
    }

    /// A list of strings.
    pub fn opt_str_list(&self, name: &str) -> Result<Option<Vec<&'a str>>, RekError> {
        match present(self.0, name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .ok_or_else(|| wrong_type(name, "a list of strings"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(wrong_type(name, "a list")),
        }
    }

    /// `FaceIds`: 1 to `max` lowercase UUIDs, duplicates dropped (first occurrence kept).
    pub fn face_ids(&self, max: usize) -> Result<Vec<String>, RekError> {
        let ids = self.opt_str_list("FaceIds")?.ok_or_else(|| {
            RekError::invalid_parameter("1 validation error detected: FaceIds is required")
        })?;
        if ids.is_empty() || ids.len() > max {
            return Err(RekError::invalid_parameter(format!(
                "FaceIds must hold 1-{max} ids, got {}",
                ids.len()
            )));
        }
        let mut out: Vec<String> = Vec::with_capacity(ids.len());
        for id in ids {
            check_face_id("faceIds", id)?;
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
        Ok(out)
    }

    /// One of `allowed`.
    pub fn opt_enum(&self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, RekError> {
        let Some(s) = self.opt_str(name)? else {
            return Ok(None);
        };
        if !allowed.contains(&s) {
            return Err(RekError::invalid_parameter(format!(
                "1 validation error detected: Value '{s}' at '{name}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            )));
        }
        Ok(Some(s))
    }
}

/// `[a-zA-Z0-9_.\-]` (collection ids).
pub fn collection_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// `[a-zA-Z0-9_.\-:]` (ExternalImageId, UserId).
pub fn external_id_char(c: char) -> bool {
    collection_char(c) || c == ':'
}

/// A lowercase UUID, as FaceIds are.
pub fn is_face_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// The FaceId pattern error Rekognition gives for `member`.
pub fn check_face_id(member: &str, id: &str) -> Result<(), RekError> {
    if is_face_id(id) {
        return Ok(());
    }
    Err(RekError::invalid_parameter(format!(
        "1 validation error detected: Value '{id}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"
    )))
}

/// Opaque pagination tokens: base64 of `<kind>:<position>`.
pub fn encode_token(kind: &str, position: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}:{position}"))
}

pub fn decode_token(kind: &str, token: &str) -> Result<String, RekError> {
    use base64::Engine;
    let bad = || RekError::invalid_token(format!("Invalid pagination token: {token}"));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| bad())?;
    let s = String::from_utf8(raw).map_err(|_| bad())?;
    s.strip_prefix(&format!("{kind}:"))
        .map(str::to_string)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_ranges_and_patterns_map_to_rekognition_errors() {
        let v = json!({"A": 5, "S": "ab c", "L": ["x", 1], "F": 101.0});
        let p = Params(v.as_object().unwrap());
        assert_eq!(p.opt_int("A", 1, 10).unwrap(), Some(5));
        assert_eq!(
            p.opt_int("A", 6, 10).unwrap_err().kind,
            "InvalidParameterException"
        );
        assert_eq!(p.opt_str("A").unwrap_err().kind, "SerializationException");
        assert_eq!(
            p.opt_pattern("S", 1, 255, collection_char)
                .unwrap_err()
                .kind,
            "InvalidParameterException"
        );
        assert_eq!(
            p.str("Missing").unwrap_err().kind,
            "InvalidParameterException"
        );
        assert_eq!(
            p.opt_str_list("L").unwrap_err().kind,
            "SerializationException"
        );
        assert_eq!(
            p.opt_float("F", 0.0, 100.0).unwrap_err().kind,
            "InvalidParameterException"
        );
        assert_eq!(
            parse_body(b"[1]").unwrap_err().kind,
            "SerializationException"
        );
        assert_eq!(
            parse_body(b"{oops").unwrap_err().kind,
            "SerializationException"
        );
        assert!(parse_body(b"").unwrap().is_empty());
    }

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = encode_token("faces", "42");
        assert_eq!(decode_token("faces", &t).unwrap(), "42");
        assert_eq!(
            decode_token("collections", &t).unwrap_err().kind,
            "InvalidPaginationTokenException"
        );
        assert_eq!(
            decode_token("faces", "!!!").unwrap_err().kind,
            "InvalidPaginationTokenException"
        );
    }

    #[test]
    fn face_id_lists_are_bounded_validated_and_deduplicated() {
        let a = "0b683aed-a0f1-48b2-9b5e-139e9cc2a757";
        let v = json!({"FaceIds": [a, a]});
        assert_eq!(Params(v.as_object().unwrap()).face_ids(2).unwrap(), vec![a]);
        let v = json!({"FaceIds": [a, a, a]});
        assert_eq!(
            Params(v.as_object().unwrap()).face_ids(2).unwrap_err().kind,
            "InvalidParameterException"
        );
        let v = json!({"FaceIds": []});
        assert_eq!(
            Params(v.as_object().unwrap()).face_ids(2).unwrap_err().kind,
            "InvalidParameterException"
        );
        let v = json!({"FaceIds": ["NOPE"]});
        assert_eq!(
            Params(v.as_object().unwrap()).face_ids(2).unwrap_err().kind,
            "InvalidParameterException"
        );
        let v = json!({});
        assert_eq!(
            Params(v.as_object().unwrap()).face_ids(2).unwrap_err().kind,
            "InvalidParameterException"
        );
    }

    #[test]
    fn face_ids_are_lowercase_uuids() {
        assert!(is_face_id("0b683aed-a0f1-48b2-9b5e-139e9cc2a757"));
        assert!(!is_face_id("0B683AED-A0F1-48B2-9B5E-139E9CC2A757"));
        assert!(!is_face_id("nope"));
    }
}
