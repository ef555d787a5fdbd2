//! The documents directory: files named by the SHA-256 of their bytes (content-addressed, so
//! the same bytes are kept once however many rows name them), under a folder of the digest's
//! first two hex digits. A file appears whole or not at all: it is written to a temporary file
//! in the same folder, flushed to disk, and renamed over its name (atomic on one file system).
//! Every instance must see the same directory (a shared volume) when the service is scaled out.

use std::io::Write;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where documents are kept, and how large one may be.
#[derive(Debug, Clone)]
pub struct DocumentStore {
    dir: PathBuf,
    max_bytes: u64,
}

/// Why a document's bytes could not be read back as stored.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is missing or unreadable.
    #[error("the document file cannot be read: {0}")]
    Io(#[from] std::io::Error),
    /// The file's bytes are not the ones stored: their digest or size differs from the row's.
    #[error("the document file is corrupted: SHA-256 {found} ({size} bytes), expected {expected}")]
    Corrupted {
        expected: String,
        found: String,
        size: u64,
    },
}

/// Whether `digest` is a SHA-256 in lowercase hex: the only names the store makes or opens, so
/// that no value can reach outside the directory.
fn is_digest(digest: &str) -> bool {
    digest.len() == 64
        && digest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn not_a_digest() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "not a lowercase hex SHA-256",
    )
}

impl DocumentStore {
    /// Documents in `dir` (created when the first one is written), at most `max_bytes` each.
    pub fn new(dir: impl Into<PathBuf>, max_bytes: u64) -> Self {
        DocumentStore {
            dir: dir.into(),
            max_bytes,
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The largest document accepted, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The file of the bytes whose SHA-256 is `digest`.
    pub fn path_of(&self, digest: &str) -> std::io::Result<PathBuf> {
        let folder = digest
            .get(..2)
            .filter(|_| is_digest(digest))
            .ok_or_else(not_a_digest)?;
        Ok(self.dir.join(folder).join(digest))
    }

    /// Writes `bytes` under their SHA-256, which it returns: a temporary file in the same
    /// folder, flushed, then renamed over the name. The same bytes written twice leave one file
    /// with those bytes; a file that was damaged is replaced whole. Hashing and writing run on
    /// a blocking thread.
    pub async fn put(&self, bytes: std::sync::Arc<[u8]>) -> std::io::Result<String> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let digest = crate::service::hex_sha256(&bytes);
            write_atomically(&store.path_of(&digest)?, &bytes)?;
            Ok(digest)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    /// The bytes stored under `digest`, checked against it and `size` before they are returned.
    pub async fn get(&self, digest: &str, size: u64) -> Result<Vec<u8>, ReadError> {
        let path = self.path_of(digest)?;
        let expected = digest.to_owned();
        tokio::task::spawn_blocking(move || {
            let bytes = std::fs::read(&path)?;
            let found = crate::service::hex_sha256(&bytes);
            let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            if found != expected || length != size {
                return Err(ReadError::Corrupted {
                    expected,
                    found,
                    size: length,
                });
            }
            Ok(bytes)
        })
        .await
        .map_err(|e| ReadError::Io(std::io::Error::other(e)))?
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().ok_or_else(not_a_digest)?;
    std::fs::create_dir_all(folder)?;
    // A name no other writer uses; a leftover of a crash is never mistaken for a document
    // (documents have no dot in their names).
    let temporary = folder.join(format!(".upload-{}.tmp", Uuid::new_v4().simple()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        // The rename itself is durable once the folder is.
        #[cfg(unix)]
        std::fs::File::open(folder)?.sync_all()?;
        Ok(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::hex_sha256;

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!("documents-store-{}", Uuid::new_v4().simple()))
    }

    #[tokio::test]
    async fn bytes_come_back_only_as_stored() {
        let dir = scratch();
        let store = DocumentStore::new(&dir, 1024);
        let bytes: std::sync::Arc<[u8]> = b"%PDF-1.4 test".to_vec().into();
        let digest = store.put(bytes.clone()).await.unwrap();
        assert_eq!(digest, hex_sha256(&bytes));
        // Twice: still one file, no temporary left behind.
        assert_eq!(store.put(bytes.clone()).await.unwrap(), digest);
        let folder = dir.join(&digest[..2]);
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, std::slice::from_ref(&digest));
        assert_eq!(store.get(&digest, 13).await.unwrap(), bytes.to_vec());
        // A wrong size or damaged bytes are never returned.
        assert!(matches!(
            store.get(&digest, 12).await,
            Err(ReadError::Corrupted { .. })
        ));
        std::fs::write(folder.join(&digest), b"%PDF-1.4 tesT").unwrap();
        assert!(matches!(
            store.get(&digest, 13).await,
            Err(ReadError::Corrupted { .. })
        ));
        // Writing the bytes again repairs the file.
        store.put(bytes.clone()).await.unwrap();
        assert!(store.get(&digest, 13).await.is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[tokio::test]
    async fn only_digests_name_files() {
        let store = DocumentStore::new(scratch(), 1024);
        for bad in [
            "../../etc/passwd",
            "",
            "ABCDEF",
            &"g".repeat(64),
            &"A".repeat(64),
        ] {
            assert!(store.path_of(bad).is_err(), "{bad}");
            assert!(matches!(store.get(bad, 0).await, Err(ReadError::Io(_))));
        }
        assert!(store.get(&"0".repeat(64), 0).await.is_err(), "missing");
    }
}
