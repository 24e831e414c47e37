//! argon2id hashing of passwords and security answers, run on the blocking pool so
//! that a burst of sign-ins does not stall the async workers.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::config::Argon2Params;

fn hasher(p: &Argon2Params) -> anyhow::Result<Argon2<'static>> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_blocking(p: &Argon2Params, secret: &str) -> anyhow::Result<String> {
    let h = hasher(p)?
        .hash_password(secret.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
    Ok(h.to_string())
}

/// Verifies with the parameters stored in the hash itself, so that raising the
/// parameters later keeps old hashes valid.
pub fn verify_blocking(secret: &str, hash: &str) -> bool {
    PasswordVerifier::<str>::verify_password(&Argon2::default(), secret.as_bytes(), hash).is_ok()
}

pub async fn hash(p: &Argon2Params, secret: &str) -> anyhow::Result<String> {
    let p = p.clone();
    let secret = secret.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&p, &secret)).await?
}

pub async fn verify(secret: &str, hash: &str) -> bool {
    let secret = secret.to_owned();
    let hash = hash.to_owned();
    tokio::task::spawn_blocking(move || verify_blocking(&secret, &hash))
        .await
        .unwrap_or(false)
}

/// Spends the time of a real verification for an unknown login name, so that the
/// answer's timing does not tell which names exist.
pub async fn verify_dummy(p: &Argon2Params, secret: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = match DUMMY.get() {
        Some(h) => h.clone(),
        None => match hash(p, "jxjy-timing-equaliser-1").await {
            Ok(h) => DUMMY.get_or_init(|| h).clone(),
            Err(_) => return,
        },
    };
    let _ = verify(secret, &hash).await;
}
