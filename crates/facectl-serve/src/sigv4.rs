//! SigV4 request signatures: parsed from every signed request, verified against configured
//! keys with `--require-signature` (HMAC-SHA256 built on `sha2`, no extra crates).

use crate::error::RekError;
use crate::http::Request;
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for i in 0..64 {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The signing key for a date (`YYYYMMDD`), region and service.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, b"aws4_request")
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

/// The canonical request of `req` for the given signed headers.
pub fn canonical_request(req: &Request, signed_headers: &[String]) -> String {
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
    let payload = req
        .header("x-amz-content-sha256")
        .map(str::to_string)
        .unwrap_or_else(|| hex::encode(Sha256::digest(&req.body)));
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

/// Checks `req`'s signature against `(access_key, secret)`.
pub fn verify(req: &Request, access_key: &str, secret: &str) -> Result<(), RekError> {
    let h = req.header("authorization").ok_or_else(|| {
        RekError::missing_authentication(
            "Missing Authentication Token: this endpoint requires SigV4-signed requests",
        )
    })?;
    let auth = parse_authorization(h)?;
    if auth.access_key != access_key {
        return Err(RekError::invalid_signature(format!(
            "The security token included in the request is invalid: unknown access key {}",
            auth.access_key
        )));
    }
    let amz_date = req
        .header("x-amz-date")
        .ok_or_else(|| RekError::invalid_signature("signed request without X-Amz-Date"))?;
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(RekError::invalid_signature(
            "the Host header must be signed",
        ));
    }
    let mut scope = auth.scope.split('/');
    let (date, region, service) = (
        scope.next().unwrap_or(""),
        scope.next().unwrap_or(""),
        scope.next().unwrap_or(""),
    );
    let creq = canonical_request(req, &auth.signed_headers);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
        auth.scope,
        hex::encode(Sha256::digest(creq.as_bytes()))
    );
    let want = hex::encode(hmac_sha256(
        &signing_key(secret, date, region, service),
        to_sign.as_bytes(),
    ));
    if want != auth.signature {
        return Err(RekError::invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signing_key_matches_the_aws_documentation_example() {
        assert_eq!(
            hex::encode(signing_key(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20150830",
                "us-east-1",
                "iam"
            )),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn verifies_the_aws_documentation_example_request() {
        let req = Request {
            method: "GET".into(),
            path: "/?Action=ListUsers&Version=2010-05-08".into(),
            headers: vec![
                ("host".into(), "iam.amazonaws.com".into()),
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                ),
                ("x-amz-date".into(), "20150830T123600Z".into()),
                ("authorization".into(), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7".into()),
            ],
            body: Vec::new(),
            peer: "127.0.0.1:1".parse().unwrap(),
        };
        verify(
            &req,
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .unwrap();
        let err = verify(&req, "AKIDEXAMPLE", "wrong-secret").unwrap_err();
        assert_eq!(err.kind, "InvalidSignatureException");
        let err = verify(&req, "OTHER", "x").unwrap_err();
        assert_eq!(err.kind, "InvalidSignatureException");
    }
}
