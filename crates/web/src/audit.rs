//! Writing the security audit log from handlers.

use axum::http::HeaderMap;
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
    pub const SIGNOUT: &str = "signout";

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

/// The client address: the proxy's X-Forwarded-For when present, else the peer.
pub fn client_ip(headers: &HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_owned())
        .or_else(|| {
            headers
                .get("x-real-ip")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "-".to_owned())
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
    headers: &HeaderMap,
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
        ip: client_ip(headers),
        detail: detail.to_owned(),
    };
    // The audit log must not take the user's action down with it, but its loss is an error.
    if let Err(e) = app.store.append_audit(&entry).await {
        tracing::error!("audit log write failed for event {event}: {e}");
    }
}
