//! The review of registrations by the organisation above (单位审核), and the list of
//! the organisations below.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::org::{self, OrgStatus};
use domain::policy::Action;
use domain::roles::{Role, Roles};
use serde::Deserialize;
use store::ChangeError;
use store::organizations::{OrgFilter, Organization};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::back::{Back, OrBack};
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::CsrfForm;
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;
use domain::roles::MembershipState;

pub struct Row {
    id: i64,
    name: String,
    kind: &'static str,
    id_code: String,
    region: String,
    parent: String,
    contact: String,
    registrant: String,
    legal_rep: String,
    address: String,
    status: &'static str,
    status_class: &'static str,
    reason: String,
    at: String,
}

fn row(o: Organization) -> Row {
    let (status, status_class) = super::register::status_badge(o.status);
    Row {
        id: o.id,
        kind: o.kind.label(),
        id_code: o.id_code.unwrap_or_default(),
        region: o.region_name.unwrap_or_default(),
        parent: o.parent_name.unwrap_or_default(),
        contact: format!("{} {}", o.contact_name, o.contact_phone),
        registrant: o.registrant_name.unwrap_or_default(),
        legal_rep: o.legal_rep,
        address: o.address,
        status,
        status_class,
        reason: o.decision_reason,
        at: display_time(o.created_at),
        name: o.name,
    }
}

pub struct MoveRow {
    id: i64,
    name: String,
    kind: &'static str,
    id_code: String,
    region: String,
    from: String,
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/review.html")]
pub struct ReviewPage {
    c: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    moves: Vec<MoveRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: u64,
    name: String,
    status: String,
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRegistrations).await?;
    let page = app
        .store
        .organizations(&OrgFilter {
            parent_id: Some(acting.org.id),
            status: Some(OrgStatus::Applied),
            page: q.page,
            per_page: 20,
            ..Default::default()
        })
        .await?;
    let pager = Pager::new(&page, "/org/registrations", "");
    let moves = app
        .store
        .moves_pending_for(acting.org.id)
        .await?
        .into_iter()
        .map(|o| MoveRow {
            id: o.id,
            kind: o.kind.label(),
            id_code: o.id_code.unwrap_or_default(),
            region: o.region_name.unwrap_or_default(),
            from: o.parent_name.unwrap_or_default(),
            reason: o.pending_reason,
            name: o.name,
        })
        .collect();
    Ok(ReviewPage {
        c: Chrome::for_user("单位审核", "/org/registrations", &user),
        rows: page.items.into_iter().map(row).collect(),
        pager,
        moves,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    reason: String,
}

/// The registration, if it lies directly below the organisation acted for.
async fn registration(
    app: &AppState,
    user: &CurrentUser,
    ip: &ClientIp,
    id: i64,
) -> AppResult<Organization> {
    let acting = policy::acting_for(app, user, ip, Action::ReviewRegistrations).await?;
    match app.store.organization(id).await? {
        Some(o) if o.parent_id == Some(acting.org.id) => Ok(o),
        _ => Err(policy::deny(app, user, ip, &format!("审核不属于本单位的注册申请 {id}")).await),
    }
}

pub async fn approve(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let o = registration(&app, &user, &ip, id).await?;
    let current = o.status;
    if let Err(e) = org::decide_registration(current, true, "") {
        user.session.flash("error", e.to_string());
        return Ok(Redirect::to("/org/registrations").into_response());
    }
    match app
        .store
        .decide_organization(id, OrgStatus::Approved, "", user.account.id, app.now())
        .await
    {
        Ok(()) => {}
        Err(ChangeError::Conflict) => {
            user.session
                .flash("error", "该申请已经处理过了，无需重复操作。");
            return Ok(Redirect::to("/org/registrations").into_response());
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    // The person who registered the unit becomes its administrator.
    if let Some(by) = o.registered_by {
        let roles = Roles::default().with(Role::Admin).bits();
        app.store
            .invite_member(
                id,
                by,
                roles,
                Some(user.account.id),
                MembershipState::Active,
                app.now(),
            )
            .await?;
    }
    app.store
        .add_trail(
            "organization",
            id,
            "approve",
            Some(user.account.id),
            user.acting_id(),
            "审核通过",
            app.now(),
        )
        .await?;
    user.session
        .flash("success", format!("已通过“{}”的注册申请。", o.name));
    Ok(Redirect::to("/org/registrations").into_response())
}

pub async fn reject(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let o = registration(&app, &user, &ip, id).await?;
    let current = o.status;
    let reason = f.reason.trim();
    if let Err(e) = org::decide_registration(current, false, reason) {
        user.session.flash("error", format!("“{}”：{}", o.name, e));
        return Ok(Redirect::to("/org/registrations").into_response());
    }
    match app
        .store
        .decide_organization(id, OrgStatus::Rejected, reason, user.account.id, app.now())
        .await
    {
        Ok(()) => {}
        Err(ChangeError::Conflict) => {
            user.session
                .flash("error", "该申请已经处理过了，无需重复操作。");
            return Ok(Redirect::to("/org/registrations").into_response());
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    app.store
        .add_trail(
            "organization",
            id,
            "reject",
            Some(user.account.id),
            user.acting_id(),
            reason,
            app.now(),
        )
        .await?;
    user.session
        .flash("success", format!("已退回“{}”的注册申请。", o.name));
    Ok(Redirect::to("/org/registrations").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/units.html")]
pub struct UnitsPage {
    c: Chrome,
    q: PageQuery,
    rows: Vec<Row>,
    pager: Pager,
    /// The status filter's choices: code and words.
    statuses: Vec<(&'static str, &'static str)>,
}

impl UnitsPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

pub async fn units(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewUnits).await?;
    let status = OrgStatus::from_code(&q.status);
    let page = app
        .store
        .organizations(&OrgFilter {
            within: Some(acting.org.id),
            exclude: Some(acting.org.id),
            name: Some(q.name.clone()),
            status,
            page: q.page,
            per_page: 20,
            ..Default::default()
        })
        .await?;
    let base =
        serde_urlencoded::to_string([("name", q.name.as_str()), ("status", q.status.as_str())])
            .unwrap_or_default();
    let pager = Pager::new(&page, "/org/units", &base);
    Ok(UnitsPage {
        c: Chrome::for_user("下属单位", "/org/units", &user),
        rows: page.items.into_iter().map(row).collect(),
        q,
        pager,
        statuses: [OrgStatus::Approved, OrgStatus::Applied, OrgStatus::Rejected]
            .into_iter()
            .map(|s| (s.code(), super::register::status_badge(s).0))
            .collect(),
    }
    .into_response())
}

/// An organisation asking to move under the one acted for.
async fn move_request(
    app: &AppState,
    user: &CurrentUser,
    ip: &ClientIp,
    id: i64,
) -> AppResult<(i64, Organization)> {
    let acting = policy::acting_for(app, user, ip, Action::ReviewRegistrations).await?;
    match app.store.organization(id).await? {
        Some(o) if o.pending_parent_id == Some(acting.org.id) => Ok((acting.org.id, o)),
        _ => Err(policy::deny(
            app,
            user,
            ip,
            &format!("审核不是向本单位提出的变更申请 {id}"),
        )
        .await),
    }
}

pub async fn approve_move(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let (me, o) = move_request(&app, &user, &ip, id).await?;
    let back = Back::to(&user.session, REGISTRATIONS);
    back.changed(app.store.approve_move(id, me).await, DECIDED_BEFORE)?;
    app.store
        .add_trail(
            "organization",
            id,
            "move_approve",
            Some(user.account.id),
            Some(me),
            &format!("原主管部门：{}", o.parent_name.unwrap_or_default()),
            app.now(),
        )
        .await?;
    back.done(format!("已同意“{}”变更到本单位之下。", o.name))
}

pub async fn reject_move(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let (me, o) = move_request(&app, &user, &ip, id).await?;
    let back = Back::to(&user.session, REGISTRATIONS);
    org::rejection_reason(f.reason.trim())
        .map_err(|e| format!("“{}”：{}", o.name, e))
        .or_back(&back)?;
    back.changed(app.store.reject_move(id, me).await, DECIDED_BEFORE)?;
    app.store
        .add_trail(
            "organization",
            id,
            "move_reject",
            Some(user.account.id),
            Some(me),
            f.reason.trim(),
            app.now(),
        )
        .await?;
    back.done(format!("已退回“{}”的变更申请。", o.name))
}

/// The registrations and move requests waiting for this organisation, where a decision returns.
const REGISTRATIONS: &str = "/org/registrations";

/// A second decision on a request someone has decided already.
const DECIDED_BEFORE: &str = "该申请已经处理过了，无需重复操作。";
