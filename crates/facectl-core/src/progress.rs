//! Progress events the services emit; the CLI decides how (and whether) to show them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What happened, for a progress bar or a log line.
#[derive(Clone, Debug)]
pub enum ProgressEvent {
    /// A batch of `total` items starts.
    Started { total: u64, label: String },
    /// One item finished (`ok` false for failures).
    ItemDone {
        item: String,
        outcome: String,
        ok: bool,
    },
    /// A note for people (e.g. recovery actions).
    Note(String),
    /// The batch is over.
    Finished,
}

/// Receiver of progress events. Implementations must be cheap; they are called from worker tasks.
pub trait Progress: Send + Sync {
    fn event(&self, event: ProgressEvent);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn event(&self, _event: ProgressEvent) {}
}

/// A flag set by Ctrl-C: long runs stop starting new work and return what they have.
#[derive(Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
