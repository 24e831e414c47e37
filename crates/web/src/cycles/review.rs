//! Each reviewing level's work on cycle verifications: its queue with filters and batch
//! decisions, and an application's page with the figures frozen at submission beside today's.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::cycle::{self, ApplicationState, AtLevel, Decision};
use domain::policy::{Action, permits};
use serde::Deserialize;
use store::ChangeError;
use store::cycles::{Cycle, CycleChange, CycleFilter, CycleStep};

use super::apply::{ShowPage, TypedDecision};
use super::check::compute;
use super::view::{CycleLine, ResultView, TrailView};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{Acting, CurrentUser};
use crate::error::AppResult;
use crate::forms::{CsrfForm, Pairs};
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;
use crate::records::RuleContext;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct QueueQuery {
    name: String,
    doc: String,
    discipline: String,
    target: String,
    page: u64,
}

#[derive(Template, WebTemplate)]
#[template(path = "cycles/queue.html")]
pub struct QueuePage {
    c: Chrome,
    q: QueueQuery,
    rows: Vec<CycleLine>,
    pager: Pager,
    batch: bool,
    disciplines: Vec<(&'static str, &'static str)>,
}

impl QueuePage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

pub async fn queue(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewCycles).await?;
    let page = app
        .store
        .cycles(&CycleFilter {
            reviewer_id: Some(acting.org.id),
            name: Some(q.name.clone()),
            doc_number: Some(q.doc.clone()),
            discipline: Some(q.discipline.clone()),
            target: Some(q.target.clone()),
            page: q.page,
            per_page: 20,
            ..Default::default()
        })
        .await?;
    let query = serde_urlencoded::to_string([
        ("name", &q.name),
        ("doc", &q.doc),
        ("discipline", &q.discipline),
        ("target", &q.target),
    ])
    .unwrap_or_default();
    Ok(QueuePage {
        c: Chrome::for_user("周期验证审核", "/org/cycles", &user),
        rows: page.items.iter().map(CycleLine::of).collect(),
        pager: Pager::new(&page, "/org/cycles", &query),
        batch: permits(acting.kind, acting.roles, Action::ReviewCycles),
        disciplines: domain::profile::Discipline::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        q,
    }
    .into_response())
}

/// An application whose chain holds the organisation acted for, or of its subtree (a bureau
/// above the chain sees it in its queries).
async fn in_chain<'a>(
    app: &AppState,
    ip: &ClientIp,
    user: &'a CurrentUser,
    id: i64,
    action: Action,
) -> AppResult<(&'a Acting, Cycle)> {
    let acting = policy::acting_for(app, user, ip, action).await?;
    match app.store.cycle(id).await? {
        Some(c)
            if c.chain_ids().contains(&acting.org.id)
                || app.store.org_reaches(acting.org.id, c.unit_id).await? =>
        {
            Ok((acting, c))
        }
        _ => Err(policy::deny(app, user, ip, &format!("查看其他单位的周期验证 {id}")).await),
    }
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (acting, c) = in_chain(&app, &ip, &user, id, Action::ViewCycles).await?;
    Ok(
        review_page(&app, &user, acting, &c, TypedDecision::default())
            .await?
            .into_response(),
    )
}

/// An application's page for a reviewing level, with what its reviewer typed.
async fn review_page(
    app: &AppState,
    user: &CurrentUser,
    acting: &Acting,
    c: &Cycle,
    typed: TypedDecision,
) -> AppResult<ShowPage> {
    let frozen: Option<domain::cycle::CycleResult> = serde_json::from_str(&c.frozen).ok();
    // Today's figures of the same cycle, to see what changed since the submission.
    let today = match RuleContext::of_person(app, c.account_id).await? {
        Some(cx) => compute(app, &cx, c.account_id, c.applied_on, c.qualification_date)
            .await?
            .ok()
            .map(|t| t.result),
        None => None,
    };
    let differs = match (&frozen, &today) {
        (Some(a), Some(b)) => a.cycle != b.cycle || a.required != b.required,
        _ => false,
    };
    Ok(ShowPage {
        c: Chrome::for_user("周期验证审核", "/org/cycles", user),
        frozen: frozen.as_ref().map(ResultView::of),
        today: today.as_ref().map(ResultView::of),
        differs,
        trail: app
            .store
            .cycle_trail(c.id)
            .await?
            .into_iter()
            .map(TrailView::of)
            .collect(),
        opinion: c.opinion.clone(),
        may_withdraw: false,
        may_resubmit: false,
        decide: c.reviewer_id == Some(acting.org.id)
            && ApplicationState::is_open(c.state)
            && permits(acting.kind, acting.roles, Action::ReviewCycles)
            && c.account_id != user.account.id,
        back: "/org/cycles",
        may_certify: false,
        certificate_id: None,
        line: CycleLine::of(c),
        typed,
    })
}

fn decision_of(code: &str) -> Option<(Decision, &'static str)> {
    match code {
        "approve" => Some((Decision::Approve, "通过")),
        "return" => Some((Decision::Return, "退案")),
        "reject" => Some((Decision::Reject, "不通过")),
        _ => None,
    }
}

/// Why a decision was refused: its opinion (shown next to that field), or anything else.
enum Refused {
    Opinion(String),
    Other(String),
}

impl Refused {
    fn message(self) -> String {
        match self {
            Refused::Opinion(m) | Refused::Other(m) => m,
        }
    }
}

/// One level's decision on one application: the rules say where it goes next, and what the
/// trail calls an approval (a short cycle passes only as a special approval with its reason).
async fn decide_one(
    app: &AppState,
    user: &CurrentUser,
    acting: &Acting,
    c: &Cycle,
    decision: Decision,
    result: &str,
    opinion: &str,
) -> AppResult<Result<(), Refused>> {
    if c.reviewer_id != Some(acting.org.id) {
        return Ok(Err(Refused::Other("该申请不在本级审核".into())));
    }
    if let Err(e) = domain::record::not_own(c.account_id, user.account.id) {
        return Ok(Err(Refused::Other(e.to_string())));
    }
    if let Err(e) = domain::record::check_opinion(opinion) {
        return Ok(Err(Refused::Opinion(e.to_string())));
    }
    let result = match decision {
        Decision::Approve => match cycle::approval(c.met, opinion) {
            Ok(a) => a.result(),
            Err(e) => return Ok(Err(Refused::Opinion(e.to_string()))),
        },
        _ => result,
    };
    let chain = c.chain_ids();
    let state = c.state;
    let at = AtLevel {
        state,
        level: c.level.max(0) as usize,
    };
    let next = match cycle::decide(at, at.level, chain.len(), decision, opinion) {
        Ok(n) => n,
        // A return or a refusal without its opinion.
        Err(e)
            if at.state.is_open() && decision != Decision::Approve && opinion.trim().is_empty() =>
        {
            return Ok(Err(Refused::Opinion(e.to_string())));
        }
        Err(e) => return Ok(Err(Refused::Other(e.to_string()))),
    };
    let reviewer = next
        .state
        .is_open()
        .then(|| chain.get(next.level).copied())
        .flatten();
    let closes = matches!(
        next.state,
        ApplicationState::Approved | ApplicationState::Rejected
    );
    match app
        .store
        .change_cycle(
            c.id,
            &CycleChange {
                from_state: state,
                from_level: c.level,
                to_state: next.state,
                to_level: next.level as i32,
                reviewer_id: reviewer,
                opinion: opinion.trim(),
                closes,
            },
            &CycleStep {
                step: "decide",
                org_id: Some(acting.org.id),
                actor_id: user.account.id,
                result,
                opinion: opinion.trim(),
            },
            app.now(),
        )
        .await
    {
        Ok(()) => Ok(Ok(())),
        Err(ChangeError::Conflict) => Ok(Err(Refused::Other(
            "该申请已被他人处理或已被申请人回收，请刷新查看。".into(),
        ))),
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    decision: String,
    opinion: String,
}

pub async fn decide(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> AppResult<Response> {
    let (acting, c) = in_chain(&app, &ip, &user, id, Action::ReviewCycles).await?;
    let here = format!("/org/cycles/{id}");
    let Some((decision, result)) = decision_of(&f.decision) else {
        user.session.flash("error", "请选择审核结果");
        return Ok(Redirect::to(&here).into_response());
    };
    match decide_one(&app, &user, acting, &c, decision, result, &f.opinion).await? {
        Ok(()) => {
            let result = match decision {
                Decision::Approve if !c.met => cycle::SPECIAL_APPROVAL,
                _ => result,
            };
            user.session
                .flash("success", format!("已审核：{}，{result}。", c.real_name));
            Ok(Redirect::to("/org/cycles").into_response())
        }
        // Refused for its opinion: the page again, the error next to the field, the text kept.
        Err(Refused::Opinion(error)) => {
            let typed = TypedDecision {
                decision: f.decision,
                opinion: f.opinion,
                error,
            };
            Ok(review_page(&app, &user, acting, &c, typed)
                .await?
                .into_response())
        }
        Err(Refused::Other(message)) => {
            user.session.flash("error", message);
            Ok(Redirect::to(&here).into_response())
        }
    }
}

/// The same decision and opinion for the chosen applications waiting here.
pub async fn decide_batch(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewCycles).await?;
    let back = Redirect::to("/org/cycles").into_response();
    let Some((decision, result)) = decision_of(f.get("decision")) else {
        user.session.flash("error", "请选择审核结果");
        return Ok(back);
    };
    let ids: std::collections::BTreeSet<i64> = f
        .all("cycle")
        .filter_map(|v| v.parse().ok())
        .take(200)
        .collect();
    if ids.is_empty() {
        user.session.flash("error", "请先勾选要审核的申请。");
        return Ok(back);
    }
    let mut chosen = Vec::with_capacity(ids.len());
    for id in ids {
        match app.store.cycle(id).await? {
            Some(c) if c.chain_ids().contains(&acting.org.id) => chosen.push(c),
            _ => {
                return Err(policy::deny(
                    &app,
                    &user,
                    &ip,
                    &format!("批量审核其他单位的周期验证 {id}"),
                )
                .await);
            }
        }
    }
    let opinion = f.get("opinion");
    let (mut done, mut skipped, mut first_problem) = (0, 0, None);
    // Short applications the batch's opinion cannot approve, named so the reviewer finds them.
    let mut short = Vec::new();
    for c in &chosen {
        if decision == Decision::Approve && cycle::approval(c.met, opinion).is_err() {
            short.push(c.real_name.clone());
            continue;
        }
        match decide_one(&app, &user, acting, c, decision, result, opinion).await? {
            Ok(()) => done += 1,
            Err(m) => {
                skipped += 1;
                first_problem.get_or_insert(m.message());
            }
        }
    }
    let mut message = match first_problem {
        None => format!("已审核 {done} 份申请：{result}。"),
        Some(m) => format!("已审核 {done} 份申请：{result}；{skipped} 份未处理（{m}）。"),
    };
    if !short.is_empty() {
        message.push_str(&format!(
            "以下 {} 份申请未达到周期验证要求，未予通过：{}。{}",
            short.len(),
            short.join("、"),
            cycle::special_reason_message()
        ));
    }
    let kind = if short.is_empty() && skipped == 0 {
        "success"
    } else if done == 0 {
        "error"
    } else {
        "info"
    };
    user.session.flash(kind, message);
    Ok(back)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SearchQuery {
    year: String,
    state: String,
    name: String,
    discipline: String,
    page: u64,
}

impl SearchQuery {
    fn filter(&self, within: i64, per_page: u64) -> CycleFilter {
        CycleFilter {
            within: Some(within),
            year: self.year.trim().parse().ok(),
            state: ApplicationState::from_code(&self.state),
            name: Some(self.name.clone()),
            discipline: Some(self.discipline.clone()),
            page: self.page,
            per_page,
            ..Default::default()
        }
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("year", &self.year),
            ("state", &self.state),
            ("name", &self.name),
            ("discipline", &self.discipline),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cycles/search.html")]
pub struct SearchPage {
    c: Chrome,
    q: SearchQuery,
    rows: Vec<CycleLine>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    disciplines: Vec<(&'static str, &'static str)>,
    export_query: String,
}

impl SearchPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

/// 查询统计: the applications of the organisation's subtree, by year and state.
pub async fn search(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewCycles).await?;
    let page = app.store.cycles(&q.filter(acting.org.id, 20)).await?;
    Ok(SearchPage {
        c: Chrome::for_user("周期验证查询", "/org/cycles", &user),
        rows: page.items.iter().map(CycleLine::of).collect(),
        pager: Pager::new(&page, "/org/cycles/search", &q.query_string()),
        states: ApplicationState::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        disciplines: domain::profile::Discipline::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        export_query: q.query_string(),
        q,
    }
    .into_response())
}

pub async fn export(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewCycles).await?;
    let mut rows = Vec::new();
    let mut f = q.filter(acting.org.id, 200);
    f.page = 1;
    loop {
        let page = app.store.cycles(&f).await?;
        let last = page.page >= page.pages() || rows.len() >= 50_000;
        rows.extend(page.items.iter().map(|c| {
            let l = CycleLine::of(c);
            vec![
                l.name,
                l.doc,
                l.unit,
                l.promotion.to_owned(),
                l.target,
                l.discipline.to_owned(),
                l.years,
                if l.met { "达到" } else { "未达到" }.to_owned(),
                l.state.to_owned(),
                l.waiting_at,
                l.at,
            ]
        }));
        if last {
            break;
        }
        f.page += 1;
    }
    let header = [
        "姓名",
        "证件号码",
        "单位",
        "申报类别",
        "拟申报资格",
        "学科类别",
        "验证年度",
        "学时",
        "状态",
        "当前办理",
        "申请时间",
    ];
    let name = format!(
        "{}周期验证{}.xlsx",
        acting.org.name,
        app.today().format("%Y%m%d")
    );
    crate::xlsx::respond("周期验证", &header, &rows, &name)
}
