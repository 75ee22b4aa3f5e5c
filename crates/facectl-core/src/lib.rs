//! facectl's service layer: use cases over backend ports, returning serialisable reports.
//!
//! Layering: the CLI calls [`service`] functions with a [`Backend`] (a set of [`ports`]
//! implemented by the local or aws backend). Services never print; they report progress
//! through [`progress::Progress`] and return report structs the CLI renders.

pub mod contract;
pub mod error;
pub mod faults;
pub mod model;
pub mod naming;
pub mod ports;
pub mod progress;
pub mod service;

pub use error::{BackendError, ServiceError};
pub use ports::{Backend, FaceCollection, ImageStore, PersonTable};
