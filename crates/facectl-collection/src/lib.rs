//! Face collections for every facectl backend that stores faces itself (the local backend and
//! `facectl serve`): the SQLite schema and its SQL ([`schema`], [`store`]), a search index
//! that stays fast from one face to millions ([`index`]), and the image step of indexing and
//! searching ([`analysis`]), users of a collection ([`users`]), and a database of
//! collections only ([`db`], serve's). Callers map [`CollectionError`] to their own errors.

pub mod analysis;
pub mod db;
mod error;
pub mod index;
pub mod private;
pub mod schema;
pub mod store;
pub mod users;

pub use db::{CollectionDb, Match};
pub use error::{CollectionError, CollectionResult};
pub use index::{Hit, IndexConfig, SearchIndexes};
