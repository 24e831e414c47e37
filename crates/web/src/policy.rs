//! The authorization policy as handlers use it: what the acting organisation's roles
//! permit (domain::policy) and whose objects it reaches (the organisation tree).
//! Every refusal looks like a missing page and is written to the audit log.

use domain::policy::{Action, permits};

use crate::AppState;
use crate::audit::{self, ClientIp, event};
use crate::auth::{Acting, CurrentUser};
use crate::error::AppError;

pub async fn deny(app: &AppState, user: &CurrentUser, ip: &ClientIp, what: &str) -> AppError {
    let org = user
        .acting
        .as_ref()
        .map(|a| format!("（代表{}）", a.org.name))
        .unwrap_or_default();
    audit::record(
        app,
        ip,
        event::ACCESS_DENIED,
        "failure",
        Some(user.account.id),
        &user.account.login_name,
        &format!("{what}{org}"),
    )
    .await;
    AppError::NotFound
}

/// The organisation acted for, when its granted roles permit `action`.
pub async fn acting_for<'a>(
    app: &AppState,
    user: &'a CurrentUser,
    ip: &ClientIp,
    action: Action,
) -> Result<&'a Acting, AppError> {
    match &user.acting {
        Some(a) if permits(a.kind, a.roles, action) => Ok(a),
        _ => Err(deny(app, user, ip, &format!("无权限：{action:?}")).await),
    }
}

/// The organisation acted for, when it may do `action` on something owned by `owner`
/// (which must lie in its subtree of the tree).
pub async fn acting_over<'a>(
    app: &AppState,
    user: &'a CurrentUser,
    ip: &ClientIp,
    action: Action,
    owner: i64,
) -> Result<&'a Acting, AppError> {
    let a = acting_for(app, user, ip, action).await?;
    if app.store.org_reaches(a.org.id, owner).await? {
        Ok(a)
    } else {
        Err(deny(app, user, ip, &format!("越权：{action:?} 组织{owner}")).await)
    }
}
