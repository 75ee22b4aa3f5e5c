//! Private by default: folders facectl creates are `0700` and files `0600` (owner only),
//! whatever the umask, because they hold photos and face prints.

use std::fs;
use std::io;
use std::path::Path;

/// `create_dir_all`, with every folder it creates readable by the owner only.
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Options that create a new file readable and writable by the owner only.
pub fn new_file_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates `path` empty and private unless it exists, so that SQLite (which gives its `-wal`
/// and `-shm` files the database file's mode) opens an owner-only database.
pub fn touch(path: &Path) -> io::Result<()> {
    match new_file_options().open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Narrows `path` to `mode` (e.g. a data folder `facectl models install` made with the umask's
/// defaults before `provision`); never widens. Failures are logged: the data is still usable.
pub fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = fs::metadata(path) else {
            return;
        };
        let now = meta.permissions().mode() & 0o777;
        if now & !mode == 0 {
            return;
        }
        if let Err(e) = fs::set_permissions(path, fs::Permissions::from_mode(now & mode)) {
            tracing::warn!(path = %path.display(), error = %e, "could not make private");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}
