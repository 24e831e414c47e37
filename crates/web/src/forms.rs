//! Form plumbing shared by every area: the CSRF-checked form extractor, per-field
//! errors, and the one-time keys that make a double click harmless.

use std::collections::BTreeMap;

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

pub async fn begin_once(app: &AppState, key: &str) -> Result<Once, store::DbErr> {
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Once::Proceed);
    }
    let key = format!("f:{key}");
    for _ in 0..100 {
        match app.store.claim_submission(&key, app.now()).await? {
            Claim::Fresh => return Ok(Once::Proceed),
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
        app.store
            .complete_submission(&format!("f:{key}"), location)
            .await?;
    }
    Ok(())
}

/// The submission was refused (bad input): free the key so the corrected form can go.
pub async fn abandon_once(app: &AppState, key: &str) -> Result<(), store::DbErr> {
    if key.len() == 32 {
        app.store.release_submission(&format!("f:{key}")).await?;
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
        while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or("").to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let mut bytes = Vec::new();
                    while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                        if bytes.len() + chunk.len() > limit {
                            too_large = true;
                            break;
                        }
                        bytes.extend_from_slice(&chunk);
                    }
                    if too_large {
                        break;
                    }
                    if file.is_none() && !(file_name.is_empty() && bytes.is_empty()) {
                        file = Some(UploadedFile {
                            name: file_name,
                            bytes,
                        });
                    }
                }
                None => {
                    let text = field.text().await.map_err(|_| unreadable())?;
                    if text.len() <= 64 * 1024 {
                        fields.push((name, text));
                    }
                }
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
