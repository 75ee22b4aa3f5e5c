//! Mapping of AWS SDK errors onto [`BackendError`], in one place.
//!
//! Every SDK call goes through [`map_sdk_error`] with a [`Call`] naming the IAM action and the
//! resource, so that the CLI can print one clear line: missing credentials or region,
//! AccessDenied (action + resource), a resource that is not provisioned, throttling (retryable),
//! an unusable image, or an unreachable endpoint.

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use facectl_core::BackendError;
use std::error::Error as StdError;

/// What was being done when an SDK call failed.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    /// IAM action, e.g. `s3:PutObject`, `rekognition:IndexFaces`.
    pub action: &'a str,
    /// The resource, e.g. `s3://bucket/key`, `collection faces`.
    pub resource: &'a str,
    /// Set when the call sends an image: the image's origin for [`BackendError::InvalidImage`].
    pub image: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub fn new(action: &'a str, resource: &'a str) -> Self {
        Call {
            action,
            resource,
            image: None,
        }
    }

    pub fn with_image(mut self, origin: &'a str) -> Self {
        self.image = Some(origin);
        self
    }
}

/// How a call failed, without SDK types (so the classification is unit-testable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure<'a> {
    /// The service answered with an error.
    Service {
        code: Option<&'a str>,
        message: Option<&'a str>,
        status: u16,
    },
    /// The request never got an answer (connection refused, DNS, TLS, timeout).
    Network,
    /// The request could not be built or signed (no region, no credentials...).
    Construction,
    /// The answer could not be read.
    BadResponse,
}

/// Service error code of an SDK error, if the service sent one.
pub fn code_of<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> Option<&str> {
    match err {
        SdkError::ServiceError(s) => s.err().code(),
        _ => None,
    }
}

/// The error and its sources on one line.
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Maps an SDK error for `call` onto a [`BackendError`].
pub fn map_sdk_error<E>(err: SdkError<E, HttpResponse>, call: &Call<'_>) -> BackendError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let detail = chain_text(&err);
    let status = err.raw_response().map(|r| r.status().as_u16()).unwrap_or(0);
    let failure = match &err {
        SdkError::ServiceError(s) => Failure::Service {
            code: s.err().code(),
            message: s.err().message(),
            status,
        },
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => Failure::Network,
        SdkError::ResponseError(_) => Failure::BadResponse,
        _ => Failure::Construction,
    };
    let mapped = classify(failure, &detail, call);
    tracing::debug!(action = call.action, resource = call.resource, error = %detail, mapped = %mapped, "aws call failed");
    mapped
}

fn has_any(text: &str, needles: &[&str]) -> bool {
    let lower = text.to_ascii_lowercase();
    needles.iter().any(|n| lower.contains(n))
}

/// The classification itself. `detail` is the whole error text (used for non-service failures
/// and messages).
pub fn classify(failure: Failure<'_>, detail: &str, call: &Call<'_>) -> BackendError {
    let credentials_hint =
        "configure credentials (aws configure, AWS_PROFILE, AWS_ACCESS_KEY_ID...)";
    let (code, message, status) = match failure {
        Failure::Service {
            code,
            message,
            status,
        } => (code.unwrap_or(""), message.unwrap_or(""), status),
        Failure::Network | Failure::Construction | Failure::BadResponse => {
            if has_any(detail, &["credential", "no credentials", "identity"]) {
                return BackendError::Credentials(format!(
                    "no usable AWS credentials for {} ({detail}); {credentials_hint}",
                    call.action
                ));
            }
            if has_any(detail, &["region"]) && failure == Failure::Construction {
                return BackendError::Credentials(format!(
                    "no AWS region ({detail}); use --region or set AWS_REGION"
                ));
            }
            return BackendError::Unavailable(format!(
                "{} on {}: {detail}",
                call.action, call.resource
            ));
        }
    };
    let text = match (code.is_empty(), message.is_empty()) {
        // An answer without an error code (e.g. a bare 500 from a crashed handler).
        (true, true) if status > 0 => format!("HTTP {status} with no error code in the answer"),
        (true, true) => detail.to_string(),
        (_, true) => code.to_string(),
        _ => format!("{code}: {message}"),
    };
    match code {
        "InvalidAccessKeyId"
        | "SignatureDoesNotMatch"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "UnrecognizedClientException"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "IncompleteSignature"
        | "IncompleteSignatureException"
        | "InvalidToken" => BackendError::Credentials(format!(
            "AWS rejected the credentials for {} ({text}); {credentials_hint}",
            call.action
        )),
        "AccessDenied"
        | "AccessDeniedException"
        | "AllAccessDisabled"
        | "UnauthorizedOperation"
        | "Forbidden" => BackendError::AccessDenied {
            action: call.action.into(),
            resource: call.resource.into(),
        },
        "ResourceNotFoundException" | "NoSuchBucket" => BackendError::NotProvisioned {
            resource: call.resource.into(),
        },
        "NoSuchKey" | "NotFound" | "NoSuchUpload" => {
            BackendError::NotFound(call.resource.to_string())
        }
        "ProvisionedThroughputExceededException"
        | "ThrottlingException"
        | "Throttling"
        | "ThrottledException"
        | "SlowDown"
        | "RequestLimitExceeded"
        | "RequestThrottled"
        | "RequestThrottledException"
        | "TooManyRequestsException"
        | "LimitExceededException"
        | "TransactionConflictException"
        | "TransactionInProgressException" => {
            BackendError::Throttled(format!("{} on {}: {text}", call.action, call.resource))
        }
        "InvalidImageFormatException" | "ImageTooLargeException" | "InvalidS3ObjectException" => {
            invalid_image(call, &text)
        }
        "InvalidParameterException" if call.image.is_some() => invalid_image(call, &text),
        "ConditionalCheckFailedException" | "BucketAlreadyExists" => {
            BackendError::Conflict(format!("{} on {}: {text}", call.action, call.resource))
        }
        "TransactionCanceledException" => {
            if has_any(message, &["conditionalcheckfailed"]) {
                BackendError::Conflict(format!("{} on {}: {text}", call.action, call.resource))
            } else if has_any(
                message,
                &[
                    "throttling",
                    "provisionedthroughputexceeded",
                    "transactionconflict",
                ],
            ) {
                BackendError::Throttled(format!("{} on {}: {text}", call.action, call.resource))
            } else {
                BackendError::Other(format!("{} on {}: {text}", call.action, call.resource))
            }
        }
        "InternalError"
        | "InternalServerError"
        | "InternalServerErrorException"
        | "InternalFailure"
        | "ServiceUnavailable"
        | "ServiceUnavailableException" => {
            BackendError::Unavailable(format!("{} on {}: {text}", call.action, call.resource))
        }
        _ if status == 403 => BackendError::AccessDenied {
            action: call.action.into(),
            resource: call.resource.into(),
        },
        _ if status == 404 && code.is_empty() => BackendError::NotFound(call.resource.to_string()),
        _ if status == 429 || status == 503 => {
            BackendError::Throttled(format!("{} on {}: {text}", call.action, call.resource))
        }
        _ if status >= 500 => {
            BackendError::Unavailable(format!("{} on {}: {text}", call.action, call.resource))
        }
        _ => BackendError::Other(format!(
            "{} on {}: {}",
            call.action,
            call.resource,
            if text.is_empty() { detail } else { &text }
        )),
    }
}

fn invalid_image(call: &Call<'_>, text: &str) -> BackendError {
    BackendError::InvalidImage {
        origin: call.image.unwrap_or(call.resource).to_string(),
        reason: format!("Rekognition refused the image ({text})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &'static str, message: &'static str, status: u16) -> Failure<'static> {
        Failure::Service {
            code: Some(code),
            message: Some(message),
            status,
        }
    }

    const PUT: Call<'static> = Call {
        action: "s3:PutObject",
        resource: "s3://b/faces/x.jpg",
        image: None,
    };

    #[test]
    fn access_denied_names_action_and_resource() {
        let e = classify(service("AccessDenied", "Access Denied", 403), "", &PUT);
        match &e {
            BackendError::AccessDenied { action, resource } => {
                assert_eq!(action, "s3:PutObject");
                assert_eq!(resource, "s3://b/faces/x.jpg");
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("--print-iam-policy"), "{e}");
        // HeadObject / HeadBucket answer 403 without a code.
        let head = Failure::Service {
            code: None,
            message: None,
            status: 403,
        };
        assert!(matches!(
            classify(head, "", &PUT),
            BackendError::AccessDenied { .. }
        ));
    }

    #[test]
    fn an_answer_without_error_code_says_its_status() {
        // moto's TransactWriteItems answers a bare 500 when its handler crashes under load.
        let call = Call::new("dynamodb:TransactWriteItems", "table facectl-faces");
        let bare = Failure::Service {
            code: None,
            message: None,
            status: 500,
        };
        let e = classify(bare, "service error", &call);
        assert!(matches!(&e, BackendError::Unavailable(_)), "{e:?}");
        assert!(
            e.to_string()
                .ends_with("dynamodb:TransactWriteItems on table facectl-faces: HTTP 500 with no error code in the answer"),
            "{e}"
        );
    }

    #[test]
    fn missing_resources_point_at_provision() {
        let call = Call::new("dynamodb:GetItem", "table faces");
        let e = classify(
            service(
                "ResourceNotFoundException",
                "Requested resource not found",
                400,
            ),
            "",
            &call,
        );
        assert!(
            matches!(&e, BackendError::NotProvisioned { resource } if resource == "table faces")
        );
        assert!(e.to_string().contains("facectl provision"));
        let e = classify(service("NoSuchBucket", "nope", 404), "", &PUT);
        assert!(matches!(e, BackendError::NotProvisioned { .. }));
        let e = classify(service("NoSuchKey", "nope", 404), "", &PUT);
        assert!(matches!(e, BackendError::NotFound(_)));
    }

    #[test]
    fn throttling_is_retryable() {
        for code in [
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "SlowDown",
            "TransactionConflictException",
        ] {
            let e = classify(service(code, "slow down", 400), "", &PUT);
            assert!(matches!(e, BackendError::Throttled(_)), "{code}: {e:?}");
            assert!(e.is_retryable());
        }
        let e = classify(service("", "", 503), "", &PUT);
        assert!(e.is_retryable(), "{e:?}");
    }

    #[test]
    fn image_problems_name_the_image() {
        let call = Call::new("rekognition:IndexFaces", "collection c").with_image("/p/a.gif");
        for code in [
            "InvalidImageFormatException",
            "ImageTooLargeException",
            "InvalidParameterException",
        ] {
            let e = classify(service(code, "bad", 400), "", &call);
            assert!(
                matches!(&e, BackendError::InvalidImage { origin, .. } if origin == "/p/a.gif"),
                "{code}: {e:?}"
            );
        }
        // Without an image, a bad parameter is a plain error.
        let e = classify(
            service("InvalidParameterException", "bad", 400),
            "",
            &Call::new("rekognition:ListFaces", "collection c"),
        );
        assert!(matches!(e, BackendError::Other(_)), "{e:?}");
    }

    #[test]
    fn transactions_and_conditions() {
        let call = Call::new("dynamodb:TransactWriteItems", "table t");
        let dup = classify(
            service(
                "TransactionCanceledException",
                "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
                400,
            ),
            "",
            &call,
        );
        assert!(matches!(dup, BackendError::Conflict(_)), "{dup:?}");
        let busy = classify(
            service(
                "TransactionCanceledException",
                "Transaction cancelled [None, ThrottlingError]",
                400,
            ),
            "",
            &call,
        );
        assert!(matches!(busy, BackendError::Throttled(_)), "{busy:?}");
        let cond = classify(
            service("ConditionalCheckFailedException", "x", 400),
            "",
            &call,
        );
        assert!(matches!(cond, BackendError::Conflict(_)));
    }

    #[test]
    fn credentials_region_and_network() {
        let e = classify(
            Failure::Network,
            "dispatch failure: other: no credentials in the property bag",
            &PUT,
        );
        assert!(matches!(e, BackendError::Credentials(_)), "{e:?}");
        let e = classify(
            Failure::Construction,
            "failed to construct request: A region must be set when sending requests to S3.",
            &PUT,
        );
        assert!(matches!(e, BackendError::Credentials(_)), "{e:?}");
        let e = classify(service("InvalidClientTokenId", "bad token", 403), "", &PUT);
        assert!(matches!(e, BackendError::Credentials(_)), "{e:?}");
        let e = classify(
            Failure::Network,
            "dispatch failure: io error: Connection refused (os error 111)",
            &PUT,
        );
        assert!(
            matches!(&e, BackendError::Unavailable(m) if m.contains("Connection refused")),
            "{e:?}"
        );
        assert!(e.is_retryable());
    }

    #[test]
    fn unknown_errors_keep_the_message() {
        let e = classify(service("WeirdError", "something odd", 400), "", &PUT);
        assert!(
            matches!(&e, BackendError::Other(m) if m.contains("WeirdError: something odd") && m.contains("s3:PutObject")),
            "{e:?}"
        );
    }
}
