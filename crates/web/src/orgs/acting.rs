//! Acting for an organisation (使用选中的单位账号登录): a person with memberships chooses,
//! after sign-in and from the header at any time, whom they act as; and accepts or
//! declines the invitations organisations send.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::roles::{self, MembershipState, Roles};
use serde::Deserialize;
use store::ChangeError;
use store::memberships::Membership;

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::forms::CsrfForm;
use crate::layout::Chrome;

pub struct Choice {
    id: i64,
    membership_id: i64,
    name: String,
    kind: &'static str,
    roles: String,
    current: bool,
}

fn choice(m: &Membership, current: Option<i64>) -> Choice {
    Choice {
        id: m.organization_id,
        membership_id: m.id,
        name: m.org_name.clone(),
        kind: m.org_kind.label(),
        roles: Roles::from_bits(m.roles).labels(),
        current: current == Some(m.organization_id),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/act.html")]
pub struct ActPage {
    c: Chrome,
    as_self: bool,
    active: Vec<Choice>,
    invited: Vec<Choice>,
}

async fn page(app: &AppState, user: &CurrentUser, title: &str, path: &str) -> AppResult<ActPage> {
    let all = app.store.memberships_of_account(user.account.id).await?;
    let current = user.acting_id();
    Ok(ActPage {
        c: Chrome::for_user(title, path, user),
        as_self: current.is_none(),
        active: all
            .iter()
            .filter(|m| m.state == MembershipState::Active)
            .map(|m| choice(m, current))
            .collect(),
        invited: all
            .iter()
            .filter(|m| m.state == MembershipState::Invited)
            .map(|m| choice(m, current))
            .collect(),
    })
}

/// Where a person goes after signing in: to the choice of whom to act as when there
/// is one to make.
pub async fn after_sign_in(
    app: &AppState,
    account: i64,
    next: String,
) -> Result<String, store::DbErr> {
    if next != "/" {
        return Ok(next);
    }
    let any = app
        .store
        .memberships_of_account(account)
        .await?
        .iter()
        .any(|m| m.state == MembershipState::Active);
    Ok(if any { "/act".to_owned() } else { next })
}

pub async fn show(State(app): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    Ok(page(&app, &user, "选择身份", "/act").await?.into_response())
}

pub async fn mine(State(app): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    Ok(page(&app, &user, "单位账号", "/me/organizations")
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ChooseForm {
    org: String,
}

pub async fn choose(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<ChooseForm>,
) -> AppResult<Response> {
    if f.org == "self" {
        user.session.update(|d| d.acting_org = None);
        user.session.flash("info", "您现在以本人身份使用系统。");
        return Ok(Redirect::to("/").into_response());
    }
    let id: i64 = f.org.parse().map_err(|_| AppError::NotFound)?;
    let m = app.store.membership_of(id, user.account.id).await?;
    match m {
        Some(m) if m.state == MembershipState::Active => {
            user.session.update(|d| d.acting_org = Some(id));
            user.session
                .flash("info", format!("您现在代表“{}”操作。", m.org_name));
            Ok(Redirect::to("/").into_response())
        }
        _ => {
            Err(crate::policy::deny(&app, &user, &ip, &format!("代表非本人所属的单位 {id}")).await)
        }
    }
}

async fn own_invitation(
    app: &AppState,
    user: &CurrentUser,
    ip: &ClientIp,
    id: i64,
) -> AppResult<Membership> {
    match app.store.membership(id).await? {
        Some(m) if m.account_id == user.account.id => Ok(m),
        _ => Err(crate::policy::deny(app, user, ip, &format!("处理他人的单位邀请 {id}")).await),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn accept(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    decide(&app, &ip, &user, id, true).await
}

pub async fn decline(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    decide(&app, &ip, &user, id, false).await
}

async fn decide(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
    accept: bool,
) -> AppResult<Response> {
    let m = own_invitation(app, user, ip, id).await?;
    let state = m.state;
    let next = if accept {
        roles::accept(state)
    } else {
        roles::decline(state)
    };
    let back = Redirect::to("/me/organizations").into_response();
    let next = match next {
        Ok(n) => n,
        Err(e) => {
            user.session.flash("error", e.to_string());
            return Ok(back);
        }
    };
    match app
        .store
        .change_membership(id, &[MembershipState::Invited], next, None, app.now())
        .await
    {
        Ok(()) => {}
        Err(ChangeError::Conflict) => {
            user.session.flash("error", "该邀请已经处理过了。");
            return Ok(back);
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    let action = if accept { "accept" } else { "decline" };
    app.store
        .add_trail(
            "membership",
            id,
            action,
            Some(user.account.id),
            None,
            &m.org_name,
            app.now(),
        )
        .await?;
    user.session.flash(
        "success",
        if accept {
            format!(
                "您已接受“{}”的邀请。点击下方该单位的“使用该单位账号”即可代表该单位操作；以后可随时在导航的“切换身份”中切换。",
                m.org_name
            )
        } else {
            format!("您已拒绝“{}”的邀请。", m.org_name)
        },
    );
    Ok(back)
}
