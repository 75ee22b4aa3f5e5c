//! The SQLite schema of `facectl.db`: versioned migrations (tracked in `PRAGMA user_version`).
//!
//! Migration `i` (0-based) upgrades the database from version `i` to `i + 1`. Never edit a
//! shipped migration; append a new one.

/// Which ports have been provisioned. All tables exist once any port is provisioned, but each
/// port is a resource of its own: it counts as existing only after its own `provision`.
const V1_RESOURCES: &str = "
CREATE TABLE facectl_resources (
    name       TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
";

/// Collection tables of versions 1-2 (moved into `fc_*` by version 3): face prints and the
/// model binding.
const V1_COLLECTION: &str = "
CREATE TABLE collection_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO collection_meta (key, value) VALUES ('generation', '0');

CREATE TABLE collection_faces (
    face_id     TEXT PRIMARY KEY NOT NULL,
    external_id TEXT,
    image_key   TEXT NOT NULL DEFAULT '',
    embedding   BLOB NOT NULL,
    bbox_x      REAL NOT NULL,
    bbox_y      REAL NOT NULL,
    bbox_width  REAL NOT NULL,
    bbox_height REAL NOT NULL,
    confidence  REAL NOT NULL,
    landmarks   TEXT NOT NULL,
    quality     TEXT NOT NULL,
    model       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX collection_faces_external_id ON collection_faces (external_id);
";

/// Person table: persons, face records and image records.
const V1_TABLE: &str = "
CREATE TABLE persons (
    person_id  TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    name_fold  TEXT NOT NULL,
    first_name TEXT,
    last_name  TEXT,
    meta       TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX persons_name_fold ON persons (name_fold);

CREATE TABLE face_records (
    face_id     TEXT PRIMARY KEY NOT NULL,
    person_id   TEXT NOT NULL REFERENCES persons (person_id),
    image_hash  TEXT NOT NULL,
    image_key   TEXT NOT NULL,
    bbox_x      REAL NOT NULL,
    bbox_y      REAL NOT NULL,
    bbox_width  REAL NOT NULL,
    bbox_height REAL NOT NULL,
    confidence  REAL NOT NULL,
    model       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX face_records_person_id ON face_records (person_id);
CREATE INDEX face_records_image_hash ON face_records (image_hash);

CREATE TABLE images (
    image_hash TEXT PRIMARY KEY NOT NULL,
    image_key  TEXT NOT NULL,
    source     TEXT NOT NULL,
    status     TEXT NOT NULL
        CHECK (status IN ('pending', 'indexed', 'no_face', 'multiple_faces')),
    person_id  TEXT,
    faces      INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX images_status ON images (status);
";

/// Image claims: the writer holding a `pending` image and its lease (see
/// `facectl_core::service::claims`). Pending rows from v1 have no owner and count as abandoned.
const V2_CLAIMS: &str = "
ALTER TABLE images ADD COLUMN owner TEXT;
ALTER TABLE images ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
";

/// Each entry is one migration: a list of SQL batches run in one transaction. Version 3 moves
/// the faces into the shared collection tables of `facectl-collection` (collection `default`).
pub(crate) const MIGRATIONS: &[&[&str]] = &[
    &[V1_RESOURCES, V1_COLLECTION, V1_TABLE],
    &[V2_CLAIMS],
    &[
        facectl_collection::schema::SCHEMA_V1,
        facectl_collection::schema::ADOPT_LOCAL_V1,
    ],
];

/// The schema version this build writes and understands.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// Resource name of the face collection port in `facectl_resources`.
pub(crate) const COLLECTION_RESOURCE: &str = "collection";

/// Resource name of the person table port in `facectl_resources`.
pub(crate) const TABLE_RESOURCE: &str = "table";
