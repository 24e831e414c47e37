//! Files (attachments, uploaded imports, generated documents) behind one interface. The local
//! directory is the default; a province's object store would be another variant of the same
//! interface. Files are stored under the SHA-256 of their content: the same file uploaded
//! twice is kept once, and a key names exactly one content.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub enum FileStore {
    /// Files under a directory, two levels of fan-out so no directory grows too large.
    Local(PathBuf),
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The content key of some bytes.
pub fn key_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn valid_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl FileStore {
    pub fn local(root: impl Into<PathBuf>) -> FileStore {
        FileStore::Local(root.into())
    }

    fn path(root: &Path, key: &str) -> PathBuf {
        root.join(&key[..2]).join(&key[2..4]).join(key)
    }

    /// Stores the bytes and answers their key.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key = key_of(bytes);
        match self {
            FileStore::Local(root) => {
                let path = Self::path(root, &key);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    return Ok(key);
                }
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                // Written aside and renamed, so a reader never sees half a file.
                // A name of its own for each writer, so two uploads of one file do not clash.
                static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let tmp = path.with_extension(format!("tmp{}-{n}", std::process::id()));
                tokio::fs::write(&tmp, bytes).await?;
                if let Err(e) = tokio::fs::rename(&tmp, &path).await {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
                        return Err(e);
                    }
                }
            }
        }
        Ok(key)
    }

    /// The bytes of a key, or `None` when there are none.
    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        if !valid_key(key) {
            return Ok(None);
        }
        match self {
            FileStore::Local(root) => match tokio::fs::read(Self::path(root, key)).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_is_kept_once_under_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let files = FileStore::local(dir.path());
        let a = files.put(b"%PDF-1.4 one").await.unwrap();
        let b = files.put(b"%PDF-1.4 one").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(files.get(&a).await.unwrap().unwrap(), b"%PDF-1.4 one");
        let other = files.put(b"%PDF-1.4 two").await.unwrap();
        assert_ne!(a, other);
        assert_eq!(files.get(&key_of(b"missing")).await.unwrap(), None);
        // A key is never a path.
        assert_eq!(files.get("../../etc/passwd").await.unwrap(), None);
    }
}
