//! Who holds an image while it is written: one [`Writer`] per run, its lease and heartbeat, and
//! the rule that says when another writer's `pending` image counts as abandoned.
//!
//! Each run (one `bulk-import`, one `enroll`, one recovery) is a writer with an owner id
//! `<host>/<pid>/<run>`. It claims an image by creating its `pending` record atomically (one
//! per content hash), renews the lease of everything it holds every [`HEARTBEAT_SECS`], and only
//! the holder may store, index, commit or release that image. Another writer's claim is
//! abandoned when its lease ran out ([`LEASE_SECS`] without a heartbeat: a crash on any host),
//! or at once when the owner ran on this host and its process is gone (`kill -9`) or, in this
//! process, its run has ended (a dropped future).

use crate::model::{now_epoch, ImageClaim};
use crate::ports::Backend;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How long a claim lives without a heartbeat.
pub const LEASE_SECS: i64 = 60;
/// How often a writer renews its claims.
pub const HEARTBEAT_SECS: u64 = 15;

/// Owner ids of the writers alive in this process.
static LIVE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
static RUNS: AtomicU64 = AtomicU64::new(0);

fn live() -> std::sync::MutexGuard<'static, BTreeSet<String>> {
    LIVE.lock().unwrap_or_else(|p| p.into_inner())
}

/// This machine's host name, when the system says.
fn host() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty() && !h.contains('/'))
}

/// Whether process `pid` on this host still runs (`None`: cannot tell here).
fn process_alive(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self/stat").exists() {
        return None;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Some(false);
    };
    // `pid (comm) S ...`: the state follows the last `)`; zombies have exited.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    Some(!matches!(state, Some('Z' | 'X')))
}

/// True when `claim` no longer protects its image: no claim at all, an expired lease, or an
/// owner on this host that is known to be gone.
pub fn is_abandoned(claim: Option<&ImageClaim>, now: i64) -> bool {
    let Some(claim) = claim else {
        return true;
    };
    if claim.lease_until < now {
        return true;
    }
    let mut parts = claim.owner.splitn(3, '/');
    let (Some(owner_host), Some(pid), Some(_run)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if host().as_deref() != Some(owner_host) {
        return false;
    }
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if pid == std::process::id() {
        return !live().contains(&claim.owner);
    }
    process_alive(pid) == Some(false)
}

/// One writer: an owner id registered as alive until dropped, and its heartbeat task.
pub struct Writer {
    owner: String,
    heartbeat: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    pub fn new() -> Self {
        let run = RUNS.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let owner = format!(
            "{}/{}/{nanos:x}-{run}",
            host().unwrap_or_else(|| "unknown-host".into()),
            std::process::id()
        );
        live().insert(owner.clone());
        Writer {
            owner,
            heartbeat: Mutex::new(None),
        }
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// A fresh claim for this writer.
    pub fn claim(&self) -> ImageClaim {
        ImageClaim {
            owner: self.owner.clone(),
            lease_until: now_epoch() + LEASE_SECS,
        }
    }

    /// Starts renewing this writer's claims (once; later calls do nothing).
    pub fn keep_alive(&self, backend: &Backend) {
        let mut slot = self.heartbeat.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return;
        }
        let table = std::sync::Arc::clone(&backend.table);
        let owner = self.owner.clone();
        *slot = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(HEARTBEAT_SECS)).await;
                if let Err(e) = table.renew_claims(&owner, now_epoch() + LEASE_SECS).await {
                    tracing::warn!(owner, error = %e, "could not renew image claims");
                }
            }
        }));
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let slot = self.heartbeat.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(task) = slot.take() {
            task.abort();
        }
        live().remove(&self.owner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_of_gone_or_ended_owners_are_abandoned() {
        let now = now_epoch();
        assert!(is_abandoned(None, now));
        let writer = Writer::new();
        let claim = writer.claim();
        assert!(!is_abandoned(Some(&claim), now), "a live writer holds");
        let expired = ImageClaim {
            lease_until: now - 1,
            ..claim.clone()
        };
        assert!(is_abandoned(Some(&expired), now), "lease ran out");
        let elsewhere = ImageClaim {
            owner: "other-host/1/x".into(),
            lease_until: now + 10,
        };
        assert!(
            !is_abandoned(Some(&elsewhere), now),
            "other hosts: lease only"
        );
        if host().is_some() && process_alive(std::process::id()).is_some() {
            let dead_pid = ImageClaim {
                owner: format!("{}/{}/x", host().unwrap_or_default(), u32::MAX - 1),
                lease_until: now + 10,
            };
            assert!(is_abandoned(Some(&dead_pid), now), "process gone");
        }
        drop(writer);
        assert!(is_abandoned(Some(&claim), now), "run ended in this process");
    }
}
