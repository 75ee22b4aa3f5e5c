//! Start-up cache of what the engine computes from the model files: the folded model (and,
//! on ONNX Runtime, its optimised graph), stored under the data dir keyed by the source
//! file's SHA-256, the form's version and the runtime's, so a short command skips the work
//! the previous one did. An entry carries its length and CRC-32 in a trailer: a cut, altered
//! or foreign file is a miss (and is replaced), never trusted. Failing to read or write the
//! cache never fails a load: the engine then does the work itself.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::models::TempFile;

/// Trailer: magic, payload length (u64 LE), CRC-32 of the payload (u32 LE).
const MAGIC: &[u8; 8] = b"FCTLMC01";
const TRAILER: usize = MAGIC.len() + 8 + 4;

/// A folder of cached model forms.
#[derive(Clone, Debug)]
pub struct ModelCache {
    dir: PathBuf,
}

impl ModelCache {
    pub fn new(dir: impl Into<PathBuf>) -> ModelCache {
        ModelCache { dir: dir.into() }
    }

    /// The file holding `kind` (e.g. `fold-v1`) of the model whose file hashes to `sha256`.
    pub fn path(&self, sha256: &str, kind: &str) -> PathBuf {
        let safe: String = kind
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("{sha256}.{safe}.bin"))
    }

    /// The cached payload, if there is a whole, unaltered one.
    pub fn get(&self, sha256: &str, kind: &str) -> Option<Vec<u8>> {
        let path = self.path(sha256, kind);
        let mut bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::debug!(path = %path.display(), error = %e, "model cache unreadable");
                }
                return None;
            }
        };
        match check(&bytes) {
            Ok(len) => {
                bytes.truncate(len);
                Some(bytes)
            }
            Err(why) => {
                tracing::warn!(path = %path.display(), why, "model cache entry ignored (rebuilt)");
                None
            }
        }
    }

    /// Stores `payload` (a temporary file renamed into place: readers see all or nothing).
    pub fn put(&self, sha256: &str, kind: &str, payload: &[u8]) {
        let path = self.path(sha256, kind);
        if let Err(e) = self.write(&path, payload) {
            tracing::debug!(path = %path.display(), error = %e, "model cache not written");
        }
    }

    /// A fresh temporary path in the cache folder (made if need be; removed when dropped), for
    /// a runtime to write a form of a model into; `None` when the folder cannot be made.
    pub(crate) fn temp(&self) -> Option<TempFile> {
        match self.make_dir() {
            Ok(()) => Some(crate::models::temp_in(&self.dir, "runtime")),
            Err(e) => {
                tracing::debug!(path = %self.dir.display(), error = %e, "model cache folder not made");
                None
            }
        }
    }

    /// Makes the folder, private like the rest of the data dir whatever the umask.
    fn make_dir(&self) -> std::io::Result<()> {
        let mut dirs = std::fs::DirBuilder::new();
        dirs.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut dirs, 0o700);
        dirs.create(&self.dir)
    }

    fn write(&self, path: &Path, payload: &[u8]) -> std::io::Result<()> {
        self.make_dir()?;
        let mut tmp = crate::models::temp_in(&self.dir, "entry");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp.path)?;
        file.write_all(payload)?;
        file.write_all(&trailer(payload))?;
        file.sync_all()?;
        std::fs::rename(&tmp.path, path)?;
        tmp.keep = true;
        Ok(())
    }
}

fn trailer(payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::with_capacity(TRAILER);
    t.extend_from_slice(MAGIC);
    t.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    t.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    t
}

/// The payload's length when `bytes` is a payload followed by its trailer.
fn check(bytes: &[u8]) -> Result<usize, &'static str> {
    let Some(start) = bytes.len().checked_sub(TRAILER) else {
        return Err("shorter than its trailer");
    };
    let t = &bytes[start..];
    if &t[..MAGIC.len()] != MAGIC {
        return Err("no trailer (cut or not a cache entry)");
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&t[MAGIC.len()..MAGIC.len() + 8]);
    if u64::from_le_bytes(len) != start as u64 {
        return Err("length does not match its trailer");
    }
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&t[MAGIC.len() + 8..]);
    if crc32fast::hash(&bytes[..start]) != u32::from_le_bytes(crc) {
        return Err("checksum does not match (altered)");
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damaged_ones_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ModelCache::new(dir.path().join("cache"));
        let sha = "ab".repeat(32);
        assert_eq!(cache.get(&sha, "fold-v1"), None);
        let payload: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
        cache.put(&sha, "fold-v1", &payload);
        assert_eq!(cache.get(&sha, "fold-v1").as_deref(), Some(&payload[..]));
        // Another kind or another source file is another entry.
        assert_eq!(cache.get(&sha, "ort-1.31.1"), None);
        assert_eq!(cache.get(&"cd".repeat(32), "fold-v1"), None);

        let path = cache.path(&sha, "fold-v1");
        let whole = std::fs::read(&path).unwrap();
        // One flipped bit anywhere, a cut, a file without trailer: all misses.
        for at in [0, payload.len() / 2, payload.len() - 1, whole.len() - 1] {
            let mut bad = whole.clone();
            bad[at] ^= 0x10;
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(cache.get(&sha, "fold-v1"), None, "bit flipped at {at}");
        }
        for cut in [0, 5, TRAILER, whole.len() / 2, whole.len() - 1] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert_eq!(cache.get(&sha, "fold-v1"), None, "cut to {cut}");
        }
        std::fs::write(&path, &payload).unwrap();
        assert_eq!(cache.get(&sha, "fold-v1"), None);
        // Rewritten whole, it is used again; no temporary file is left behind.
        cache.put(&sha, "fold-v1", &payload);
        assert_eq!(cache.get(&sha, "fold-v1").as_deref(), Some(&payload[..]));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn an_unwritable_cache_is_only_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        // The cache folder would have to live under a plain file: writing fails quietly.
        let cache = ModelCache::new(blocker.join("cache"));
        cache.put("00", "fold-v1", b"payload");
        assert_eq!(cache.get("00", "fold-v1"), None);
    }
}
