//! The person's employment (工作单位): bind to a unit, wait for its confirmation or
//! withdraw the request, and once confirmed ask to transfer (办理调动) elsewhere.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::binding::{self, BindingState, TransferState};
use serde::Deserialize;
use store::ChangeError;
use store::organizations::Organization;
use store::reference::{HOME_PROVINCE, Region};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::CsrfForm;
use crate::layout::Chrome;
use domain::org::OrgStatus;

pub struct Line {
    unit: String,
    state: &'static str,
    state_class: &'static str,
    at: String,
    note: String,
}

pub struct Found {
    id: i64,
    name: String,
    kind: &'static str,
    region: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/employment.html")]
pub struct EmploymentPage {
    c: Chrome,
    current: Option<Line>,
    confirmed: bool,
    waiting: bool,
    pending_transfer: Option<(i64, String, String)>,
    history: Vec<Line>,
    transfers: Vec<Line>,
    cities: Vec<Region>,
    city: String,
    q: String,
    searched: bool,
    found: Vec<Found>,
}

impl EmploymentPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    city: String,
    q: String,
}

fn badge(state: BindingState) -> (&'static str, &'static str) {
    match state {
        BindingState::Confirmed => ("已确认", "badge-ok"),
        BindingState::Requested => ("待确认", "badge-warn"),
        BindingState::Refused => ("已拒绝", "badge-danger"),
        BindingState::Ended => ("已解除", "badge-muted"),
    }
}

fn transfer_badge(state: TransferState) -> (&'static str, &'static str) {
    match state {
        TransferState::Accepted => ("已接收", "badge-ok"),
        TransferState::Requested => ("待接收", "badge-warn"),
        TransferState::Refused => ("已拒绝", "badge-danger"),
        TransferState::Withdrawn => ("已撤回", "badge-muted"),
    }
}

fn found(o: Organization) -> Found {
    Found {
        id: o.id,
        kind: o.kind.label(),
        region: o.region_name.unwrap_or_default(),
        name: o.name,
    }
}

pub async fn show(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let me = user.account.id;
    let bindings = app.store.bindings_of(me).await?;
    let transfers = app.store.transfers_of(me).await?;
    let open = bindings.iter().find(|b| b.state.is_open());
    let current = open.map(|b| {
        let (state, state_class) = badge(b.state);
        Line {
            unit: b.unit_name.clone(),
            state,
            state_class,
            at: display_time(b.decided_at.unwrap_or(b.requested_at)),
            note: b.reason.clone(),
        }
    });
    let pending = transfers
        .iter()
        .find(|t| t.state == TransferState::Requested);
    let searched = !q.q.trim().is_empty() || !q.city.is_empty();
    let found_units = if searched {
        app.store
            .find_employers(Some(q.city.as_str()).filter(|c| !c.is_empty()), &q.q, 20)
            .await?
            .into_iter()
            .filter(|o| Some(o.id) != open.map(|b| b.unit_id))
            .map(found)
            .collect()
    } else {
        Vec::new()
    };
    Ok(EmploymentPage {
        c: Chrome::for_user("工作单位", "/me/employment", &user),
        confirmed: open.is_some_and(|b| b.state == BindingState::Confirmed),
        waiting: open.is_some_and(|b| b.state == BindingState::Requested),
        current,
        pending_transfer: pending
            .map(|t| (t.id, t.to_unit_name.clone(), display_time(t.created_at))),
        history: bindings
            .iter()
            .filter(|b| !b.state.is_open())
            .map(|b| {
                let (state, state_class) = badge(b.state);
                Line {
                    unit: b.unit_name.clone(),
                    state,
                    state_class,
                    at: display_time(b.ended_at.or(b.decided_at).unwrap_or(b.requested_at)),
                    note: b.reason.clone(),
                }
            })
            .collect(),
        transfers: transfers
            .iter()
            .map(|t| {
                let (state, state_class) = transfer_badge(t.state);
                Line {
                    unit: format!("{} → {}", t.from_unit_name, t.to_unit_name),
                    state,
                    state_class,
                    at: display_time(t.created_at),
                    note: if t.opinion.is_empty() {
                        t.reason.clone()
                    } else {
                        format!("{}；单位意见：{}", t.reason, t.opinion)
                    },
                }
            })
            .collect(),
        cities: app.store.regions_under(HOME_PROVINCE).await?,
        city: q.city,
        q: q.q,
        searched,
        found: found_units,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BindForm {
    unit_id: String,
    reason: String,
}

fn back() -> Response {
    Redirect::to("/me/employment").into_response()
}

/// An organisation a person may work for: approved, and an employer.
async fn employer(app: &AppState, id: &str) -> AppResult<Option<Organization>> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    Ok(app
        .store
        .organization(id)
        .await?
        .filter(|o| o.status == OrgStatus::Approved && (!o.kind.supervises())))
}

pub async fn bind(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<BindForm>,
) -> AppResult<Response> {
    let Some(unit) = employer(&app, &f.unit_id).await? else {
        user.session.flash("error", "没有找到该单位，请重新查询。");
        return Ok(back());
    };
    let me = user.account.id;
    let open = app.store.open_binding(me).await?;
    if let Err(e) = binding::may_request(open.as_ref().map(|b| b.state)) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    match app
        .store
        .request_binding(me, unit.id, BindingState::Requested, app.now())
        .await?
    {
        Some(id) => {
            app.store
                .add_trail(
                    "binding",
                    id,
                    "request",
                    Some(me),
                    None,
                    &unit.name,
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!(
                    "已向“{}”提交绑定申请，单位确认后即可看到您的继续教育记录。",
                    unit.name
                ),
            );
        }
        // A concurrent request won the race: one open binding per person.
        None => user.session.flash(
            "error",
            "您已绑定单位（或正在等待单位确认），如需更换单位请办理调动。",
        ),
    }
    Ok(back())
}

pub async fn cancel(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(_f): CsrfForm<BindForm>,
) -> AppResult<Response> {
    let me = user.account.id;
    let Some(b) = app.store.open_binding(me).await? else {
        return Ok(back());
    };
    let state = b.state;
    let next = match binding::cancel(state) {
        Ok(n) => n,
        Err(e) => {
            user.session.flash("error", e.to_string());
            return Ok(back());
        }
    };
    match app
        .store
        .change_binding(b.id, b.unit_id, state, next, "本人撤回申请", me, app.now())
        .await
    {
        Ok(()) => {
            app.store
                .add_trail("binding", b.id, "cancel", Some(me), None, "", app.now())
                .await?;
            user.session
                .flash("success", format!("已撤回对“{}”的绑定申请。", b.unit_name));
        }
        Err(ChangeError::Conflict) => user
            .session
            .flash("error", "单位已经处理了您的申请，请刷新查看。"),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(back())
}

pub async fn transfer(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<BindForm>,
) -> AppResult<Response> {
    let me = user.account.id;
    let Some(target) = employer(&app, &f.unit_id).await? else {
        user.session
            .flash("error", "没有找到调入单位，请重新查询。");
        return Ok(back());
    };
    let open = app.store.open_binding(me).await?;
    let pending = app
        .store
        .transfers_of(me)
        .await?
        .iter()
        .any(|t| t.state == TransferState::Requested);
    if let Err(e) = binding::may_request_transfer(
        open.as_ref().map(|b| b.unit_id),
        open.as_ref().map(|b| b.state),
        target.id,
        pending,
        f.reason.trim(),
    ) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    let Some(from) = open else { return Ok(back()) };
    match app
        .store
        .request_transfer(me, from.unit_id, target.id, f.reason.trim(), app.now())
        .await?
    {
        Some(id) => {
            app.store
                .add_trail(
                    "transfer",
                    id,
                    "request",
                    Some(me),
                    None,
                    &format!("{} → {}：{}", from.unit_name, target.name, f.reason.trim()),
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!(
                    "调动申请已提交，等待“{}”接收。接收前您仍属于“{}”。",
                    target.name, from.unit_name
                ),
            );
        }
        None => user.session.flash("error", "您已有一个调动申请正在办理。"),
    }
    Ok(back())
}

pub async fn withdraw(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<BindForm>,
) -> AppResult<Response> {
    let me = user.account.id;
    let t = match app.store.transfer(id).await? {
        Some(t) if t.account_id == me => t,
        _ => {
            return Err(
                crate::policy::deny(&app, &user, &ip, &format!("撤回他人的调动申请 {id}")).await,
            );
        }
    };
    let state = t.state;
    if let Err(e) = binding::withdraw_transfer(state) {
        user.session.flash("error", e.to_string());
        return Ok(back());
    }
    match app
        .store
        .close_transfer(id, TransferState::Withdrawn, "", me, app.now())
        .await
    {
        Ok(()) => {
            app.store
                .add_trail("transfer", id, "withdraw", Some(me), None, "", app.now())
                .await?;
            user.session.flash("success", "调动申请已撤回。");
        }
        Err(ChangeError::Conflict) => user
            .session
            .flash("error", "调入单位已经处理了该申请，请刷新查看。"),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(back())
}
