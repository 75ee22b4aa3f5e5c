//! The SQLite schema of face collections (`fc_*` tables), which can live in a file of its own
//! or beside other tables in a backend's database, and the import of older layouts.
//!
//! `fc_faces.seq` is never reused (AUTOINCREMENT): the search index keys faces by it, and a
//! copy of the index that holds every face up to some `seq` can be brought up to date from the
//! faces after it and the removals logged in `fc_removed` since its generation.

/// Tables of version 1. Idempotent.
pub const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS fc_collections (
    id         TEXT PRIMARY KEY NOT NULL,
    -- Random per creation: a collection deleted and created again is another collection
    -- to the search index files.
    uid        TEXT NOT NULL,
    created    REAL NOT NULL,
    -- The model the face prints were made with; NULL while an unpinned collection is empty.
    model      TEXT,
    -- 1 when the model was fixed at creation (kept when the collection is emptied).
    pinned     INTEGER NOT NULL DEFAULT 0,
    -- Bumped by every change to the faces.
    generation INTEGER NOT NULL DEFAULT 0,
    faces      INTEGER NOT NULL DEFAULT 0,
    -- Removals up to this generation were pruned from fc_removed.
    pruned     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS fc_faces (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    collection   TEXT NOT NULL,
    face_id      TEXT NOT NULL UNIQUE,
    image_id     TEXT NOT NULL DEFAULT '',
    external_id  TEXT,
    image_key    TEXT NOT NULL DEFAULT '',
    user_id      TEXT,
    -- Face box in pixels of the upright image, and that image's size (0 when unknown).
    bbox_x       REAL NOT NULL,
    bbox_y       REAL NOT NULL,
    bbox_width   REAL NOT NULL,
    bbox_height  REAL NOT NULL,
    image_width  INTEGER NOT NULL DEFAULT 0,
    image_height INTEGER NOT NULL DEFAULT 0,
    confidence   REAL NOT NULL,
    landmarks    TEXT,
    quality      TEXT,
    embedding    BLOB NOT NULL,
    created      REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS fc_faces_by_collection ON fc_faces (collection, seq);
CREATE INDEX IF NOT EXISTS fc_faces_by_external_id ON fc_faces (collection, external_id);

CREATE TABLE IF NOT EXISTS fc_removed (
    collection TEXT NOT NULL,
    generation INTEGER NOT NULL,
    seq        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fc_removed_by_generation ON fc_removed (collection, generation);

-- Users of a collection (Rekognition's Users API); faces name theirs in fc_faces.user_id.
CREATE TABLE IF NOT EXISTS fc_users (
    collection TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created    REAL NOT NULL,
    -- The ClientRequestToken of the creation: the same request again succeeds again.
    token      TEXT,
    PRIMARY KEY (collection, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fc_faces_by_user ON fc_faces (collection, user_id);
";

/// The collection of facectl's local backend.
pub const LOCAL_COLLECTION: &str = "default";

/// Moves the faces of facectl-local's first layout (`collection_faces`, `collection_meta`)
/// into collection `default`, keeping their order, model binding and generation. Runs after
/// [`SCHEMA_V1`] in the same transaction.
pub const ADOPT_LOCAL_V1: &str = "
INSERT INTO fc_collections (id, uid, created, model, pinned, generation, faces)
SELECT 'default', lower(hex(randomblob(16))), CAST(strftime('%s', 'now') AS REAL),
       (SELECT value FROM collection_meta WHERE key = 'model'), 0,
       COALESCE((SELECT CAST(value AS INTEGER) FROM collection_meta WHERE key = 'generation'), 0),
       (SELECT count(*) FROM collection_faces)
WHERE NOT EXISTS (SELECT 1 FROM fc_collections WHERE id = 'default');

INSERT INTO fc_faces (collection, face_id, external_id, image_key, bbox_x, bbox_y, bbox_width,
                      bbox_height, confidence, landmarks, quality, embedding, created)
SELECT 'default', face_id, external_id, image_key, bbox_x, bbox_y, bbox_width, bbox_height,
       confidence, landmarks, quality, embedding, CAST(created_at AS REAL)
FROM collection_faces ORDER BY created_at, face_id;

DROP TABLE collection_faces;
DROP TABLE collection_meta;
";

/// Moves the collections of `facectl serve`'s first layout (`collections`, `faces`, `users`
/// in `rekognition.sqlite`) into the `fc_*` tables, keeping every face's `seq` (so ListFaces
/// tokens stay valid). Its boxes were stored as ratios of the image: they are kept as pixels of
/// a 1x1 image, which reads back as the same ratios. Runs after [`SCHEMA_V1`] in the same
/// transaction.
pub const ADOPT_SERVE_V1: &str = "
INSERT INTO fc_collections (id, uid, created, model, pinned, generation, faces)
SELECT c.id, lower(hex(randomblob(16))), c.created, c.model, 1, 0,
       (SELECT count(*) FROM faces f WHERE f.collection = c.id)
FROM collections c;

INSERT INTO fc_faces (seq, collection, face_id, image_id, external_id, user_id, bbox_x, bbox_y,
                      bbox_width, bbox_height, image_width, image_height, confidence, embedding,
                      created)
SELECT seq, collection, face_id, image_id, external_image_id, user_id, bbox_left, bbox_top,
       bbox_width, bbox_height, 1, 1, confidence, embedding, created
FROM faces ORDER BY seq;

INSERT INTO fc_users (collection, user_id, created, token)
SELECT collection, user_id, created, token FROM users;

DROP TABLE users;
DROP TABLE faces;
DROP TABLE collections;
";
