//! Use cases: one module per command family, sharing the helpers below.

pub mod bulk_import;
pub mod claims;
pub mod delete;
pub mod doctor;
pub mod enroll;
pub mod ingest;
pub mod inventory;
pub mod provision;
pub mod recovery;
pub mod search;
pub mod upload_event;
pub mod verify;
pub mod watch;
pub mod watch_uploads;

use crate::error::{BackendError, ServiceError};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::path::Path;
use std::time::Duration;

/// Largest file facectl reads as an image (bigger files are refused before decoding).
pub const DEFAULT_MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Read an image file, refusing empty and oversized files with a message naming the file.
pub fn read_image_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ServiceError> {
    let meta = std::fs::metadata(path).map_err(|e| ServiceError::io(path, e))?;
    if meta.is_dir() {
        return Err(ServiceError::InvalidInput(format!(
            "{}: is a directory",
            path.display()
        )));
    }
    if !meta.is_file() {
        // Opening a FIFO would block until a writer comes; devices and sockets are no photos.
        return Err(ServiceError::InvalidInput(format!(
            "{}: not a regular file ({})",
            path.display(),
            special_kind(&meta.file_type())
        )));
    }
    if meta.len() > max_bytes {
        return Err(ServiceError::Backend(BackendError::InvalidImage {
            origin: path.display().to_string(),
            reason: format!(
                "file is {} bytes, over the {} byte limit",
                meta.len(),
                max_bytes
            ),
        }));
    }
    let bytes = std::fs::read(path).map_err(|e| ServiceError::io(path, e))?;
    if bytes.is_empty() {
        return Err(ServiceError::Backend(BackendError::InvalidImage {
            origin: path.display().to_string(),
            reason: "file is empty".into(),
        }));
    }
    Ok(bytes)
}

/// A photo in memory (a file already read, or an upload) and the name messages give it.
#[derive(Clone, Debug)]
pub struct Photo {
    /// Where it came from: a path, or `upload:<file name>`.
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Photo {
    /// Reads an image file (see [`read_image_file`]).
    pub fn read(path: &Path, max_bytes: u64) -> Result<Photo, ServiceError> {
        Ok(Photo {
            name: path.display().to_string(),
            bytes: read_image_file(path, max_bytes)?,
        })
    }

    /// A photo received over the network, refused when empty or over `max_bytes`.
    pub fn upload(name: &str, bytes: Vec<u8>, max_bytes: u64) -> Result<Photo, ServiceError> {
        let invalid = |reason: String| {
            ServiceError::Backend(BackendError::InvalidImage {
                origin: name.to_string(),
                reason,
            })
        };
        if bytes.is_empty() {
            return Err(invalid("the upload is empty".into()));
        }
        if bytes.len() as u64 > max_bytes {
            return Err(invalid(format!(
                "the upload is {} bytes, over the {max_bytes} byte limit",
                bytes.len()
            )));
        }
        Ok(Photo {
            name: name.to_string(),
            bytes,
        })
    }

    /// The photo as a backend input.
    pub fn input(&self) -> crate::ports::ImageInput<'_> {
        crate::ports::ImageInput {
            bytes: &self.bytes,
            key: "",
            origin: &self.name,
        }
    }
}

/// What kind of special file this is, for messages.
pub fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// SHA-256 of the bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Image format by content (magic bytes), as `(extension, content type)`.
pub fn sniff_format(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let b = bytes;
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(("webp", "image/webp"))
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(("gif", "image/gif"))
    } else if b.starts_with(b"BM") {
        Some(("bmp", "image/bmp"))
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        Some(("tiff", "image/tiff"))
    } else {
        None
    }
}

/// Content-addressed key for an image: `ab/<sha256>.<ext>`.
pub fn image_key(hash: &str, ext: &str) -> String {
    format!("{}/{hash}.{ext}", &hash[..2.min(hash.len())])
}

/// Retry a backend call on retryable errors (throttling, unavailable) with capped exponential
/// backoff and jitter; other errors return at once.
pub async fn with_retry<T, F, Fut>(attempts: u32, mut call: F) -> Result<T, BackendError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, BackendError>>,
{
    let mut delay = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt < attempts => {
                let jitter = Duration::from_millis(u64::from(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_millis())
                        .unwrap_or(0)
                        % 100,
                ));
                tracing::debug!(attempt, error = %e, "retrying after {:?}", delay + jitter);
                tokio::time::sleep(delay + jitter).await;
                delay = (delay * 2).min(Duration::from_secs(10));
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff_format(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().0, "jpg");
        assert_eq!(sniff_format(b"\x89PNG\r\n\x1a\nxxxx").unwrap().0, "png");
        assert_eq!(sniff_format(b"RIFF\0\0\0\0WEBPVP8 ").unwrap().0, "webp");
        assert!(sniff_format(b"hello").is_none());
        assert_eq!(image_key("abcdef", "jpg"), "ab/abcdef.jpg");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_retries_only_retryable_errors() {
        let calls = AtomicU32::new(0);
        let r: Result<u32, _> = with_retry(5, || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if n < 2 {
                Err(BackendError::Throttled("slow down".into()))
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 2);
        let calls = AtomicU32::new(0);
        let r: Result<u32, _> = with_retry(5, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(BackendError::NotFound("x".into()))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let calls = AtomicU32::new(0);
        let r: Result<u32, _> = with_retry(3, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(BackendError::Throttled("x".into()))
        })
        .await;
        assert!(matches!(r, Err(BackendError::Throttled(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
