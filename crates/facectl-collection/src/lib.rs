//! Face collections for every facectl backend that stores faces itself (the local backend and
//! `facectl serve`): the SQLite schema and its SQL ([`schema`], [`store`]), a search index
//! that stays fast from one face to millions ([`index`]), and the image step of indexing and
//! searching ([`analysis`]). Callers keep their own connection and map [`CollectionError`]
//! to their own errors.

pub mod analysis;
mod error;
pub mod index;
pub mod schema;
pub mod store;

pub use error::{CollectionError, CollectionResult};
pub use index::{Hit, IndexConfig, SearchIndexes};
