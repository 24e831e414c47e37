//! Writing the security audit log from handlers.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use store::audit::AuditEntry;

use crate::AppState;

pub mod event {
    pub const REGISTER: &str = "register";
    pub const SIGNIN: &str = "signin";
    pub const LOCK: &str = "lock";
    pub const UNLOCK: &str = "unlock";
    pub const PASSWORD_CHANGE: &str = "password_change";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const PASSWORD_RECOVER: &str = "password_recover";
    pub const CONTACT_CHANGE: &str = "contact_change";
    pub const SIGNOUT: &str = "signout";
    pub const ACCESS_DENIED: &str = "access_denied";

    /// (code, label) for the filter of the audit page.
    pub const ALL: &[(&str, &str)] = &[
        (REGISTER, "注册"),
        (SIGNIN, "登录"),
        (SIGNOUT, "退出"),
        (LOCK, "锁定"),
        (UNLOCK, "解锁"),
        (PASSWORD_CHANGE, "修改密码"),
        (PASSWORD_RESET, "重置密码"),
        (PASSWORD_RECOVER, "找回密码"),
        (CONTACT_CHANGE, "修改联系方式"),
        (ACCESS_DENIED, "越权访问"),
    ];

    pub fn label(code: &str) -> &'static str {
        ALL.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| *l)
            .unwrap_or("其他")
    }
}

pub fn outcome_label(code: &str) -> &'static str {
    match code {
        "success" => "成功",
        "failure" => "失败",
        "locked" => "已锁定",
        _ => "其他",
    }
}

/// The address of whoever sent the request: the proxy's X-Forwarded-For when the site
/// runs behind a trusted proxy (a setting: any client can write that header), else
/// the peer of the connection.
pub struct ClientIp(pub String);

impl<S> FromRequestParts<S> for ClientIp
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let forwarded = app
            .config
            .trust_proxy
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientIp(
            forwarded.or(peer).unwrap_or_else(|| "-".to_owned()),
        ))
    }
}

/// What the actor typed, made safe to store: a document number is masked.
pub fn safe_identifier(typed: &str) -> String {
    let t = typed.trim();
    if t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && t.chars().count() <= 32
        && !looks_like_document(t)
    {
        t.to_owned()
    } else {
        domain::identity::mask(t)
    }
}

fn looks_like_document(t: &str) -> bool {
    t.chars().filter(|c| c.is_ascii_digit()).count() >= 6
}

pub async fn record(
    app: &AppState,
    ip: &ClientIp,
    event: &str,
    outcome: &str,
    account_id: Option<i64>,
    identifier: &str,
    detail: &str,
) {
    let entry = AuditEntry {
        id: 0,
        at: app.now(),
        event: event.to_owned(),
        outcome: outcome.to_owned(),
        account_id,
        identifier: safe_identifier(identifier),
        ip: ip.0.clone(),
        detail: detail.to_owned(),
    };
    // The audit log must not take the user's action down with it, but its loss is an error.
    if let Err(e) = app.store.append_audit(&entry).await {
        tracing::error!("audit log write failed for event {event}: {e}");
    }
}
