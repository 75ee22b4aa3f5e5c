//! The flat part of a saved search index: every face print of one generation of a collection,
//! L2-normalised f32 rows in `seq` order, memory-mapped (a search touches only what it reads).
//!
//! Layout (little-endian): `FCFLAT01`, dimension (u32), padding (u32), row count (u64), the
//! rows' `seq` numbers (i64 each), then the rows (dimension f32 each).

use crate::error::{CollectionError, CollectionResult};
use memmap2::Mmap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"FCFLAT01";
const HEADER: usize = 24;

/// Rows of face prints, searchable by exact cosine.
pub(crate) enum Flat {
    Mapped {
        map: Mmap,
        dim: usize,
        rows: usize,
    },
    Owned {
        dim: usize,
        seqs: Vec<i64>,
        vectors: Vec<f32>,
    },
}

fn bad(path: &Path, reason: impl Into<String>) -> CollectionError {
    CollectionError::Index {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

impl Flat {
    pub(crate) fn owned(dim: usize) -> Flat {
        Flat::Owned {
            dim,
            seqs: Vec::new(),
            vectors: Vec::new(),
        }
    }

    /// Maps a file written by [`Flat::write`], checking its header and size.
    pub(crate) fn open(path: &Path, dim: usize) -> CollectionResult<Flat> {
        let file = File::open(path).map_err(|e| bad(path, e.to_string()))?;
        // SAFETY: index files are written once under a fresh name and only ever renamed or
        // deleted afterwards, never modified in place, so the mapping cannot change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| bad(path, e.to_string()))?;
        // A search reads a few scattered rows: reading ahead would only fill memory.
        #[cfg(unix)]
        if let Err(e) = map.advise(memmap2::Advice::Random) {
            tracing::debug!(error = %e, "madvise(RANDOM) failed");
        }
        if map.len() < HEADER || &map[..8] != MAGIC {
            return Err(bad(path, "not a facectl index file"));
        }
        let file_dim = u32::from_le_bytes([map[8], map[9], map[10], map[11]]) as usize;
        if file_dim != dim {
            return Err(bad(
                path,
                format!("rows of {file_dim} values, expected {dim}"),
            ));
        }
        let mut n = [0u8; 8];
        n.copy_from_slice(&map[16..24]);
        let rows = usize::try_from(u64::from_le_bytes(n)).map_err(|_| bad(path, "row count"))?;
        let want = rows
            .checked_mul(8 + 4 * dim)
            .and_then(|b| b.checked_add(HEADER));
        if want != Some(map.len()) {
            return Err(bad(path, "truncated or oversized file"));
        }
        Ok(Flat::Mapped { map, dim, rows })
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Flat::Mapped { rows, .. } => *rows,
            Flat::Owned { seqs, .. } => seqs.len(),
        }
    }

    pub(crate) fn seqs(&self) -> &[i64] {
        match self {
            Flat::Mapped { map, rows, .. } => {
                bytemuck::try_cast_slice(&map[HEADER..HEADER + 8 * rows]).unwrap_or(&[])
            }
            Flat::Owned { seqs, .. } => seqs,
        }
    }

    pub(crate) fn vectors(&self) -> &[f32] {
        match self {
            Flat::Mapped { map, rows, .. } => {
                bytemuck::try_cast_slice(&map[HEADER + 8 * rows..]).unwrap_or(&[])
            }
            Flat::Owned { vectors, .. } => vectors,
        }
    }

    pub(crate) fn dim(&self) -> usize {
        match self {
            Flat::Mapped { dim, .. } | Flat::Owned { dim, .. } => *dim,
        }
    }

    /// Row `i`.
    pub(crate) fn row(&self, i: usize) -> &[f32] {
        let d = self.dim();
        self.vectors().get(i * d..(i + 1) * d).unwrap_or(&[])
    }

    /// The row of face `seq` (rows are in `seq` order).
    pub(crate) fn find(&self, seq: i64) -> Option<usize> {
        self.seqs().binary_search(&seq).ok()
    }

    /// Appends a row (owned rows only; `seq` above every row's).
    pub(crate) fn push(&mut self, seq: i64, v: &[f32]) {
        if let Flat::Owned { seqs, vectors, .. } = self {
            seqs.push(seq);
            vectors.extend_from_slice(v);
        }
    }

    /// Writes `rows` (seq, normalised row) to `path`, in the order given, and syncs it.
    pub(crate) fn write<'a>(
        path: &Path,
        dim: usize,
        count: usize,
        rows: impl Iterator<Item = (i64, &'a [f32])> + Clone,
    ) -> CollectionResult<()> {
        let fail = |e: std::io::Error| bad(path, e.to_string());
        let file = File::create(path).map_err(fail)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        w.write_all(MAGIC).map_err(fail)?;
        w.write_all(&u32::try_from(dim).unwrap_or(0).to_le_bytes())
            .map_err(fail)?;
        w.write_all(&0u32.to_le_bytes()).map_err(fail)?;
        w.write_all(&(count as u64).to_le_bytes()).map_err(fail)?;
        let mut written = 0usize;
        for (seq, _) in rows.clone() {
            w.write_all(&seq.to_le_bytes()).map_err(fail)?;
            written += 1;
        }
        if written != count {
            return Err(bad(path, format!("{written} rows for a count of {count}")));
        }
        for (_, v) in rows {
            if v.len() != dim {
                return Err(bad(path, "row of the wrong size"));
            }
            w.write_all(bytemuck::cast_slice(v)).map_err(fail)?;
        }
        let file = w.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)
    }
}

/// The row normalised to unit length; `None` for a zero, non-finite or wrong-sized print.
pub(crate) fn normalised(v: &[f32], dim: usize) -> Option<Vec<f32>> {
    if v.len() != dim {
        return None;
    }
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    (n > 0.0 && n.is_finite()).then(|| v.iter().map(|x| x / n).collect())
}

/// Dot product (rows and probes are unit length, so this is the cosine).
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight lanes the compiler vectorises.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}
