//! Transfers into the unit (调入申请): accept or refuse, with an opinion.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use domain::binding::{self, TransferState};
use domain::identity::mask;
use domain::policy::Action;
use serde::Deserialize;

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::back::{Back, OrBack};
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::CsrfForm;
use crate::layout::Chrome;
use crate::policy;

pub struct Row {
    id: i64,
    name: String,
    doc: String,
    from: String,
    reason: String,
    at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/transfers.html")]
pub struct TransfersPage {
    c: Chrome,
    rows: Vec<Row>,
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::AcceptTransfers).await?;
    let rows = app
        .store
        .transfers_to(acting.org.id, TransferState::Requested)
        .await?
        .into_iter()
        .map(|t| Row {
            id: t.id,
            name: t.real_name,
            doc: mask(&t.doc_number),
            from: t.from_unit_name,
            reason: t.reason,
            at: display_time(t.created_at),
        })
        .collect();
    Ok(TransfersPage {
        c: Chrome::for_user("调入申请", "/org/transfers", &user),
        rows,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    opinion: String,
}

/// The list of incoming transfers, where a decision on one returns.
const TRANSFERS: &str = "/org/transfers";

/// Someone was quicker: the transfer was decided or withdrawn meanwhile.
const DECIDED_MEANWHILE: &str = "该申请已被处理或已撤回，请刷新查看。";

async fn incoming(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(i64, store::bindings::Transfer)> {
    let acting = policy::acting_for(app, user, ip, Action::AcceptTransfers).await?;
    match app.store.transfer(id).await? {
        Some(t) if t.to_unit_id == acting.org.id => Ok((acting.org.id, t)),
        _ => Err(policy::deny(app, user, ip, &format!("处理调入其他单位的申请 {id}")).await),
    }
}

pub async fn accept(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let (unit, t) = incoming(&app, &ip, &user, id).await?;
    let back = Back::to(&user.session, TRANSFERS);
    binding::accept_transfer(t.state).or_back(&back)?;
    back.changed(
        app.store
            .accept_transfer(id, user.account.id, app.now())
            .await,
        DECIDED_MEANWHILE,
    )?;
    app.store
        .add_trail(
            "transfer",
            id,
            "accept",
            Some(user.account.id),
            Some(unit),
            "",
            app.now(),
        )
        .await?;
    back.done(format!(
        "已接收 {}，其原单位“{}”的绑定已结束。",
        t.real_name, t.from_unit_name
    ))
}

pub async fn refuse(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecisionForm>,
) -> AppResult<Response> {
    let (unit, t) = incoming(&app, &ip, &user, id).await?;
    let back = Back::to(&user.session, TRANSFERS);
    let opinion = f.opinion.trim();
    binding::refuse_transfer(t.state, opinion).or_back(&back)?;
    back.changed(
        app.store
            .close_transfer(
                id,
                TransferState::Refused,
                opinion,
                user.account.id,
                app.now(),
            )
            .await,
        DECIDED_MEANWHILE,
    )?;
    app.store
        .add_trail(
            "transfer",
            id,
            "refuse",
            Some(user.account.id),
            Some(unit),
            opinion,
            app.now(),
        )
        .await?;
    back.done(format!("已拒绝 {} 的调入申请。", t.real_name))
}
