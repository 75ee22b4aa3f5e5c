//! SigV4 request signatures, verified against the configured key with `--require-signature`:
//! the payload hash is computed from the body, the date must be within 15 minutes of now and
//! match the credential scope, the scope must name this region and `rekognition`. Signing keys
//! and signatures come from `aws-sigv4`; signatures are compared in constant time (`subtle`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::RekError;
use crate::http::Request;
use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How far a request's `X-Amz-Date` may be from the server's clock (AWS's own window).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

/// The service name a request's credential scope must carry.
pub const SERVICE: &str = "rekognition";

/// What a signed request is checked against.
#[derive(Clone, Debug)]
pub struct Verifier {
    pub access_key: String,
    pub secret: String,
    /// The region this endpoint answers for (the scope must name it).
    pub region: String,
    /// Whether `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (a body nobody signed) is accepted.
    pub allow_unsigned_payload: bool,
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    /// `date/region/service/aws4_request`.
    pub scope: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(h: &str) -> Result<Authorization, RekError> {
    let bad =
        |why: &str| RekError::invalid_signature(format!("malformed Authorization header: {why}"));
    let rest = h
        .strip_prefix("AWS4-HMAC-SHA256")
        .ok_or_else(|| bad("not AWS4-HMAC-SHA256"))?;
    let (mut cred, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            cred = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            sig = Some(v);
        }
    }
    let cred = cred.ok_or_else(|| bad("no Credential"))?;
    let (access_key, scope) = cred.split_once('/').ok_or_else(|| bad("bad Credential"))?;
    if scope.split('/').count() != 4 {
        return Err(bad("bad credential scope"));
    }
    Ok(Authorization {
        access_key: access_key.to_string(),
        scope: scope.to_string(),
        signed_headers: signed
            .ok_or_else(|| bad("no SignedHeaders"))?
            .split(';')
            .map(str::to_string)
            .collect(),
        signature: sig.ok_or_else(|| bad("no Signature"))?.to_string(),
    })
}

fn canonical_query(q: &str) -> String {
    let mut pairs: Vec<String> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.contains('=') {
                p.to_string()
            } else {
                format!("{p}=")
            }
        })
        .collect();
    pairs.sort();
    pairs.join("&")
}

/// The canonical request of `req` for the given signed headers and payload hash.
pub fn canonical_request(req: &Request, signed_headers: &[String], payload: &str) -> String {
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    let mut headers = String::new();
    for name in signed_headers {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        if path.is_empty() { "/" } else { path },
        canonical_query(query),
        headers,
        signed_headers.join(";"),
        payload
    )
}

/// `YYYYMMDDTHHMMSSZ` (SigV4's basic ISO 8601) as a time.
pub fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, se) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + se;
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// The signature `req` should carry for `auth`'s scope and signed headers.
fn expected_signature(
    req: &Request,
    auth: &Authorization,
    payload: &str,
    secret: &str,
    when: SystemTime,
    amz_date: &str,
) -> String {
    let creq = canonical_request(req, &auth.signed_headers, payload);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
        auth.scope,
        hex::encode(Sha256::digest(creq.as_bytes()))
    );
    let mut scope = auth.scope.split('/').skip(1);
    let (region, service) = (scope.next().unwrap_or(""), scope.next().unwrap_or(""));
    calculate_signature(
        generate_signing_key(secret, when, region, service),
        to_sign.as_bytes(),
    )
}

fn refuse(msg: impl Into<String>) -> RekError {
    RekError::invalid_signature(msg)
}

impl Verifier {
    /// Checks `req`'s signature at the current time.
    pub fn verify(&self, req: &Request) -> Result<(), RekError> {
        self.verify_at(req, SystemTime::now())
    }

    /// Checks `req`'s signature as of `now`.
    pub fn verify_at(&self, req: &Request, now: SystemTime) -> Result<(), RekError> {
        let h = req.header("authorization").ok_or_else(|| {
            RekError::missing_authentication(
                "Missing Authentication Token: this endpoint requires SigV4-signed requests",
            )
        })?;
        let auth = parse_authorization(h)?;
        if auth.access_key != self.access_key {
            return Err(refuse(format!(
                "The security token included in the request is invalid: unknown access key {}",
                auth.access_key
            )));
        }
        for needed in ["host", "x-amz-date"] {
            if !auth.signed_headers.iter().any(|h| h == needed) {
                return Err(refuse(format!("the {needed} header must be signed")));
            }
        }
        let amz_date = req
            .header("x-amz-date")
            .ok_or_else(|| refuse("signed request without X-Amz-Date"))?;
        let when = parse_amz_date(amz_date)
            .ok_or_else(|| refuse(format!("X-Amz-Date `{amz_date}` is not YYYYMMDDTHHMMSSZ")))?;
        let skew = match now.duration_since(when) {
            Ok(d) => d,
            Err(e) => e.duration(),
        };
        if skew > MAX_CLOCK_SKEW {
            return Err(refuse(format!(
                "Signature expired: X-Amz-Date {amz_date} is more than 15 minutes from the server's time"
            )));
        }
        let parts: Vec<&str> = auth.scope.split('/').collect();
        let [date, region, service, terminal] = parts[..] else {
            return Err(refuse("bad credential scope"));
        };
        if date != &amz_date[..8] {
            return Err(refuse(format!(
                "credential scope date {date} is not the X-Amz-Date's day {}",
                &amz_date[..8]
            )));
        }
        if region != self.region {
            return Err(refuse(format!(
                "credential scope region {region} is wrong: this endpoint is {}",
                self.region
            )));
        }
        if service != SERVICE || terminal != "aws4_request" {
            return Err(refuse(format!(
                "credential scope must end {SERVICE}/aws4_request, got {service}/{terminal}"
            )));
        }
        let computed = hex::encode(Sha256::digest(&req.body));
        let payload = match req.header("x-amz-content-sha256") {
            None => computed,
            Some("UNSIGNED-PAYLOAD") if self.allow_unsigned_payload => "UNSIGNED-PAYLOAD".into(),
            Some("UNSIGNED-PAYLOAD") => {
                return Err(refuse(
                    "UNSIGNED-PAYLOAD is refused: sign the body (or start the endpoint with --allow-unsigned-payload)",
                ))
            }
            Some(claimed) if claimed.eq_ignore_ascii_case(&computed) => claimed.to_string(),
            Some(_) => {
                return Err(refuse(
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                ))
            }
        };
        let want = expected_signature(req, &auth, &payload, &self.secret, when, amz_date);
        if !bool::from(want.as_bytes().ct_eq(auth.signature.as_bytes())) {
            return Err(refuse(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn request(headers: &[(&str, &str)], body: &[u8]) -> Request {
        Request {
            method: "POST".into(),
            path: "/".into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_vec(),
            peer: "127.0.0.1:1".parse().unwrap_or_else(|e| panic!("{e}")),
        }
    }

    /// A request signed at `date` for `body` (hashed as `claimed_body` when given).
    fn signed(date: &str, scope_region: &str, body: &[u8], extra: &[(&str, &str)]) -> Request {
        let scope = format!("{}/{scope_region}/rekognition/aws4_request", &date[..8]);
        let mut headers = vec![("host", "localhost"), ("x-amz-date", date)];
        headers.extend_from_slice(extra);
        let mut req = request(&headers, body);
        let signed_headers: Vec<String> = req.headers.iter().map(|(k, _)| k.clone()).collect();
        let auth = Authorization {
            access_key: "AKID".into(),
            scope: scope.clone(),
            signed_headers: signed_headers.clone(),
            signature: String::new(),
        };
        let payload = req
            .header("x-amz-content-sha256")
            .map(str::to_string)
            .unwrap_or_else(|| hex::encode(Sha256::digest(body)));
        let when = parse_amz_date(date).unwrap_or_else(|| panic!("date {date}"));
        let sig = expected_signature(&req, &auth, &payload, SECRET, when, date);
        req.headers.push((
            "authorization".into(),
            format!(
                "AWS4-HMAC-SHA256 Credential=AKID/{scope}, SignedHeaders={}, Signature={sig}",
                signed_headers.join(";")
            ),
        ));
        req
    }

    fn verifier() -> Verifier {
        Verifier {
            access_key: "AKID".into(),
            secret: SECRET.into(),
            region: "us-east-1".into(),
            allow_unsigned_payload: false,
        }
    }

    fn at(date: &str) -> SystemTime {
        parse_amz_date(date).unwrap_or_else(|| panic!("date {date}"))
    }

    #[test]
    fn computes_the_aws_documentation_example_signature() {
        let req = Request {
            method: "GET".into(),
            path: "/?Action=ListUsers&Version=2010-05-08".into(),
            ..request(
                &[
                    ("host", "iam.amazonaws.com"),
                    (
                        "content-type",
                        "application/x-www-form-urlencoded; charset=utf-8",
                    ),
                    ("x-amz-date", "20150830T123600Z"),
                ],
                b"",
            )
        };
        let auth = Authorization {
            access_key: "AKIDEXAMPLE".into(),
            scope: "20150830/us-east-1/iam/aws4_request".into(),
            signed_headers: vec!["content-type".into(), "host".into(), "x-amz-date".into()],
            signature: String::new(),
        };
        let payload = hex::encode(Sha256::digest(b""));
        assert_eq!(
            expected_signature(
                &req,
                &auth,
                &payload,
                SECRET,
                at("20150830T123600Z"),
                "20150830T123600Z"
            ),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn amz_dates_parse_to_the_right_second() {
        let t = at("20150830T123600Z");
        assert_eq!(
            t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).ok(),
            Some(1_440_938_160)
        );
        for bad in [
            "2015-08-30T12:36:00Z",
            "20151330T123600Z",
            "20150830T123600",
            "2015083OT123600Z",
        ] {
            assert!(parse_amz_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_fresh_signature_passes_and_a_wrong_secret_fails() {
        let date = "20261202T120000Z";
        let req = signed(date, "us-east-1", br#"{"CollectionId":"good"}"#, &[]);
        verifier()
            .verify_at(&req, at(date))
            .unwrap_or_else(|e| panic!("{e}"));
        let wrong = Verifier {
            secret: "other".into(),
            ..verifier()
        };
        assert_eq!(
            wrong.verify_at(&req, at(date)).map_err(|e| e.kind),
            Err("InvalidSignatureException")
        );
    }

    #[test]
    fn the_body_is_hashed_not_the_header_believed() {
        let date = "20261202T120000Z";
        let good = br#"{"CollectionId":"good2"}"#;
        let good_hash = hex::encode(Sha256::digest(good));
        let mut req = signed(
            date,
            "us-east-1",
            good,
            &[("x-amz-content-sha256", &good_hash)],
        );
        verifier()
            .verify_at(&req, at(date))
            .unwrap_or_else(|e| panic!("{e}"));
        req.body = br#"{"CollectionId":"evil2"}"#.to_vec();
        let e = verifier().verify_at(&req, at(date)).unwrap_err();
        assert!(e.to_string().contains("x-amz-content-sha256"), "{e}");
    }

    #[test]
    fn unsigned_payload_only_when_allowed() {
        let date = "20261202T120000Z";
        let req = signed(
            date,
            "us-east-1",
            b"{}",
            &[("x-amz-content-sha256", "UNSIGNED-PAYLOAD")],
        );
        let e = verifier().verify_at(&req, at(date)).unwrap_err();
        assert!(e.to_string().contains("UNSIGNED-PAYLOAD"), "{e}");
        let lax = Verifier {
            allow_unsigned_payload: true,
            ..verifier()
        };
        lax.verify_at(&req, at(date))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn stale_or_future_dates_are_refused() {
        let date = "20261202T120000Z";
        let req = signed(date, "us-east-1", b"{}", &[]);
        verifier()
            .verify_at(&req, at("20261202T121400Z"))
            .unwrap_or_else(|e| panic!("{e}"));
        verifier()
            .verify_at(&req, at("20261202T114600Z"))
            .unwrap_or_else(|e| panic!("{e}"));
        for now in [
            "20261202T121600Z",
            "20261202T140000Z",
            "20251028T120000Z",
            "20270101T120000Z",
            "20261202T114400Z",
        ] {
            let e = verifier().verify_at(&req, at(now)).unwrap_err();
            assert!(e.to_string().contains("expired"), "{now}: {e}");
        }
    }

    #[test]
    fn the_scope_must_be_this_day_region_and_service() {
        let date = "20261202T120000Z";
        let other_region = signed(date, "eu-west-1", b"{}", &[]);
        let e = verifier().verify_at(&other_region, at(date)).unwrap_err();
        assert!(e.to_string().contains("region"), "{e}");
        // A scope dated another day than the X-Amz-Date header.
        let mut req = signed(date, "us-east-1", b"{}", &[]);
        for (k, v) in &mut req.headers {
            if k == "authorization" {
                *v = v.replace("20261202/", "20261201/");
            }
        }
        let e = verifier().verify_at(&req, at(date)).unwrap_err();
        assert!(e.to_string().contains("scope date"), "{e}");
    }
}
