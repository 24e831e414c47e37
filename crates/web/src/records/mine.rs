//! A person's own records (个人申报): declare, keep as a draft (暂存), submit (送审 / 保存并申报),
//! withdraw (回收) before anyone reviews, edit and resubmit after a return, delete a draft.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::record::{self, Category, RecordSource, RecordState, STATE_FILTERS, StateFilter};
use serde::Deserialize;
use store::ChangeError;
use store::records::{NewRecord, Record, RecordFilter, Step};

use super::form::{self, RecordForm};
use super::view::{EXPORT_COLUMNS, RecordView, TrailView};
use super::{FormPage, Mode, RuleContext};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::back::{Back, OrBack};
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, FieldErrors, Once};
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MineQuery {
    year: String,
    state: String,
    /// Part of the course name.
    course: String,
    /// A category code.
    category: String,
    page: u64,
}

impl MineQuery {
    fn filter(&self, account: i64) -> RecordFilter {
        RecordFilter {
            account_id: Some(account),
            year: self.year.trim().parse().ok(),
            states: StateFilter::parse(&self.state).map(|f| f.states),
            course: Some(self.course.clone()),
            category: Category::from_code(&self.category),
            ..Default::default()
        }
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("year", &self.year),
            ("state", &self.state),
            ("course", &self.course),
            ("category", &self.category),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "records/mine.html")]
pub struct MinePage {
    c: Chrome,
    q: MineQuery,
    rows: Vec<RecordView>,
    pager: Pager,
    bound: bool,
    states: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    export_query: String,
}

impl MinePage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

pub async fn list(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    Query(q): Query<MineQuery>,
) -> AppResult<Response> {
    let page = app
        .store
        .records(&RecordFilter {
            page: q.page,
            per_page: 20,
            ..q.filter(user.account.id)
        })
        .await?;
    let bound = RuleContext::of_person(&app, user.account.id)
        .await?
        .is_some();
    let query = q.query_string();
    Ok(MinePage {
        c: Chrome::for_user("学时申报", "/me/records", &user),
        rows: page.items.iter().map(RecordView::of).collect(),
        pager: Pager::new(&page, "/me/records", &query),
        bound,
        states: STATE_FILTERS.iter().map(|f| (f.code, f.label)).collect(),
        categories: domain::record::Category::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        export_query: query,
        q,
    }
    .into_response())
}

/// The person's records as an xlsx file, with the list's filters.
pub async fn export(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    Query(q): Query<MineQuery>,
) -> AppResult<Response> {
    let rows: Vec<Vec<String>> = app
        .store
        .records_for_export(&q.filter(user.account.id), 10_000)
        .await?
        .iter()
        .map(|r| {
            let v = RecordView::of(r);
            let mut row = v.export_cells();
            row.extend([v.unit, v.remarks]);
            row
        })
        .collect();
    let header = [&EXPORT_COLUMNS[..], &["审核单位", "备注"]].concat();
    let name = format!("{}的学时记录.xlsx", user.account.real_name);
    crate::xlsx::respond("学时记录", &header, &rows, &name)
}

fn not_bound(user: &CurrentUser) -> Response {
    user.session.flash(
        "error",
        "请先在“工作单位”中绑定本人的工作单位，并经单位确认后再申报学时。",
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
    let year = app.today().format("%Y").to_string().parse().unwrap_or(2026);
    Ok(FormPage::new(
        Chrome::for_user("申报学时", "/me/records", &user),
        Mode::Person,
        "/me/records/new".into(),
        RecordForm::blank(year, forms::new_form_key()),
        FieldErrors::default(),
    )
    .into_response())
}

fn intent_state(intent: &str) -> RecordState {
    if intent == "submit" {
        RecordState::Submitted
    } else {
        RecordState::Draft
    }
}

pub async fn create(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        return Ok(not_bound(&user));
    };
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let rules = cx.rules_for(&app, &f.year).await?;
    let fields = match form::check(&f, &rules.context(app.today(), false)) {
        Ok(fields) => fields,
        Err(errors) => {
            forms::abandon_once(&app, &f.form_key).await?;
            return Ok(FormPage::new(
                Chrome::for_user("申报学时", "/me/records", &user),
                Mode::Person,
                "/me/records/new".into(),
                f,
                errors,
            )
            .into_response());
        }
    };
    let state = intent_state(&f.intent);
    let step_name = if state == RecordState::Submitted {
        "submit"
    } else {
        "create"
    };
    let id = app
        .store
        .create_record(
            &NewRecord {
                fields: &fields,
                account_id: user.account.id,
                unit_id: cx.unit_id,
                declared_by: user.account.id,
                declared_for_org: None,
                source: RecordSource::Own,
                state,
                recognised_tenths: None,
                import_key: None,
            },
            &Step {
                step: step_name,
                org_id: None,
                actor_id: user.account.id,
                result: if state == RecordState::Submitted {
                    "送审"
                } else {
                    "暂存"
                },
                opinion: "",
                recognised_tenths: None,
            },
            app.now(),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a personal record has no import key"))?;
    user.session.flash(
        "success",
        if state == RecordState::Submitted {
            format!("已送审，等待“{}”审核。", cx.unit_name)
        } else {
            "已暂存。确认无误后请点“送审”。".to_owned()
        },
    );
    let location = format!("/me/records/{id}");
    forms::finish_once(&app, &f.form_key, &location).await?;
    Ok(Redirect::to(&location).into_response())
}

/// The person's own record, or the policy's refusal.
async fn own(app: &AppState, ip: &ClientIp, user: &CurrentUser, id: i64) -> AppResult<Record> {
    let r = own_or_deleted(app, ip, user, id).await?;
    if r.state == RecordState::Deleted {
        user.session.flash("error", "该记录已被删除，不能再办理。");
        return Err(crate::error::AppError::Redirect(format!(
            "/me/records/{id}"
        )));
    }
    Ok(r)
}

/// The person's own record, a deleted one included (they see it, and why, but act on it no
/// more).
async fn own_or_deleted(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
) -> AppResult<Record> {
    match app.store.record(id).await? {
        // Someone acting for an organisation reaches records through its pages, not these.
        Some(r) if user.acting.is_none() && r.account_id == user.account.id => Ok(r),
        _ => Err(policy::deny(app, user, ip, &format!("查看他人的学时记录 {id}")).await),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "records/show.html")]
pub struct ShowPage {
    pub c: Chrome,
    pub r: RecordView,
    pub trail: Vec<TrailView>,
    pub owner_actions: bool,
    pub may_edit: bool,
    pub may_withdraw: bool,
    pub review: Option<super::review::ReviewPanel>,
    pub attachments: Vec<super::view::AttachmentView>,
    /// Where the attachments are opened: the person's or the unit's path of the record.
    pub files_base: String,
    pub upload_limit_mb: usize,
    pub unit_actions: bool,
    pub back: &'static str,
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = own_or_deleted(&app, &ip, &user, id).await?;
    let state = r.state;
    let trail = app.store.review_trail(id).await?;
    Ok(ShowPage {
        c: Chrome::for_user("学时记录", "/me/records", &user),
        may_edit: record::may_edit(state),
        may_withdraw: state == RecordState::Submitted,
        owner_actions: true,
        review: None,
        attachments: app
            .store
            .attachments(super::attachments::OWNER, id)
            .await?
            .iter()
            .map(super::view::AttachmentView::of)
            .collect(),
        files_base: format!("/me/records/{id}"),
        upload_limit_mb: app.config.upload_limit.div_ceil(1024 * 1024),
        unit_actions: false,
        back: "/me/records",
        r: RecordView::of(&r),
        trail: trail.into_iter().map(TrailView::of).collect(),
    }
    .into_response())
}

pub async fn edit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = own(&app, &ip, &user, id).await?;
    if !record::may_edit(r.state) {
        let back = Back::to(&user.session, format!("/me/records/{id}"));
        return Err(back.refuse("该记录已送审或已审核，不能修改。"));
    }
    Ok(FormPage::new(
        Chrome::for_user("修改学时记录", "/me/records", &user),
        Mode::Person,
        format!("/me/records/{id}/edit"),
        RecordForm::of(&r),
        FieldErrors::default(),
    )
    .with_opinion(&r)
    .into_response())
}

pub async fn update(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let r = own(&app, &ip, &user, id).await?;
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        return Ok(not_bound(&user));
    };
    let back = Back::to(&user.session, format!("/me/records/{id}"));
    let current = r.state;
    if !record::may_edit(current) {
        return Err(back.refuse("该记录已送审或已审核，不能修改。"));
    }
    let rules = cx.rules_for(&app, &f.year).await?;
    let has_attachment = !app
        .store
        .attachments(super::attachments::OWNER, id)
        .await?
        .is_empty();
    // Lateness is judged when a record is first registered: a returned record stays
    // correctable after the year's deadline.
    let mut check = rules.context(app.today(), has_attachment);
    check.deadline = None;
    let fields = match form::check(&f, &check) {
        Ok(fields) => fields,
        Err(errors) => {
            return Ok(FormPage::new(
                Chrome::for_user("修改学时记录", "/me/records", &user),
                Mode::Person,
                format!("/me/records/{id}/edit"),
                f,
                errors,
            )
            .with_opinion(&r)
            .into_response());
        }
    };
    let to = if f.intent == "submit" {
        record::submit(current).or_back(&back)?
    } else {
        current
    };
    let step = (to == RecordState::Submitted).then_some(Step {
        step: "submit",
        org_id: None,
        actor_id: user.account.id,
        result: "送审",
        opinion: "",
        recognised_tenths: None,
    });
    match app
        .store
        .update_record(
            id,
            cx.unit_id,
            f.version,
            RecordState::EDITABLE,
            &fields,
            to,
            step.as_ref(),
            app.now(),
        )
        .await
    {
        Ok(()) => back.done(if to == RecordState::Submitted {
            "已保存并送审，等待单位审核。"
        } else {
            "已保存。"
        }),
        Err(ChangeError::Conflict) => {
            // Someone changed it meanwhile: show what was typed, with the reason it did not save.
            let mut errors = FieldErrors::default();
            errors.add(
                "form",
                "该记录已在别处修改或送审，这次修改未保存。下面保留了您填写的内容，请打开记录核对后再修改。",
            );
            Ok(FormPage::new(
                Chrome::for_user("修改学时记录", "/me/records", &user),
                Mode::Person,
                format!("/me/records/{id}/edit"),
                f,
                errors,
            )
            .into_response())
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

pub async fn submit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let r = own(&app, &ip, &user, id).await?;
    let back = Back::to(&user.session, format!("/me/records/{id}"));
    // The record goes to the person's employer now; without one it cannot go anywhere.
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        return Ok(not_bound(&user));
    };
    let current = r.state;
    let next = record::submit(current).or_back(&back)?;
    // A draft kept from before the rule may end after today; it waits until the study ends.
    record::check_ended(r.end_date, app.today()).or_back(&back)?;
    let step = Step {
        step: "submit",
        org_id: None,
        actor_id: user.account.id,
        result: "送审",
        opinion: "",
        recognised_tenths: None,
    };
    debug_assert_eq!(next, RecordState::Submitted);
    back.changed(
        app.store
            .submit_record(id, current, cx.unit_id, &step, app.now())
            .await,
        "该记录的状态已经改变，请刷新查看。",
    )?;
    back.done(format!("已送审，等待“{}”审核。", cx.unit_name))
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
    let r = own(&app, &ip, &user, id).await?;
    let back = Back::to(&user.session, format!("/me/records/{id}"));
    let current = r.state;
    // Reviews in the internal flow move a record to under review, so a record still
    // submitted has been reviewed by nobody.
    let next = record::withdraw(current, current != RecordState::Submitted).or_back(&back)?;
    let step = Step {
        step: "withdraw",
        org_id: None,
        actor_id: user.account.id,
        result: "回收",
        opinion: "",
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .change_record(id, &[RecordState::Submitted], None, next, &step, app.now())
            .await,
        "单位已开始审核，不能回收。",
    )?;
    back.done("已回收，记录回到暂存状态，可修改后重新送审。")
}

pub async fn delete(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let r = own(&app, &ip, &user, id).await?;
    let back = Back::to(&user.session, format!("/me/records/{id}"));
    record::delete_draft(r.state).or_back(&back)?;
    back.changed(
        app.store
            .delete_record(id, user.account.id, RecordState::EDITABLE, app.now())
            .await,
        "该记录的状态已经改变，不能删除，请刷新查看。",
    )?;
    back.done_at("/me/records", format!("已删除“{}”。", r.course_name))
}
