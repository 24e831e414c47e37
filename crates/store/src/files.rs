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

    /// A directory for files being written before they are stored with `put_file` (on the
    /// same file system, so storing them is a rename).
    pub async fn scratch(&self) -> std::io::Result<PathBuf> {
        match self {
            FileStore::Local(root) => {
                let dir = root.join("tmp");
                tokio::fs::create_dir_all(&dir).await?;
                Ok(dir)
            }
        }
    }

    /// Removes files left in the scratch directory longer than `older` (a job that died while
    /// writing); answers how many.
    pub async fn purge_scratch(&self, older: std::time::Duration) -> std::io::Result<u64> {
        let dir = self.scratch().await?;
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(&dir).await?;
        while let Some(e) = entries.next_entry().await? {
            let meta = e.metadata().await?;
            let old = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > older);
            if meta.is_file() && old && tokio::fs::remove_file(e.path()).await.is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Stores a finished file (moved, not copied into memory) and answers its key: large
    /// generated files never sit whole in memory.
    pub async fn put_file(&self, src: &Path) -> std::io::Result<String> {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(src).await?;
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
        }
        drop(file);
        let key = hex(&hash.finalize());
        match self {
            FileStore::Local(root) => {
                let path = Self::path(root, &key);
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    tokio::fs::remove_file(src).await?;
                    return Ok(key);
                }
                if let Some(dir) = path.parent() {
                    tokio::fs::create_dir_all(dir).await?;
                }
                tokio::fs::rename(src, &path).await?;
            }
        }
        Ok(key)
    }

    /// A stored file opened for reading, with its length, or `None` when there is none.
    pub async fn open(&self, key: &str) -> std::io::Result<Option<(tokio::fs::File, u64)>> {
        if !valid_key(key) {
            return Ok(None);
        }
        match self {
            FileStore::Local(root) => match tokio::fs::File::open(Self::path(root, key)).await {
                Ok(f) => {
                    let len = f.metadata().await?.len();
                    Ok(Some((f, len)))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
        }
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
        assert!(files.open("../../etc/passwd").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_finished_file_is_moved_in_under_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let files = FileStore::local(dir.path());
        let scratch = files.scratch().await.unwrap();
        let src = scratch.join("batch.zip");
        std::fs::write(&src, b"PK zip bytes").unwrap();
        let key = files.put_file(&src).await.unwrap();
        assert_eq!(key, key_of(b"PK zip bytes"));
        assert!(!src.exists(), "moved, not copied");
        let (_, len) = files.open(&key).await.unwrap().expect("stored");
        assert_eq!(len, 12);
        assert_eq!(files.get(&key).await.unwrap().unwrap(), b"PK zip bytes");
        // The same content again: kept once, the second source removed.
        std::fs::write(&src, b"PK zip bytes").unwrap();
        assert_eq!(files.put_file(&src).await.unwrap(), key);
        assert!(!src.exists());
        // Leftovers of a dead job go; fresh ones stay.
        std::fs::write(scratch.join("left.zip"), b"half").unwrap();
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(files.purge_scratch(hour).await.unwrap(), 0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        let now = std::time::Duration::from_millis(1);
        assert_eq!(files.purge_scratch(now).await.unwrap(), 1);
        assert!(!scratch.join("left.zip").exists());
    }
}
