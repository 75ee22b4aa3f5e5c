//! Person naming: ids from names, names from file and folder names, CSV mappings.

use crate::error::ServiceError;
use crate::model::PersonInfo;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// A person id from a display name: spaces become `_`, characters outside Rekognition's
/// `[a-zA-Z0-9_.\-:]` become `:xx` per UTF-8 byte, so the mapping is reversible.
pub fn person_id_for(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.trim().chars() {
        match ch {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => out.push(ch),
            ' ' => out.push('_'),
            _ => {
                let mut buf = [0u8; 4];
                for b in ch.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!(":{b:02x}"));
                }
            }
        }
    }
    out
}

/// Inverse of [`person_id_for`] (for ids it produced).
pub fn name_for_person_id(id: &str) -> String {
    let mut bytes = Vec::with_capacity(id.len());
    let raw = id.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b':' && i + 3 <= raw.len() && id.is_char_boundary(i + 3) {
            if let Ok(b) = u8::from_str_radix(&id[i + 1..i + 3], 16) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(if raw[i] == b'_' { b' ' } else { raw[i] });
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// True when `id` can be used as a person id (and as Rekognition's ExternalImageId).
pub fn is_valid_person_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 255
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':'))
}

/// A person from a display name.
pub fn person_named(name: &str) -> PersonInfo {
    PersonInfo {
        person_id: person_id_for(name),
        name: name.trim().to_string(),
        ..PersonInfo::default()
    }
}

/// `Jane_Doe` -> `Jane Doe` (folder names as in LFW).
pub fn name_from_folder(folder: &str) -> String {
    folder.replace('_', " ").trim().to_string()
}

/// `Jane_Doe_0003.jpg`, `Jane Doe (2).png`, `jane-doe-1.jpg` -> the name without the counter.
pub fn name_from_stem(stem: &str) -> String {
    let mut s = stem.trim().to_string();
    // " (2)" suffix
    if s.ends_with(')') {
        if let Some(open) = s.rfind(" (") {
            if s[open + 2..s.len() - 1].chars().all(|c| c.is_ascii_digit()) {
                s.truncate(open);
            }
        }
    }
    // trailing _0003 / -1 / ' 2'
    let trimmed = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() < s.len() && trimmed.ends_with(['_', '-', ' ']) && trimmed.len() > 1 {
        s = trimmed[..trimmed.len() - 1].to_string();
    }
    s.replace(['_'], " ").trim().to_string()
}

/// How bulk-import finds the person for each file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Naming {
    /// Files in sub-folders take the folder's name; files at the top take their stem.
    Auto,
    /// The immediate parent folder's name (`dir/Jane_Doe/1.jpg`).
    Folder,
    /// The file stem (`Jane_Doe.jpg`, putimages-style).
    Stem,
    /// A CSV mapping `file,name[,first_name,last_name,person_id,<meta>...]`.
    Csv(PathBuf),
}

/// A CSV mapping: file path (relative to the import root, or absolute) -> person.
pub struct CsvMapping {
    /// Path -> (CSV line, person).
    by_path: HashMap<PathBuf, (usize, PersonInfo)>,
}

impl CsvMapping {
    /// Read a mapping. The header row is optional; without one, columns are `file,name,<meta...>`.
    /// Two rows for one file that disagree on the person are an error naming both lines.
    pub fn load(csv_path: &Path, root: &Path) -> Result<CsvMapping, ServiceError> {
        let text = std::fs::read_to_string(csv_path).map_err(|e| ServiceError::io(csv_path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut rows = reader.records();
        let bad = |line: usize, why: String| {
            ServiceError::InvalidInput(format!("{}:{line}: {why}", csv_path.display()))
        };
        let mut header: Vec<String> = vec!["file".into(), "name".into()];
        let mut by_path: HashMap<PathBuf, (usize, PersonInfo)> = HashMap::new();
        let mut conflicts = Vec::new();
        let mut line = 0usize;
        let mut first = true;
        for row in rows.by_ref() {
            line += 1;
            let row = row.map_err(|e| bad(line, e.to_string()))?;
            if row.iter().all(|f| f.is_empty()) {
                continue;
            }
            if first {
                first = false;
                if row.get(0).map(|f| f.eq_ignore_ascii_case("file")) == Some(true) {
                    header = row.iter().map(|f| f.to_ascii_lowercase()).collect();
                    if !header.iter().any(|h| h == "name") {
                        return Err(bad(line, "header has no `name` column".into()));
                    }
                    continue;
                }
                header.extend((2..row.len()).map(|i| format!("col{}", i + 1)));
            }
            let mut file = None;
            let mut person = PersonInfo::default();
            for (i, value) in row.iter().enumerate() {
                let Some(col) = header.get(i) else { continue };
                if value.is_empty() {
                    continue;
                }
                match col.as_str() {
                    "file" => file = Some(value.to_string()),
                    "name" => person.name = value.to_string(),
                    "first_name" => person.first_name = Some(value.to_string()),
                    "last_name" => person.last_name = Some(value.to_string()),
                    "person_id" => person.person_id = value.to_string(),
                    other => {
                        person.meta.insert(other.to_string(), value.to_string());
                    }
                }
            }
            let file = file.ok_or_else(|| bad(line, "missing file".into()))?;
            if person.name.is_empty() {
                return Err(bad(line, format!("no name for {file}")));
            }
            if person.person_id.is_empty() {
                person.person_id = person_id_for(&person.name);
            } else if !is_valid_person_id(&person.person_id) {
                return Err(bad(
                    line,
                    format!(
                        "person_id `{}` must match [a-zA-Z0-9_.-:]+",
                        person.person_id
                    ),
                ));
            }
            let path = PathBuf::from(&file);
            let path = if path.is_absolute() {
                path
            } else {
                root.join(path)
            };
            match by_path.entry(normalise(&path)) {
                std::collections::hash_map::Entry::Occupied(seen) => {
                    let (first_line, first) = seen.get();
                    if *first != person {
                        conflicts.push(format!(
                            "{file}: line {first_line} says `{}` ({}), line {line} says `{}` ({})",
                            first.name, first.person_id, person.name, person.person_id
                        ));
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert((line, person));
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(ServiceError::InvalidInput(format!(
                "{}: {} file(s) mapped to different persons; nothing imported:\n  {}",
                csv_path.display(),
                conflicts.len(),
                conflicts.join("\n  ")
            )));
        }
        Ok(CsvMapping { by_path })
    }

    pub fn person_for(&self, path: &Path) -> Option<&PersonInfo> {
        self.by_path.get(&normalise(path)).map(|(_, p)| p)
    }

    /// Rows whose file is not among `found`, as (line, path), in line order.
    pub fn unmatched(&self, found: &[PathBuf]) -> Vec<(usize, PathBuf)> {
        let found: std::collections::HashSet<PathBuf> =
            found.iter().map(|p| normalise(p)).collect();
        let mut rows: Vec<(usize, PathBuf)> = self
            .by_path
            .iter()
            .filter(|(path, _)| !found.contains(*path))
            .map(|(path, (line, _))| (*line, path.clone()))
            .collect();
        rows.sort();
        rows
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }
}

fn normalise(p: &Path) -> PathBuf {
    p.components().collect()
}

/// Parse `key=value` pairs (from `--meta`).
pub fn parse_meta(pairs: &[String]) -> Result<BTreeMap<String, String>, ServiceError> {
    let mut out = BTreeMap::new();
    for pair in pairs {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            ServiceError::InvalidInput(format!("--meta `{pair}` must be key=value"))
        })?;
        if k.trim().is_empty() {
            return Err(ServiceError::InvalidInput(format!(
                "--meta `{pair}` has an empty key"
            )));
        }
        out.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_ids_are_valid_and_reversible() {
        for name in [
            "Jane Doe",
            "José Müller-Lüdenscheidt",
            "O'Brien",
            "李小龍",
            "a.b-c",
        ] {
            let id = person_id_for(name);
            assert!(is_valid_person_id(&id), "{id}");
            assert_eq!(name_for_person_id(&id), name);
        }
        assert_eq!(person_id_for("Jane Doe"), "Jane_Doe");
    }

    #[test]
    fn names_from_stems_drop_counters() {
        assert_eq!(name_from_stem("Jane_Doe_0003"), "Jane Doe");
        assert_eq!(name_from_stem("Jane Doe (2)"), "Jane Doe");
        assert_eq!(name_from_stem("jane-doe-1"), "jane-doe");
        assert_eq!(name_from_stem("Obama"), "Obama");
        assert_eq!(name_from_stem("R2D2"), "R2D2");
        assert_eq!(name_from_folder("George_W_Bush"), "George W Bush");
    }

    #[test]
    fn csv_mapping_with_and_without_header() {
        let dir = tempfile::tempdir().unwrap();
        let with = dir.path().join("with.csv");
        std::fs::write(
            &with,
            "file,name,last_name,team\na.jpg,Ann Lee,Lee,red\nsub/b.png,Bo,,\n",
        )
        .unwrap();
        let m = CsvMapping::load(&with, dir.path()).unwrap();
        let a = m.person_for(&dir.path().join("a.jpg")).unwrap();
        assert_eq!(a.name, "Ann Lee");
        assert_eq!(a.last_name.as_deref(), Some("Lee"));
        assert_eq!(a.meta.get("team").map(String::as_str), Some("red"));
        assert_eq!(
            m.person_for(&dir.path().join("sub/b.png"))
                .unwrap()
                .person_id,
            "Bo"
        );
        let without = dir.path().join("without.csv");
        std::fs::write(&without, "c.jpg,Cy Young\n").unwrap();
        let m = CsvMapping::load(&without, dir.path()).unwrap();
        assert_eq!(m.len(), 1);
        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "file,name\nd.jpg,\n").unwrap();
        let err = CsvMapping::load(&bad, dir.path())
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("bad.csv:2"), "{err}");
    }

    #[test]
    fn csv_rows_that_disagree_on_a_file_are_refused_naming_both_lines() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("m.csv");
        std::fs::write(
            &csv,
            "file,name\na.jpg,Ann Lee\nb.jpg,Bo\n./a.jpg,Ann Lee\na.jpg,Cy Young\n",
        )
        .unwrap();
        let err = CsvMapping::load(&csv, dir.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("line 2") && err.contains("line 5") && !err.contains("line 4"),
            "{err}"
        );
        std::fs::write(&csv, "file,name\na.jpg,Ann Lee\nghost.jpg,Nobody\n").unwrap();
        let m = CsvMapping::load(&csv, dir.path()).unwrap();
        let unmatched = m.unmatched(&[dir.path().join("a.jpg")]);
        assert_eq!(unmatched, [(3, dir.path().join("ghost.jpg"))]);
    }

    #[test]
    fn meta_pairs() {
        let m = parse_meta(&["a=1".into(), "b = x=y".into()]).unwrap();
        assert_eq!(m["b"], "x=y");
        assert!(parse_meta(&["nope".into()]).is_err());
    }
}
