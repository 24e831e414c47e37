//! Form plumbing shared by every area: the CSRF-checked form extractor, per-field
//! errors, and the one-time keys that make a double click harmless.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use store::submissions::Claim;

use crate::AppState;
use crate::error::error_page;
use crate::session::Session;

/// A urlencoded form whose `csrf` field matched the session's token.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let session = req.extensions().get::<Session>().cloned();
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过大",
                "提交的内容超过了允许的大小。",
            )
        })?;
        let token = serde_urlencoded::from_bytes::<CsrfField>(&bytes)
            .map(|f| f.csrf)
            .unwrap_or_default();
        let ok = session.is_some_and(|s| s.csrf_matches(&token));
        if !ok {
            return Err(error_page(
                StatusCode::FORBIDDEN,
                "页面已过期",
                "页面已过期或来源无法确认，请返回上一页刷新后重新提交。",
            ));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(CsrfForm)
            .map_err(|_| {
                error_page(
                    StatusCode::BAD_REQUEST,
                    "请求有误",
                    "提交的表单内容无法识别，请刷新页面后重试。",
                )
            })
    }
}

/// Messages for the fields of one form, shown under each field and summarised on top.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    /// Records the error of a check, and hands back the accepted value.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &'static str,
        r: Result<T, E>,
    ) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn messages(&self) -> Vec<&str> {
        self.0.values().map(String::as_str).collect()
    }
}

/// A fresh one-time key for a form that creates something.
pub fn new_form_key() -> String {
    let mut b = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
    crate::session::hex(&b)
}

/// Outcome of a submission guarded by a one-time key.
pub enum Once {
    /// First time: do the work, then `finish` with where it leads.
    Proceed,
    /// Already done (or done by the twin request): go where the first went.
    Respond(Response),
}

tokio::task_local! {
    /// The form keys the request being answered has claimed and not yet completed or freed.
    static CLAIMED: Arc<Mutex<Vec<String>>>;
}

fn claimed(f: impl FnOnce(&mut Vec<String>)) {
    let _ = CLAIMED.try_with(|keys| f(&mut keys.lock().unwrap_or_else(PoisonError::into_inner)));
}

/// The keys one request claimed. Whatever way the request ends, a key it neither completed
/// nor freed is freed: a handler that stops at an error (`?`), or panics, or whose client
/// went away, must not leave the key "running", or the same form sent again would wait for
/// a twin that no longer exists and be refused.
struct ClaimedKeys {
    app: AppState,
    keys: Arc<Mutex<Vec<String>>>,
}

impl ClaimedKeys {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.keys.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for ClaimedKeys {
    /// Only reached with keys left when the request was cut short (a panic, a dropped
    /// connection); freeing then cannot be awaited, so it is left to a task.
    fn drop(&mut self) {
        let keys = self.take();
        if keys.is_empty() {
            return;
        }
        let app = self.app.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move { release_all(&app, keys).await });
        }
    }
}

async fn release_all(app: &AppState, keys: Vec<String>) {
    for key in keys {
        if let Err(e) = app.store.release_submission(&key).await {
            tracing::error!("freeing a form key left running: {e}");
        }
    }
}

/// The layer that frees the form keys a request left claimed (see [`ClaimedKeys`]).
pub async fn release_unfinished_keys(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let guard = ClaimedKeys {
        app,
        keys: Arc::default(),
    };
    let res = CLAIMED.scope(guard.keys.clone(), next.run(req)).await;
    // Freed before the answer leaves, so that the form sent again finds the key free.
    release_all(&guard.app, guard.take()).await;
    res
}

pub async fn begin_once(app: &AppState, key: &str) -> Result<Once, store::DbErr> {
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Once::Proceed);
    }
    let key = format!("f:{key}");
    for _ in 0..100 {
        match app.store.claim_submission(&key, app.now()).await? {
            Claim::Fresh => {
                claimed(|keys| keys.push(key.clone()));
                return Ok(Once::Proceed);
            }
            Claim::Done(location) => {
                return Ok(Once::Respond(Redirect::to(&location).into_response()));
            }
            // The twin request is still working: wait for its result rather than act twice.
            Claim::Running => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    Ok(Once::Respond(error_page(
        StatusCode::CONFLICT,
        "正在处理",
        "您的提交正在处理中，请稍候刷新页面查看结果。",
    )))
}

pub async fn finish_once(app: &AppState, key: &str, location: &str) -> Result<(), store::DbErr> {
    if key.len() == 32 {
        let key = format!("f:{key}");
        app.store.complete_submission(&key, location).await?;
        claimed(|keys| keys.retain(|k| *k != key));
    }
    Ok(())
}

/// The submission was refused (bad input): free the key so the corrected form can go.
pub async fn abandon_once(app: &AppState, key: &str) -> Result<(), store::DbErr> {
    if key.len() == 32 {
        let key = format!("f:{key}");
        app.store.release_submission(&key).await?;
        claimed(|keys| keys.retain(|k| *k != key));
    }
    Ok(())
}

/// A form with repeated fields (checkboxes of one name), read as its pairs.
pub struct Pairs(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<(String, String)>::deserialize(d).map(Pairs)
    }
}

impl Pairs {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A file sent with a multipart form.
pub struct UploadedFile {
    /// The name the browser gave it (never trusted for its kind).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form whose `csrf` field matched the session's token, and its one file. A file above the upload limit is not read to the end: `too_large` says so and
/// `file` is `None`.
pub struct Upload {
    pub file: Option<UploadedFile>,
    pub too_large: bool,
}

impl<S> FromRequest<S> for Upload
where
    S: Send + Sync,
    AppState: axum::extract::FromRef<S>,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let limit = <AppState as axum::extract::FromRef<S>>::from_ref(state)
            .config
            .upload_limit;
        let session = req.extensions().get::<Session>().cloned();
        let unreadable = || {
            error_page(
                StatusCode::BAD_REQUEST,
                "上传失败",
                "上传的内容不完整或无法识别，请返回上一页重新选择文件上传。",
            )
        };
        let mut multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| unreadable())?;
        let mut fields = Vec::new();
        let mut file = None;
        let mut too_large = false;
        loop {
            let next = multipart.next_field().await;
            // Past the limit, the rest is read only to be thrown away (a browser still sending
            // when the connection closes shows a reset, not the page); its end may be cut off.
            let mut field = match next {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(_) if too_large => break,
                Err(_) => return Err(unreadable()),
            };
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let mut bytes = Vec::new();
                    loop {
                        match field.chunk().await {
                            Ok(Some(_)) if too_large => {}
                            Ok(Some(chunk)) if bytes.len() + chunk.len() > limit => {
                                too_large = true;
                                bytes = Vec::new();
                            }
                            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                            Ok(None) => break,
                            Err(_) if too_large => break,
                            Err(_) => return Err(unreadable()),
                        }
                    }
                    if too_large {
                        continue;
                    }
                    if file.is_none() && !(file_name.is_empty() && bytes.is_empty()) {
                        file = Some(UploadedFile {
                            name: file_name,
                            bytes,
                        });
                    }
                }
                None => match field.text().await {
                    Ok(text) if text.len() <= 64 * 1024 => fields.push((name, text)),
                    Ok(_) => {}
                    Err(_) if too_large => break,
                    Err(_) => return Err(unreadable()),
                },
            }
        }
        let fields = Pairs(fields);
        // A request cut short by the size limit may not have reached its token: a large
        // file is refused for its size, never acted on.
        if !too_large && !session.is_some_and(|s| s.csrf_matches(fields.get("csrf"))) {
            return Err(error_page(
                StatusCode::FORBIDDEN,
                "页面已过期",
                "页面已过期或来源无法确认，请返回上一页刷新后重新提交。",
            ));
        }
        Ok(Upload { file, too_large })
    }
}
