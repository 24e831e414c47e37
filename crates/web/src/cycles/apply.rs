//! The person's cycle verification (继续教育情况复验申请): the figures before submitting,
//! submit, withdraw (回收) while no level has reviewed it, resubmit after a return.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::cycle::{self, ApplicationState, AtLevel, Promotion};
use domain::profile::Discipline;
use serde::Deserialize;
use store::ChangeError;
use store::cycles::{Cycle, CycleChange, CycleStep, NewCycle};
use store::reference::Named;

use super::check::{Computed, compute};
use super::view::{CycleLine, ResultView, TrailView};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, FieldErrors, Once};
use crate::layout::Chrome;
use crate::policy;
use crate::records::RuleContext;
use domain::certificate::CertificateKind;

#[derive(Template, WebTemplate)]
#[template(path = "cycles/mine.html")]
pub struct MinePage {
    c: Chrome,
    rows: Vec<CycleLine>,
    bound: bool,
}

pub async fn list(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let rows = app
        .store
        .cycles_of(user.account.id)
        .await?
        .iter()
        .map(CycleLine::of)
        .collect();
    Ok(MinePage {
        c: Chrome::for_user("周期验证", "/me/cycles", &user),
        rows,
        bound: RuleContext::of_person(&app, user.account.id)
            .await?
            .is_some(),
    }
    .into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ApplyForm {
    form_key: String,
    promotion: String,
    target_qualification: String,
    target_level: String,
    discipline: String,
    qualification_date: String,
    /// "preview" (计算) or "submit" (提交申请).
    intent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cycles/apply.html")]
pub struct ApplyPage {
    c: Chrome,
    f: ApplyForm,
    errors: FieldErrors,
    promotions: Vec<(&'static str, &'static str)>,
    levels: Vec<Named>,
    disciplines: Vec<(&'static str, &'static str)>,
    current: String,
    r: Option<ResultView>,
}

impl ApplyPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

async fn page(
    app: &AppState,
    user: &CurrentUser,
    f: ApplyForm,
    errors: FieldErrors,
    r: Option<ResultView>,
) -> AppResult<Response> {
    let p = app
        .store
        .profile(user.account.id)
        .await?
        .unwrap_or_default();
    let levels = app.store.qualification_levels().await?;
    let level = levels
        .iter()
        .find(|l| l.code == p.level_code)
        .map(|l| l.name.clone())
        .unwrap_or_default();
    Ok(ApplyPage {
        c: Chrome::for_user("周期验证申请", "/me/cycles", user),
        f,
        errors,
        promotions: Promotion::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect(),
        levels,
        disciplines: Discipline::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        current: if p.qualification.is_empty() {
            "个人资料中尚未填写现专业技术资格".into()
        } else {
            format!("{} {}", p.qualification, level)
        },
        r,
    }
    .into_response())
}

fn not_bound(user: &CurrentUser) -> Response {
    user.session.flash(
        "error",
        "请先绑定工作单位并经单位确认：周期验证由所在单位初验。",
    );
    Redirect::to("/me/employment").into_response()
}

pub async fn new(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    if RuleContext::of_person(&app, user.account.id)
        .await?
        .is_none()
    {
        return Ok(not_bound(&user));
    }
    let p = app
        .store
        .profile(user.account.id)
        .await?
        .unwrap_or_default();
    let f = ApplyForm {
        form_key: forms::new_form_key(),
        discipline: p.discipline.clone(),
        qualification_date: p
            .qualification_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    page(&app, &user, f, FieldErrors::default(), None).await
}

/// The fields of the form, checked against the rules, and the check of today.
async fn checked(
    app: &AppState,
    account: i64,
    cx: &RuleContext,
    f: &ApplyForm,
) -> AppResult<(
    FieldErrors,
    Option<(Promotion, Discipline, NaiveDate, Computed)>,
)> {
    let mut errors = FieldErrors::default();
    let promotion = Promotion::from_code(&f.promotion);
    if promotion.is_none() {
        errors.add("promotion", "请选择申报类别");
    }
    let levels = app.store.qualification_levels().await?;
    let rank = |code: &str| {
        levels
            .iter()
            .position(|l| l.code == code)
            .map(|i| i as u8 + 1)
    };
    let profile = app.store.profile(account).await?.unwrap_or_default();
    let current = rank(&profile.level_code).unwrap_or(0);
    match (promotion, rank(&f.target_level)) {
        (_, None) => errors.add("target_level", "请选择拟晋升级别"),
        (Some(p), Some(target)) => {
            if let Err(e) = p.allows(current, target) {
                errors.add("target_level", e);
            }
        }
        _ => {}
    }
    let target = f.target_qualification.trim();
    if target.is_empty() {
        errors.add("target_qualification", "请填写拟申报资格，如：高级工程师");
    } else if target.chars().count() > 60 {
        errors.add("target_qualification", "不能超过60个字");
    }
    let discipline = Discipline::from_code(&f.discipline);
    if discipline.is_none() {
        errors.add("discipline", "请选择所属学科类别");
    }
    let today = app.today();
    let obtained = match NaiveDate::parse_from_str(f.qualification_date.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.add("qualification_date", "现专业技术资格取得时间不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                "qualification_date",
                "请填写现专业技术资格取得时间，如 2018-09-01",
            );
            None
        }
    };
    let computed = match obtained {
        Some(d) => match compute(app, cx, account, today, d).await? {
            Ok(c) => Some(c),
            Err(e) => {
                errors.add("qualification_date", e);
                None
            }
        },
        None => None,
    };
    Ok(match (promotion, discipline, obtained, computed) {
        (Some(p), Some(d), Some(o), Some(c)) => (errors, Some((p, d, o, c))),
        (_, _, _, c) => {
            let _ = c;
            (errors, None)
        }
    })
}

pub async fn create(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<ApplyForm>,
) -> AppResult<Response> {
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        return Ok(not_bound(&user));
    };
    let (errors, ok) = checked(&app, user.account.id, &cx, &f).await?;
    let preview = ok.as_ref().map(|(_, _, _, c)| ResultView::of(&c.result));
    let Some((promotion, discipline, obtained, computed)) = ok.filter(|_| errors.is_empty()) else {
        return page(&app, &user, f, errors, preview).await;
    };
    if f.intent != "submit" {
        return page(&app, &user, f, errors, preview).await;
    }
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let frozen = serde_json::to_string(&computed.result)?;
    let years = &computed.years.years;
    let id = app
        .store
        .create_cycle(
            &NewCycle {
                account_id: user.account.id,
                unit_id: cx.unit_id,
                promotion,
                target_qualification: f.target_qualification.trim(),
                target_level: &f.target_level,
                discipline: discipline.code(),
                series_code: cx.series.as_deref().unwrap_or(""),
                qualification_date: obtained,
                applied_on: app.today(),
                year_from: *years.first().unwrap_or(&0),
                year_to: *years.last().unwrap_or(&0),
                includes_current: computed.years.includes_current,
                chain: &computed.chain,
                frozen: &frozen,
                met: computed.result.met,
            },
            &CycleStep {
                step: "submit",
                org_id: None,
                actor_id: user.account.id,
                result: "申请",
                opinion: "",
            },
            app.now(),
        )
        .await?;
    let Some(id) = id else {
        forms::abandon_once(&app, &f.form_key).await?;
        let mut errors = FieldErrors::default();
        errors.add(
            "promotion",
            "您已有一份未办结的周期验证申请：请在“周期验证”中查看，退回或回收的申请可修改后重新送审。",
        );
        return page(&app, &user, f, errors, preview).await;
    };
    user.session
        .flash("success", format!("已提交，等待“{}”初验。", cx.unit_name));
    let location = format!("/me/cycles/{id}");
    forms::finish_once(&app, &f.form_key, &location).await?;
    Ok(Redirect::to(&location).into_response())
}

async fn own(app: &AppState, ip: &ClientIp, user: &CurrentUser, id: i64) -> AppResult<Cycle> {
    match app.store.cycle(id).await? {
        Some(c) if user.acting.is_none() && c.account_id == user.account.id => Ok(c),
        _ => Err(policy::deny(app, user, ip, &format!("查看他人的周期验证 {id}")).await),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "cycles/show.html")]
pub struct ShowPage {
    pub c: Chrome,
    pub line: CycleLine,
    pub frozen: Option<ResultView>,
    pub today: Option<ResultView>,
    pub differs: bool,
    pub trail: Vec<TrailView>,
    pub opinion: String,
    pub may_withdraw: bool,
    pub may_resubmit: bool,
    pub decide: bool,
    pub back: &'static str,
    /// An approved application of the person: it may have its certificate (shown when issued).
    pub may_certify: bool,
    pub certificate_id: Option<i64>,
    /// What the reviewer typed in the decision form, kept when it is refused.
    pub typed: TypedDecision,
}

/// A reviewer's decision form as typed, with the error shown next to its opinion.
#[derive(Default)]
pub struct TypedDecision {
    pub decision: String,
    pub opinion: String,
    pub error: String,
}

impl ShowPage {
    fn chosen(&self, decision: &str) -> bool {
        self.typed.decision == decision || (self.typed.decision.is_empty() && decision == "approve")
    }
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = own(&app, &ip, &user, id).await?;
    let state = c.state;
    let frozen: Option<domain::cycle::CycleResult> = serde_json::from_str(&c.frozen).ok();
    Ok(ShowPage {
        c: Chrome::for_user("周期验证", "/me/cycles", &user),
        frozen: frozen.as_ref().map(ResultView::of),
        today: None,
        differs: false,
        trail: app
            .store
            .cycle_trail(id)
            .await?
            .into_iter()
            .map(TrailView::of)
            .collect(),
        opinion: c.opinion.clone(),
        may_withdraw: cycle::withdraw(AtLevel {
            state,
            level: c.level as usize,
        })
        .is_ok(),
        may_resubmit: state.may_resubmit(),
        decide: false,
        back: "/me/cycles",
        may_certify: state == ApplicationState::Approved,
        certificate_id: app
            .store
            .valid_certificate(c.account_id, CertificateKind::Cycle, None, Some(c.id))
            .await?
            .map(|x| x.id),
        line: CycleLine::of(&c),
        typed: TypedDecision::default(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Empty {}

pub async fn withdraw(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let c = own(&app, &ip, &user, id).await?;
    let here = format!("/me/cycles/{id}");
    let state = c.state;
    let next = match cycle::withdraw(AtLevel {
        state,
        level: c.level as usize,
    }) {
        Ok(n) => n,
        Err(e) => {
            user.session.flash("error", e.to_string());
            return Ok(Redirect::to(&here).into_response());
        }
    };
    match app
        .store
        .change_cycle(
            id,
            &CycleChange {
                from_state: state,
                from_level: c.level,
                to_state: next.state,
                to_level: 0,
                reviewer_id: None,
                opinion: "",
                closes: false,
            },
            &CycleStep {
                step: "withdraw",
                org_id: None,
                actor_id: user.account.id,
                result: "回收",
                opinion: "",
            },
            app.now(),
        )
        .await
    {
        Ok(()) => user.session.flash("success", "已回收。修改后可重新送审。"),
        Err(ChangeError::Conflict) => user.session.flash("error", "单位已开始办理，不能回收。"),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&here).into_response())
}

/// 重新送审: the figures of today are frozen anew.
pub async fn resubmit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let c = own(&app, &ip, &user, id).await?;
    let here = format!("/me/cycles/{id}");
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        return Ok(not_bound(&user));
    };
    let state = c.state;
    if let Err(e) = cycle::resubmit(state) {
        user.session.flash("error", e.to_string());
        return Ok(Redirect::to(&here).into_response());
    }
    let computed = match compute(
        &app,
        &cx,
        user.account.id,
        app.today(),
        c.qualification_date,
    )
    .await?
    {
        Ok(c) => c,
        Err(e) => {
            user.session.flash("error", e);
            return Ok(Redirect::to(&here).into_response());
        }
    };
    let years = &computed.years.years;
    match app
        .store
        .resubmit_cycle(
            id,
            state,
            app.today(),
            (
                *years.first().unwrap_or(&0),
                *years.last().unwrap_or(&0),
                computed.years.includes_current,
            ),
            &computed.chain,
            &serde_json::to_string(&computed.result)?,
            computed.result.met,
            &CycleStep {
                step: "resubmit",
                org_id: None,
                actor_id: user.account.id,
                result: "重新送审",
                opinion: "",
            },
            app.now(),
        )
        .await
    {
        Ok(()) => user
            .session
            .flash("success", "已重新送审，学时按今天的记录重新统计。"),
        Err(ChangeError::Conflict) => user
            .session
            .flash("error", "该申请的状态已经改变，请刷新查看。"),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&here).into_response())
}
