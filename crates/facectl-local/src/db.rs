//! One SQLite connection to `facectl.db` for one port: opening (never creating, except in
//! provision), pragmas (WAL, busy timeout, foreign keys), schema migrations and the
//! per-port provisioning marker.

use crate::error::{blocking, io_error, LocalError, LocalResult};
use crate::schema::{LATEST, MIGRATIONS};
use facectl_core::model::{now_epoch, ResourceState};
use facectl_core::ports::BackendResult;
use facectl_core::BackendError;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How long a writer waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A lazily opened connection to the database file, used by one port (`resource`).
pub(crate) struct Db {
    path: PathBuf,
    resource: &'static str,
    conn: Mutex<Option<Connection>>,
}

/// What provisioning did (or would do) for one port.
pub(crate) struct Provisioned {
    pub state: ResourceState,
    pub detail: Option<String>,
}

/// The database as found on disk, before provisioning.
struct Inspection {
    version: i64,
    provisioned: bool,
}

impl Db {
    pub(crate) fn new(path: PathBuf, resource: &'static str) -> Arc<Self> {
        Arc::new(Db {
            path,
            resource,
            conn: Mutex::new(None),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        // A panic while holding the lock leaves the connection usable (SQLite rolls back an
        // unfinished transaction when it is dropped), so poisoning is not fatal.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn not_provisioned(&self) -> BackendError {
        BackendError::NotProvisioned {
            resource: self.path.display().to_string(),
        }
    }

    fn map(&self) -> impl Fn(LocalError) -> BackendError + '_ {
        move |e| e.into_backend(&self.path)
    }

    /// Runs `f` on the connection, opening it first if needed. Blocking.
    pub(crate) fn call_blocking<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> LocalResult<T>,
    ) -> BackendResult<T> {
        let mut guard = self.lock();
        let conn = match guard.take() {
            Some(conn) => guard.insert(conn),
            None => guard.insert(self.open_existing()?),
        };
        f(conn).map_err(self.map())
    }

    /// Runs `f` on the connection on a blocking worker thread.
    pub(crate) async fn call<T, F>(self: &Arc<Self>, f: F) -> BackendResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> LocalResult<T> + Send + 'static,
    {
        let db = Arc::clone(self);
        blocking(move || db.call_blocking(f)).await
    }

    /// Opens a database that `provision` made for this port, bringing its schema up to date.
    fn open_existing(&self) -> BackendResult<Connection> {
        if !self.path.is_file() {
            return Err(self.not_provisioned());
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| self.map()(LocalError::Sql(e)))?;
        configure(&conn, true).map_err(self.map())?;
        if user_version(&conn).map_err(self.map())? == 0 {
            return Err(self.not_provisioned());
        }
        let from = migrate(&mut conn).map_err(self.map())?;
        if from != LATEST {
            tracing::info!(db = %self.path.display(), from, to = LATEST, "migrated database schema");
        }
        if !is_marked(&conn, self.resource).map_err(self.map())? {
            return Err(self.not_provisioned());
        }
        Ok(conn)
    }

    fn inspect(&self) -> BackendResult<Inspection> {
        if !self.path.exists() {
            return Ok(Inspection {
                version: 0,
                provisioned: false,
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)
            .map_err(|e| self.map()(LocalError::Sql(e)))?;
        configure(&conn, false).map_err(self.map())?;
        let version = user_version(&conn).map_err(self.map())?;
        let provisioned = version > 0 && is_marked(&conn, self.resource).map_err(self.map())?;
        Ok(Inspection {
            version,
            provisioned,
        })
    }

    /// Creates (or upgrades) the database and marks this port provisioned. Blocking.
    /// `dry_run` only looks.
    pub(crate) fn provision_blocking(&self, dry_run: bool) -> BackendResult<Provisioned> {
        let mut guard = self.lock();
        let before = self.inspect()?;
        if before.version > LATEST {
            return Err(self.map()(LocalError::SchemaTooNew {
                found: before.version,
                supported: LATEST,
            }));
        }
        let pending = (before.version > 0 && before.version < LATEST)
            .then(|| format!("schema v{} -> v{LATEST}", before.version));
        if dry_run {
            let state = if before.provisioned {
                ResourceState::Existed
            } else {
                ResourceState::WouldCreate
            };
            return Ok(Provisioned {
                state,
                detail: pending.map(|p| format!("would migrate {p}")),
            });
        }
        if let Some(dir) = self.path.parent() {
            crate::private::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        }
        crate::private::touch(&self.path).map_err(|e| io_error(&self.path, e))?;
        if let Some(dir) = self.path.parent() {
            crate::private::tighten(dir, 0o700);
        }
        crate::private::tighten(&self.path, 0o600);
        let mut conn = Connection::open(&self.path).map_err(|e| self.map()(LocalError::Sql(e)))?;
        configure(&conn, true).map_err(self.map())?;
        migrate(&mut conn).map_err(self.map())?;
        let newly = mark(&conn, self.resource).map_err(self.map())?;
        *guard = Some(conn);
        let state = if newly {
            tracing::info!(db = %self.path.display(), resource = self.resource, "provisioned");
            ResourceState::Created
        } else {
            ResourceState::Existed
        };
        let detail = match pending {
            Some(p) => Some(format!("migrated {p}")),
            None if newly => Some(format!("schema v{LATEST}")),
            None => None,
        };
        Ok(Provisioned { state, detail })
    }

    /// [`Db::provision_blocking`] on a worker thread.
    pub(crate) async fn provision(self: &Arc<Self>, dry_run: bool) -> BackendResult<Provisioned> {
        let db = Arc::clone(self);
        blocking(move || db.provision_blocking(dry_run)).await
    }
}

/// Per-connection settings. `writable` connections also switch the file to WAL.
fn configure(conn: &Connection, writable: bool) -> LocalResult<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    if writable {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite refused WAL journal mode");
        }
    }
    Ok(())
}

/// The schema version recorded in the file (0 for a fresh file).
pub(crate) fn user_version(conn: &Connection) -> LocalResult<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn is_marked(conn: &Connection, resource: &str) -> LocalResult<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM facectl_resources WHERE name = ?1",
            [resource],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Records `resource` as provisioned; returns whether it was not before.
fn mark(conn: &Connection, resource: &str) -> LocalResult<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO facectl_resources (name, created_at) VALUES (?1, ?2)",
        rusqlite::params![resource, now_epoch()],
    )?;
    Ok(n > 0)
}

/// Applies pending migrations in one immediate transaction; returns the version found.
fn migrate(conn: &mut Connection) -> LocalResult<i64> {
    // The common case needs no write lock.
    if user_version(conn)? == LATEST {
        return Ok(LATEST);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found > LATEST {
        return Err(LocalError::SchemaTooNew {
            found,
            supported: LATEST,
        });
    }
    let done = usize::try_from(found)
        .map_err(|_| LocalError::Corrupt(format!("negative schema version {found}")))?;
    for batches in MIGRATIONS.iter().skip(done) {
        for sql in batches.iter() {
            tx.execute_batch(sql)?;
        }
    }
    if found < LATEST {
        tx.pragma_update(None, "user_version", LATEST)?;
    }
    tx.commit()?;
    Ok(found)
}
