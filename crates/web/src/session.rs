//! Server-side sessions stored in the database. Anonymous visitors get one only when
//! a page needs it (a form's CSRF token, a captcha, a flash message).

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::sessions::SessionRow;

use crate::AppState;
use crate::error::error_page;

pub const COOKIE_NAME: &str = "jxjy_sid";
/// Writing last_seen on every request would make every page view a write; a minute's
/// granularity is plenty for a 30-minute idle timeout.
const TOUCH_EVERY_SECS: i64 = 60;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaptchaState {
    pub answer_hash: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SessionData {
    #[serde(default)]
    pub flash: Vec<Flash>,
    #[serde(default)]
    pub captcha: Option<CaptchaState>,
    /// A sign-in failed in this browser: the "after a failure" captcha mode shows it now.
    #[serde(default)]
    pub signin_failed: bool,
    /// The account whose security questions the recovery form is asking.
    #[serde(default)]
    pub recover_account: Option<i64>,
    /// The organisation the person acts for (使用选中的单位账号登录); None: themselves.
    #[serde(default)]
    pub acting_org: Option<i64>,
}

struct State_ {
    /// SHA-256 of the cookie token; None until the session is stored.
    id: Option<String>,
    new_token: Option<String>,
    account_id: Option<i64>,
    csrf: String,
    data: SessionData,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    dirty: bool,
    destroy: Option<String>,
    /// The previous session ended by time-out; the sign-in page says so.
    expired: bool,
}

#[derive(Clone)]
pub struct Session(Arc<Mutex<State_>>);

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex(&b)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

impl Session {
    fn lock(&self) -> MutexGuard<'_, State_> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn account_id(&self) -> Option<i64> {
        self.lock().account_id
    }

    pub fn expired(&self) -> bool {
        self.lock().expired
    }

    /// The form token; asking for it makes sure the session will be stored.
    pub fn csrf(&self) -> String {
        let mut s = self.lock();
        if s.id.is_none() {
            s.dirty = true;
        }
        s.csrf.clone()
    }

    pub fn csrf_matches(&self, token: &str) -> bool {
        let s = self.lock();
        // Only a stored session has a token worth comparing.
        s.id.is_some() && constant_time_eq(s.csrf.as_bytes(), token.as_bytes())
    }

    pub fn data<R>(&self, f: impl FnOnce(&SessionData) -> R) -> R {
        f(&self.lock().data)
    }

    pub fn update<R>(&self, f: impl FnOnce(&mut SessionData) -> R) -> R {
        let mut s = self.lock();
        s.dirty = true;
        f(&mut s.data)
    }

    pub fn flash(&self, kind: &str, text: impl Into<String>) {
        self.update(|d| {
            d.flash.push(Flash {
                kind: kind.to_owned(),
                text: text.into(),
            })
        });
    }

    pub fn take_flash(&self) -> Vec<Flash> {
        let mut s = self.lock();
        if s.data.flash.is_empty() {
            return Vec::new();
        }
        s.dirty = true;
        std::mem::take(&mut s.data.flash)
    }

    /// Starts a new session for the account: a new id and a new CSRF token, so a
    /// session id planted before sign-in is worthless after it.
    pub fn sign_in(&self, account_id: i64, now: DateTime<Utc>) {
        let mut s = self.lock();
        if let Some(old) = s.id.take() {
            s.destroy = Some(old);
        }
        s.account_id = Some(account_id);
        s.csrf = random_token();
        s.created_at = now;
        s.data.captcha = None;
        s.data.signin_failed = false;
        s.data.recover_account = None;
        s.data.acting_org = None;
        s.dirty = true;
    }

    pub fn sign_out(&self) {
        let mut s = self.lock();
        if let Some(old) = s.id.take() {
            s.destroy = Some(old);
        }
        s.account_id = None;
        s.data = SessionData::default();
        s.csrf = random_token();
        s.dirty = false;
    }

    /// The stored id of this session (its token's hash), if it is stored.
    pub fn id(&self) -> Option<String> {
        self.lock().id.clone()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

fn cookie_token(req: &Request) -> Option<String> {
    req.headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// An unsafe request whose Origin names another site is refused before any handler runs.
fn origin_allowed(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let Some(origin) = req.headers().get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Browsers send Origin on every cross-site POST; its absence means a
        // same-site navigation or a non-browser client, which the CSRF token covers.
        return true;
    };
    let host = req
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

pub async fn layer(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    if !origin_allowed(&req) {
        return error_page(
            StatusCode::FORBIDDEN,
            "请求被拒绝",
            "该请求来自其他网站，已被拒绝。请直接在本系统页面中操作。",
        );
    }
    let now = app.now();
    let mut expired = false;
    let mut loaded: Option<SessionRow> = None;
    if let Some(token) = cookie_token(&req) {
        match app.store.session(&sha256_hex(&token)).await {
            Ok(Some(row)) => {
                let idle = now - row.last_seen_at;
                let age = now - row.created_at;
                let idle_max = chrono::Duration::from_std(app.config.idle_timeout)
                    .unwrap_or(chrono::Duration::minutes(30));
                let age_max = chrono::Duration::from_std(app.config.absolute_lifetime)
                    .unwrap_or(chrono::Duration::hours(12));
                if idle > idle_max || age > age_max {
                    expired = row.account_id.is_some();
                    if let Err(e) = app.store.delete_session(&row.id).await {
                        tracing::warn!("could not delete an expired session: {e}");
                    }
                } else {
                    loaded = Some(row);
                }
            }
            Ok(None) => {}
            Err(e) => {
                return crate::error::AppError::from(e).into_response();
            }
        }
    }
    let state = match &loaded {
        Some(row) => State_ {
            id: Some(row.id.clone()),
            new_token: None,
            account_id: row.account_id,
            csrf: row.csrf_token.clone(),
            data: serde_json::from_str(&row.data).unwrap_or_default(),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            dirty: false,
            destroy: None,
            expired,
        },
        None => State_ {
            id: None,
            new_token: None,
            account_id: None,
            csrf: random_token(),
            data: SessionData::default(),
            created_at: now,
            last_seen_at: now,
            dirty: false,
            destroy: None,
            expired,
        },
    };
    let session = Session(Arc::new(Mutex::new(state)));
    req.extensions_mut().insert(session.clone());
    let mut response = next.run(req).await;
    if let Err(e) = persist(&app, &session, now, &mut response).await {
        tracing::error!("saving the session failed: {e}");
        return crate::error::AppError::from(e).into_response();
    }
    response
}

async fn persist(
    app: &AppState,
    session: &Session,
    now: DateTime<Utc>,
    response: &mut Response,
) -> Result<(), store::DbErr> {
    let (destroy, insert, save) = {
        let mut s = session.lock();
        let destroy = s.destroy.take();
        let mut insert = None;
        let mut save = None;
        if s.id.is_none() && s.dirty {
            let token = random_token();
            let id = sha256_hex(&token);
            s.id = Some(id.clone());
            s.new_token = Some(token);
            insert = Some(SessionRow {
                id,
                account_id: s.account_id,
                csrf_token: s.csrf.clone(),
                data: serde_json::to_string(&s.data).unwrap_or_default(),
                created_at: s.created_at,
                last_seen_at: now,
            });
        } else if let Some(id) = &s.id
            && (s.dirty || (now - s.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS)
        {
            save = Some((
                id.clone(),
                serde_json::to_string(&s.data).unwrap_or_default(),
            ));
        }
        (destroy, insert, save)
    };
    if let Some(old) = &destroy {
        app.store.delete_session(old).await?;
    }
    if let Some(row) = &insert {
        app.store.insert_session(row).await?;
    }
    if let Some((id, data)) = &save {
        app.store.save_session(id, data, now).await?;
    }
    let secure = if app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = match session.lock().new_token.take() {
        Some(token) => Some(format!(
            "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
        )),
        None if destroy.is_some() => Some(format!(
            "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
        )),
        None => None,
    };
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(SET_COOKIE, c);
    }
    Ok(())
}
