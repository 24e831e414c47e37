//! Who is asking: the signed-in account, loaded once per request.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use domain::org::OrgKind;
use domain::roles::Roles;
use store::accounts::Account;
use store::organizations::Organization;

use crate::AppState;
use crate::error::AppError;
use crate::session::Session;
use domain::org::OrgStatus;
use domain::roles::MembershipState;

/// Paths a person who must change the initial password may still use.
const ALLOWED_BEFORE_CHANGE: &[&str] = &["/account/password", "/logout"];

pub struct CurrentUser {
    pub account: Account,
    pub session: Session,
    /// The organisation the person acts for now, if not for themselves.
    pub acting: Option<Acting>,
}

/// Acting for an organisation: its record and the roles it granted this person.
pub struct Acting {
    pub org: Organization,
    pub kind: OrgKind,
    pub roles: Roles,
}

impl CurrentUser {
    pub fn acting_id(&self) -> Option<i64> {
        self.acting.as_ref().map(|a| a.org.id)
    }
}

/// Loads the organisation the session acts for, if the membership still stands;
/// a membership removed meanwhile drops the person back to acting for themselves.
async fn load_acting(
    app: &AppState,
    session: &Session,
    account: i64,
) -> Result<Option<Acting>, Response> {
    let Some(org_id) = session.data(|d| d.acting_org) else {
        return Ok(None);
    };
    let db = |e| AppError::from(e).into_response();
    let membership = app
        .store
        .membership_of(org_id, account)
        .await
        .map_err(db)?
        .filter(|m| m.state == MembershipState::Active);
    let org = match &membership {
        Some(_) => app
            .store
            .organization(org_id)
            .await
            .map_err(db)?
            .filter(|o| o.status == OrgStatus::Approved),
        None => None,
    };
    let (Some(m), Some(org)) = (membership, org) else {
        session.update(|d| d.acting_org = None);
        return Ok(None);
    };
    Ok(Some(Acting {
        kind: org.kind,
        roles: Roles::from_bits(m.roles),
        org,
    }))
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let session = parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| AppError::NotFound.into_response())?;
        let to_login = || {
            let next = parts.uri.path();
            let target = if next == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", urlencode(next))
            };
            Redirect::to(&target).into_response()
        };
        let Some(id) = session.account_id() else {
            if session.expired() {
                session.flash(
                    "info",
                    "您已较长时间未操作，为了安全已自动退出，请重新登录。",
                );
            }
            return Err(to_login());
        };
        let account = app
            .store
            .account(id)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        let Some(account) = account else {
            session.sign_out();
            return Err(to_login());
        };
        if account.must_change_password && !ALLOWED_BEFORE_CHANGE.contains(&parts.uri.path()) {
            return Err(Redirect::to("/account/password").into_response());
        }
        let acting = load_acting(&app, &session, account.id).await?;
        Ok(CurrentUser {
            account,
            session,
            acting,
        })
    }
}

/// A person acting for themselves: their profile, employment and registrations are
/// personal acts, not an organisation's, and look absent while acting for one.
pub struct AsSelf(pub CurrentUser);

impl<S> FromRequestParts<S> for AsSelf
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if user.acting.is_some() {
            return Err(AppError::NotFound.into_response());
        }
        Ok(AsSelf(user))
    }
}

/// A platform administrator; anyone else is told the page does not exist.
pub struct PlatformAdmin(pub CurrentUser);

impl<S> FromRequestParts<S> for PlatformAdmin
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        // The platform's administration is done as oneself, never while acting for a unit.
        if !user.account.is_platform_admin || user.acting.is_some() {
            return Err(AppError::NotFound.into_response());
        }
        Ok(PlatformAdmin(user))
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// Only same-site paths are followed after sign-in (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}
