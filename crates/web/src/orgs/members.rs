//! The members of an organisation (单位用户): its administrator searches personal
//! accounts, invites them with roles, changes their roles and removes them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::identity::mask;
use domain::policy::Action;
use domain::roles::{self, MembershipState, Role, Roles};
use serde::Deserialize;
use store::ChangeError;
use store::accounts::AccountFilter;
use store::memberships::{KeepAdminError, Membership};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::forms::{CsrfForm, Pairs};
use crate::layout::Chrome;
use crate::policy;

pub struct MemberRow {
    id: i64,
    name: String,
    login: String,
    doc: String,
    state: &'static str,
    invited: bool,
    roles: Vec<(&'static str, &'static str, bool)>,
    is_self: bool,
}

pub struct Candidate {
    id: i64,
    name: String,
    login: String,
    doc: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/members.html")]
pub struct MembersPage {
    c: Chrome,
    org_name: String,
    members: Vec<MemberRow>,
    q: String,
    searched: bool,
    candidates: Vec<Candidate>,
    all_roles: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

fn member_row(m: &Membership, me: i64) -> MemberRow {
    let roles = Roles::from_bits(m.roles);
    MemberRow {
        id: m.id,
        name: m.real_name.clone(),
        login: m.login_name.clone(),
        doc: mask(&m.doc_number),
        state: m.state.label(),
        invited: m.state == MembershipState::Invited,
        roles: Role::ALL
            .iter()
            .map(|r| (r.code(), r.label(), roles.contains(*r)))
            .collect(),
        is_self: m.account_id == me,
    }
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageMembers).await?;
    let members = app.store.members_of(acting.org.id).await?;
    let text = q.q.trim().to_owned();
    // At least two characters, so a search cannot list every account of the province.
    let candidates = if text.chars().count() >= 2 {
        app.store
            .search_accounts(
                &AccountFilter {
                    q: Some(text.clone()),
                    per_page: 20,
                    ..Default::default()
                },
                app.now(),
            )
            .await?
            .items
            .into_iter()
            .filter(|a| !members.iter().any(|m| m.account_id == a.id))
            .map(|a| Candidate {
                id: a.id,
                name: a.real_name,
                login: a.login_name,
                doc: mask(&a.doc_number),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(MembersPage {
        c: Chrome::for_user("单位用户", "/org/members", &user),
        org_name: acting.org.name.clone(),
        members: members
            .iter()
            .map(|m| member_row(m, user.account.id))
            .collect(),
        searched: text.chars().count() >= 2,
        q: text,
        candidates,
        all_roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
    }
    .into_response())
}

fn back() -> Response {
    Redirect::to("/org/members").into_response()
}

pub async fn invite(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageMembers).await?;
    let roles = Roles::from_codes(f.all("roles"));
    if roles.is_empty() {
        user.session.flash("error", "请至少选择一个角色。");
        return Ok(back());
    }
    let Some(account) = (match f.get("account_id").parse::<i64>() {
        Ok(id) => app.store.account(id).await?,
        Err(_) => None,
    }) else {
        user.session.flash("error", "没有找到该账号，请重新查询。");
        return Ok(back());
    };
    if app
        .store
        .invite_member(
            acting.org.id,
            account.id,
            roles.bits(),
            Some(user.account.id),
            MembershipState::Invited,
            app.now(),
        )
        .await?
    {
        if let Some(m) = app.store.membership_of(acting.org.id, account.id).await? {
            app.store
                .add_trail(
                    "membership",
                    m.id,
                    "invite",
                    Some(user.account.id),
                    Some(acting.org.id),
                    &roles.labels(),
                    app.now(),
                )
                .await?;
        }
        user.session.flash(
            "success",
            format!(
                "已邀请 {}（{}），角色：{}。对方接受后即可代表本单位操作。",
                account.real_name,
                account.login_name,
                roles.labels()
            ),
        );
    } else {
        user.session.flash(
            "error",
            format!("{} 已经是本单位的用户或已被邀请。", account.real_name),
        );
    }
    Ok(back())
}

async fn member(
    app: &AppState,
    user: &CurrentUser,
    ip: &ClientIp,
    id: i64,
) -> AppResult<(i64, Membership)> {
    let acting = policy::acting_for(app, user, ip, Action::ManageMembers).await?;
    match app.store.membership(id).await? {
        Some(m) if m.organization_id == acting.org.id => Ok((acting.org.id, m)),
        _ => Err(policy::deny(app, user, ip, &format!("管理其他单位的用户 {id}")).await),
    }
}

pub async fn set_roles(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let (org, m) = member(&app, &user, &ip, id).await?;
    let new_roles = Roles::from_codes(f.all("roles"));
    let was_admin =
        Roles::from_bits(m.roles).contains(Role::Admin) && m.state == MembershipState::Active;
    let admins = app
        .store
        .count_admins(org, Roles::default().with(Role::Admin).bits())
        .await?;
    if let Err(e) = roles::check_role_change(admins, was_admin, new_roles) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    let admin_bit = Roles::default().with(Role::Admin).bits();
    match app
        .store
        .change_membership_keeping_admin(id, org, m.state, new_roles.bits(), admin_bit, app.now())
        .await
    {
        Ok(()) => {
            app.store
                .add_trail(
                    "membership",
                    id,
                    "roles",
                    Some(user.account.id),
                    Some(org),
                    &new_roles.labels(),
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!("{} 的角色已改为：{}。", m.real_name, new_roles.labels()),
            );
        }
        Err(KeepAdminError::LastAdmin) => user.session.flash("error", roles::LAST_ADMIN_MESSAGE),
        Err(KeepAdminError::Change(ChangeError::Conflict)) => {
            user.session.flash("error", "该用户已被移除。")
        }
        Err(KeepAdminError::Change(ChangeError::Db(e))) => return Err(e.into()),
    }
    Ok(back())
}

pub async fn remove(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let (org, m) = member(&app, &user, &ip, id).await?;
    let was_admin =
        Roles::from_bits(m.roles).contains(Role::Admin) && m.state == MembershipState::Active;
    let admins = app
        .store
        .count_admins(org, Roles::default().with(Role::Admin).bits())
        .await?;
    if let Err(e) = roles::check_removal(admins, was_admin) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    let state = m.state;
    if let Err(e) = roles::remove(state) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    let admin_bit = Roles::default().with(Role::Admin).bits();
    match app
        .store
        .change_membership_keeping_admin(
            id,
            org,
            MembershipState::Removed,
            m.roles,
            admin_bit,
            app.now(),
        )
        .await
    {
        Ok(()) => {
            app.store
                .add_trail(
                    "membership",
                    id,
                    "remove",
                    Some(user.account.id),
                    Some(org),
                    "",
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!("已移除 {}，其不能再代表本单位操作。", m.real_name),
            );
        }
        Err(KeepAdminError::LastAdmin) => user.session.flash("error", roles::LAST_ADMIN_MESSAGE),
        Err(KeepAdminError::Change(ChangeError::Conflict)) => {
            user.session.flash("error", "该用户已被移除。")
        }
        Err(KeepAdminError::Change(ChangeError::Db(e))) => return Err(e.into()),
    }
    Ok(back())
}
