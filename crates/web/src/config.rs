//! Settings of the site. Every number a rule depends on (lock threshold, lock
//! duration, idle timeout) is a setting, because the provincial and the teacher
//! platforms use different ones.

use std::path::PathBuf;
use std::time::Duration;

use domain::lockout::LockPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaMode {
    /// On every sign-in form.
    Always,
    /// On the sign-in form only after a failed attempt in this browser session.
    AfterFailure,
    /// Off everywhere: load tests and automated acceptance runs only.
    Off,
}

impl CaptchaMode {
    pub fn parse(s: &str) -> Option<CaptchaMode> {
        match s {
            "always" => Some(CaptchaMode::Always),
            "after-failure" => Some(CaptchaMode::AfterFailure),
            "off" => Some(CaptchaMode::Off),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    fn default() -> Self {
        Argon2Params {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub captcha: CaptchaMode,
    pub lock: LockPolicy,
    pub idle_timeout: Duration,
    pub absolute_lifetime: Duration,
    /// Set the Secure flag on cookies (the site is served over HTTPS).
    pub secure_cookies: bool,
    pub body_limit: usize,
    /// The largest attachment or import file accepted, in bytes.
    pub upload_limit: usize,
    /// The site runs behind a proxy that sets X-Forwarded-For; trust that header.
    pub trust_proxy: bool,
    pub argon2: Argon2Params,
    /// Where the Noto CJK fonts of printed certificates are (Debian: fonts-noto-cjk).
    pub font_dir: PathBuf,
    /// The address the public reaches the site at; certificates' QR codes point there.
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("data"),
            captcha: CaptchaMode::Always,
            lock: LockPolicy::default(),
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_lifetime: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            body_limit: 2 * 1024 * 1024,
            upload_limit: 10 * 1024 * 1024,
            trust_proxy: false,
            argon2: Argon2Params::default(),
            font_dir: PathBuf::from("/usr/share/fonts/opentype/noto"),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl Config {
    /// The upload limit in whole MB, as pages name it (JXJY_UPLOAD_MAX_MB).
    pub fn upload_limit_mb(&self) -> usize {
        self.upload_limit.div_ceil(1024 * 1024)
    }

    /// The largest body any request may send: an upload with its other fields, or a form.
    pub fn body_allowance(&self) -> usize {
        self.body_limit
            .max(self.upload_limit + crate::UPLOAD_OVERHEAD)
    }
}
