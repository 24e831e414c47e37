//! The unit's work on its staff's records: the review queue with filters and batch decisions,
//! one record's review (and the internal flow's reviews), declaring for staff (代申报),
//! correcting or deleting an approved record (培训信息维护), preset opinions (批注) and the
//! internal-flow setting, and the export of any list.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::hours;
use domain::internal_review::{self, Recommendations, ReviewChoice};
use domain::policy::{Action, permits};
use domain::record::{
    self, Category, RecordSource, RecordState, ReviewFlow, ReviewPart, STATE_FILTERS, StateFilter,
};
use serde::Deserialize;
use store::ChangeError;
use store::records::{NewRecord, PresetOpinion, Record, RecordFilter, Step};

use super::form::{self, RecordForm};
use super::mine::{Empty, ShowPage};
use super::view::{RecordView, TrailView, hours as show_hours};
use super::{FormPage, Mode, RuleContext};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{Acting, CurrentUser};
use crate::back::{Back, OrBack};
use crate::error::{AppError, AppResult};
use crate::forms::{self, CsrfForm, FieldErrors, Once, Pairs};
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct QueueQuery {
    year: String,
    state: String,
    category: String,
    name: String,
    doc: String,
    course: String,
    page: u64,
}

impl QueueQuery {
    fn filter(&self, unit: i64) -> RecordFilter {
        RecordFilter {
            account_id: None,
            unit_id: Some(unit),
            year: self.year.trim().parse().ok(),
            // The queue opens on what waits; "all" lists every state a unit sees.
            states: match self.state.as_str() {
                "" => Some(StateFilter::pending().states),
                "all" => None,
                code => StateFilter::parse(code).map(|f| f.states),
            },
            category: Category::from_code(&self.category),
            name: Some(self.name.clone()),
            doc_number: Some(self.doc.clone()),
            course: Some(self.course.clone()),
            page: self.page,
            per_page: 20,
        }
    }

    fn query_string(&self) -> String {
        serde_urlencoded::to_string([
            ("year", &self.year),
            ("state", &self.state),
            ("category", &self.category),
            ("name", &self.name),
            ("doc", &self.doc),
            ("course", &self.course),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "records/queue.html")]
pub struct QueuePage {
    c: Chrome,
    q: QueueQuery,
    rows: Vec<RecordView>,
    pager: Pager,
    states: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    batch: bool,
    flow: bool,
    can_declare: bool,
    opinions: Vec<PresetOpinion>,
    export_query: String,
    /// The internal flow's recommendations of each record on the page, for the leader.
    summaries: std::collections::HashMap<i64, String>,
}

impl QueuePage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    /// The unit's declarations waiting for their confirmation.
    fn unconfirmed_list(&self) -> String {
        super::unit_list(RecordState::UnitDraft)
    }

    fn summary(&self, id: &i64) -> &str {
        self.summaries.get(id).map(String::as_str).unwrap_or("")
    }
}

/// The recommendations of the internal flow on each of `ids`, summed up for the leader.
async fn summaries(
    app: &AppState,
    ids: &[i64],
) -> AppResult<std::collections::HashMap<i64, String>> {
    Ok(app
        .store
        .recommendations(ids)
        .await?
        .into_iter()
        .map(|r| (r.record_id, recommendations_of(&r).summary()))
        .collect())
}

fn recommendations_of(r: &store::records::RecommendationRow) -> Recommendations {
    let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    Recommendations {
        reviewers: n(r.reviewers),
        agree: n(r.agree),
        disagree: n(r.disagree),
    }
}

fn flow_of(n: u32) -> Option<ReviewFlow> {
    (n > 0).then_some(ReviewFlow {
        reviewers_required: n,
    })
}

pub async fn queue(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewRecords).await?;
    let unit = acting.org.id;
    let page = app.store.records(&q.filter(unit)).await?;
    let flow = flow_of(app.store.record_reviewers(unit).await?);
    let part = record::review_part(flow, acting.roles);
    let pending: Vec<i64> = page
        .items
        .iter()
        .filter(|r| RecordState::is_pending(r.state))
        .map(|r| r.id)
        .collect();
    Ok(QueuePage {
        summaries: summaries(&app, &pending).await?,
        c: Chrome::for_user("学时审核", "/org/records", &user),
        rows: page.items.iter().map(RecordView::of).collect(),
        pager: Pager::new(&page, "/org/records", &q.query_string()),
        states: {
            // 待审核 is the empty value; a unit never sees drafts.
            let mut s = vec![("all", "全部")];
            s.extend(
                STATE_FILTERS
                    .iter()
                    .filter(|f| *f != &StateFilter::pending() && f.states != [RecordState::Draft])
                    .map(|f| (f.code, f.label)),
            );
            s
        },
        categories: domain::record::Category::ALL
            .iter()
            .map(|c| (c.code(), c.label()))
            .collect(),
        // Batch decisions skip the internal flow's reviews, so a unit with one decides one by one.
        batch: flow.is_none() && part == ReviewPart::Decide,
        flow: flow.is_some(),
        can_declare: permits(acting.kind, acting.roles, Action::ManageRecords),
        opinions: app.store.preset_opinions(unit).await?,
        export_query: q.query_string(),
        q,
    }
    .into_response())
}

/// The most rows one export carries.
const EXPORT_LIMIT: u64 = 50_000;

pub async fn export(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewRecords).await?;
    let rows: Vec<Vec<String>> = app
        .store
        .records_for_export(&q.filter(acting.org.id), EXPORT_LIMIT)
        .await?
        .iter()
        .map(|r| {
            let v = RecordView::of(r);
            vec![
                v.person,
                v.doc,
                v.year.to_string(),
                v.category.to_owned(),
                v.declaration.to_owned(),
                v.course_name,
                v.institution,
                v.location,
                v.period,
                v.claimed,
                v.recognised,
                v.state.to_owned(),
                v.opinion,
                v.submitted,
                v.remarks,
            ]
        })
        .collect();
    let header = [
        "姓名",
        "证件号码",
        "申报年度",
        "科目类型",
        "申报类型",
        "课程名称",
        "施教机构",
        "学习地点",
        "起止日期",
        "申报学时",
        "认定学时",
        "状态",
        "审核意见",
        "送审时间",
        "备注",
    ];
    let bytes = crate::xlsx::workbook("学时记录", &header, &rows)
        .map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    let name = format!(
        "{}学时记录{}.xlsx",
        acting.org.name,
        app.today().format("%Y%m%d")
    );
    Ok(crate::xlsx::download(&name, bytes))
}

/// A record of the unit acted for, when its roles permit `action`; anything else is refused.
async fn unit_record<'a>(
    app: &AppState,
    ip: &ClientIp,
    user: &'a CurrentUser,
    id: i64,
    action: Action,
) -> AppResult<(&'a Acting, Record)> {
    let acting = policy::acting_for(app, user, ip, action).await?;
    match app.store.record(id).await? {
        Some(r) if r.unit_id == acting.org.id && r.state != RecordState::Draft => Ok((acting, r)),
        // Withdrawn by its declarer (back to a draft, which is theirs alone): say so.
        Some(r) if r.unit_id == acting.org.id => {
            user.session
                .flash("error", "该记录已被申报人回收，不在审核中。");
            Err(AppError::Redirect("/org/records".into()))
        }
        _ => Err(policy::deny(app, user, ip, &format!("处理其他单位的学时记录 {id}")).await),
    }
}

/// The review part of a record's page.
pub struct ReviewPanel {
    pub decide: bool,
    pub review: bool,
    pub version: i32,
    pub recognised: String,
    pub opinions: Vec<PresetOpinion>,
    pub reviewers: usize,
    pub required: u32,
    /// The internal flow's recommendations so far (2 人审核：同意 2), for the leader.
    pub summary: String,
    /// What a reviewer of the internal flow may choose.
    pub choices: Vec<(&'static str, &'static str)>,
    /// The unit's own declaration (代申报) not confirmed yet: attach proofs, confirm, delete.
    pub declared: bool,
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ViewRecords).await?;
    let state = r.state;
    let pending = state.is_pending();
    let required = app.store.record_reviewers(acting.org.id).await?;
    let part = record::review_part(flow_of(required), acting.roles);
    let declared = domain::unit_declaration::may_attach(state)
        && permits(acting.kind, acting.roles, Action::ManageRecords);
    let review = if pending || declared {
        let summary = match app.store.recommendations(&[id]).await?.first() {
            Some(row) => recommendations_of(row).summary(),
            None => String::new(),
        };
        Some(ReviewPanel {
            decide: pending && part == ReviewPart::Decide,
            review: pending && part == ReviewPart::Review,
            version: r.version,
            recognised: hours::Hours::from_tenths(r.claimed_tenths).short(),
            opinions: app.store.preset_opinions(acting.org.id).await?,
            reviewers: app.store.reviewers_since_submit(id).await?.len(),
            required,
            summary,
            choices: ReviewChoice::ALL
                .iter()
                .map(|c| (c.code(), c.label()))
                .collect(),
            declared,
        })
    } else {
        None
    };
    let trail = app.store.review_trail(id).await?;
    Ok(ShowPage {
        c: Chrome::for_user("学时审核", "/org/records", &user),
        r: RecordView::of(&r),
        trail: trail.into_iter().map(TrailView::of).collect(),
        owner_actions: false,
        may_edit: false,
        may_withdraw: false,
        review,
        attachments: app
            .store
            .attachments(super::attachments::OWNER, id)
            .await?
            .iter()
            .map(super::view::AttachmentView::of)
            .collect(),
        files_base: format!("/org/records/{id}"),
        upload_limit_mb: app.config.upload_limit.div_ceil(1024 * 1024),
        unit_actions: state == RecordState::Approved
            && permits(acting.kind, acting.roles, Action::ManageRecords),
        back: "/org/records",
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    /// The version of the record the reviewer looked at.
    version: Option<i32>,
    decision: String,
    recognised: String,
    opinion: String,
}

fn result_of(decision: &str) -> &'static str {
    match decision {
        "approve" => "同意",
        "reject" => "不同意并结案",
        "return" => "不同意并退案",
        _ => "",
    }
}

pub async fn decide(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ReviewRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id)
        .and_then(|()| record::check_opinion(&f.opinion))
        .or_back(&back)?;
    let current = r.state;
    let flow = flow_of(app.store.record_reviewers(acting.org.id).await?);
    if record::review_part(flow, acting.roles) != ReviewPart::Decide {
        return Err(back.refuse("本单位启用了内部审核流程，审批须由单位领导作出。"));
    }
    if let Some(flow) = flow {
        let so_far = app.store.reviewers_since_submit(id).await?.len() as u32;
        record::leader_may_decide(so_far, &flow).or_back(&back)?;
    }
    let opinion = f.opinion.trim();
    let claimed = hours::Hours::from_tenths(r.claimed_tenths);
    let (next, recognised) = match f.decision.as_str() {
        "approve" => {
            let recognised = hours::parse(&f.recognised)
                .map_err(|e| format!("认定学时：{e}"))
                .or_back(&back)?;
            let next = record::approve(current, claimed, recognised).or_back(&back)?;
            (next, Some(recognised.tenths()))
        }
        "reject" => (record::reject(current, opinion).or_back(&back)?, None),
        "return" => (
            record::return_for_correction(current, opinion).or_back(&back)?,
            None,
        ),
        _ => return Err(back.refuse("请选择审核结果")),
    };
    let step = Step {
        step: "decide",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: result_of(&f.decision),
        opinion,
        recognised_tenths: recognised,
    };
    back.changed(
        app.store
            .change_record(id, RecordState::PENDING, f.version, next, &step, app.now())
            .await,
        "该记录在您打开后已有变动（已被他人处理，或被申报人回收、修改），请重新查看后再审核。",
    )?;
    back.done_at(
        "/org/records",
        format!("已审核：{}，{}。", r.real_name, result_of(&f.decision)),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    version: i32,
    choice: String,
    opinion: String,
}

/// A review in the internal flow, before the leader decides: a recommendation to the leader,
/// or 退案（内部）, which returns the record to its declarer at once.
pub async fn add_review(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ReviewRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    let flow = flow_of(app.store.record_reviewers(acting.org.id).await?);
    if flow.is_none() || record::review_part(flow, acting.roles) != ReviewPart::Review {
        return Err(back.refuse("您可以直接审批该记录，无需先审核。"));
    }
    let choice = ReviewChoice::from_code(&f.choice)
        .ok_or("请选择处理意见")
        .or_back(&back)?;
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    let current = r.state;
    let mine = app
        .store
        .reviewers_since_submit(id)
        .await?
        .contains(&user.account.id);
    let next = internal_review::review(current, mine, choice, &f.opinion).or_back(&back)?;
    let step = Step {
        step: "review",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: choice.label(),
        opinion: f.opinion.trim(),
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .review_in_flow(id, f.version, next, &step, choice.code(), app.now())
            .await,
        "该记录刚被他人审核或处理，您的意见未保存，请刷新后重试。",
    )?;
    if next == RecordState::Returned {
        return back.done_at(
            "/org/records",
            format!("已退案（内部）：{} 的记录已退回申报人修改。", r.real_name),
        );
    }
    back.done(format!(
        "已提交：{}，等待其他审核人或单位领导。",
        choice.label()
    ))
}

/// Approve, reject or return the chosen records with one opinion.
pub async fn decide_batch(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    let unit = acting.org.id;
    let back_to = {
        let q = f.get("back");
        if q.starts_with("/org/records") {
            q.to_owned()
        } else {
            "/org/records".to_owned()
        }
    };
    let back = |kind: &str, msg: String| {
        user.session.flash(kind, msg);
        Ok(Redirect::to(&back_to).into_response())
    };
    let ids: Vec<i64> = f
        .all("record")
        .filter_map(|v| v.parse::<i64>().ok())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(1000)
        .collect();
    if ids.is_empty() {
        return back("error", "请先勾选要审核的记录。".into());
    }
    if app.store.foreign_records(&ids, unit).await? > 0 {
        return Err(policy::deny(&app, &user, &ip, "批量审核其他单位的学时记录").await);
    }
    let flow = flow_of(app.store.record_reviewers(unit).await?);
    if flow.is_some() || record::review_part(flow, acting.roles) != ReviewPart::Decide {
        return back("error", "本单位启用了内部审核流程，请逐条审核。".into());
    }
    if app.store.own_records(&ids, user.account.id).await? > 0 {
        return back(
            "error",
            "所选记录中有您本人的学时记录：本人的记录须由本单位其他审核人审核，本次未作任何处理。"
                .into(),
        );
    }
    let decision = f.get("decision");
    let opinion = f.get("opinion").trim();
    if let Err(e) = record::check_opinion(opinion) {
        return back("error", e.to_string());
    }
    // The rule of each transition decides what the batch may do; a waiting record passes.
    let check = match decision {
        "approve" => Ok(RecordState::Approved),
        "reject" => record::reject(RecordState::Submitted, opinion),
        "return" => record::return_for_correction(RecordState::Submitted, opinion),
        _ => return back("error", "请选择审核结果".into()),
    };
    let next = match check {
        Ok(s) => s,
        Err(e) => return back("error", e.to_string()),
    };
    let step = Step {
        step: "decide",
        org_id: Some(unit),
        actor_id: user.account.id,
        result: result_of(decision),
        opinion,
        recognised_tenths: None,
    };
    let changed = app
        .store
        .decide_records(&ids, unit, next, &step, app.now())
        .await?;
    let skipped = ids.len() - changed.len();
    if skipped == 0 {
        back(
            "success",
            format!("已{} {} 条记录。", result_of(decision), changed.len()),
        )
    } else {
        back(
            "info",
            format!(
                "已{} {} 条记录；另有 {skipped} 条已被他人处理或已被回收，未重复操作。",
                result_of(decision),
                changed.len()
            ),
        )
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    doc: String,
}

fn behalf_page(user: &CurrentUser, f: RecordForm, errors: FieldErrors) -> FormPage {
    FormPage::new(
        Chrome::for_user("代申报", "/org/records", user),
        Mode::Behalf,
        "/org/records/new".into(),
        f,
        errors,
    )
}

pub async fn new(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let year = app.today().format("%Y").to_string().parse().unwrap_or(2026);
    let mut f = RecordForm::blank(year, forms::new_form_key());
    f.doc_number = q.doc;
    Ok(behalf_page(&user, f, FieldErrors::default()).into_response())
}

/// 代申报: the unit declares for a member of its staff; the record waits for the unit's proofs
/// and its confirmation (确认), and counts nowhere until then.
pub async fn create(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let unit = acting.org.id;
    // A legacy 15-digit number finds the account registered with it, as at sign-in.
    let doc = crate::accounts::lookup_key(&app, &f.doc_number.to_ascii_uppercase());
    let person = if doc.is_empty() {
        None
    } else {
        app.store.account_by_document(&doc).await?
    };
    let cx = match &person {
        Some(p) => RuleContext::of_person(&app, p.id)
            .await?
            .filter(|cx| cx.unit_id == unit),
        None => None,
    };
    let (Some(person), Some(cx)) = (person, cx) else {
        let mut errors = FieldErrors::default();
        errors.add(
            "doc_number",
            if doc.is_empty() {
                "请填写证件号码"
            } else {
                "本单位已确认的人员中没有这个证件号码"
            },
        );
        return Ok(behalf_page(&user, f, errors).into_response());
    };
    if let Err(e) = record::not_own(person.id, user.account.id) {
        let mut errors = FieldErrors::default();
        errors.add("doc_number", e.to_string());
        return Ok(behalf_page(&user, f, errors).into_response());
    }
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let rules = cx.rules_for(&app, &f.year).await?;
    // The unit confirms what it declares: it may register a year after its deadline (补录).
    // Proofs come after saving; confirming asks for them where a record needs one.
    let mut check = rules.context(app.today(), true);
    check.deadline = None;
    let fields = match form::check(&f, &check) {
        Ok(fields) => fields,
        Err(errors) => {
            forms::abandon_once(&app, &f.form_key).await?;
            return Ok(behalf_page(&user, f, errors).into_response());
        }
    };
    let id = app
        .store
        .create_record(
            &NewRecord {
                fields: &fields,
                account_id: person.id,
                unit_id: unit,
                declared_by: user.account.id,
                declared_for_org: Some(unit),
                source: RecordSource::Unit,
                state: domain::unit_declaration::DECLARED,
                recognised_tenths: None,
                import_key: None,
            },
            &Step {
                step: "declare",
                org_id: Some(unit),
                actor_id: user.account.id,
                result: "单位代申报（待确认）",
                opinion: "",
                recognised_tenths: None,
            },
            app.now(),
        )
        .await?
        .ok_or_else(|| anyhow::anyhow!("a declared record has no import key"))?;
    user.session.flash(
        "success",
        format!(
            "已为 {} 保存代申报记录（{} 学时）：请上传证明材料后点“确认”，确认后学时计入。",
            person.real_name,
            show_hours(fields.claimed_tenths)
        ),
    );
    let location = format!("/org/records/{id}");
    forms::finish_once(&app, &f.form_key, &location).await?;
    Ok(Redirect::to(&location).into_response())
}

fn correct_page(
    user: &CurrentUser,
    id: i64,
    r: &Record,
    f: RecordForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage::new(
        Chrome::for_user("培训信息维护", "/org/records", user),
        Mode::Correct,
        format!("/org/records/{id}/correct"),
        f,
        errors,
    )
    .for_person(format!(
        "{}（{}）",
        r.real_name,
        domain::identity::mask(&r.doc_number)
    ))
}

pub async fn correct_form(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    if r.state != RecordState::Approved {
        user.session.flash("error", "只有已通过的记录才能维护。");
        return Ok(Redirect::to(&format!("/org/records/{id}")).into_response());
    }
    Ok(correct_page(&user, id, &r, RecordForm::of(&r), FieldErrors::default()).into_response())
}

/// 培训信息维护: corrects an approved record with a reason; the figures that count it follow.
pub async fn correct(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    if let Err(e) = record::not_own(r.account_id, user.account.id) {
        user.session.flash("error", e.to_string());
        return Ok(Redirect::to(&format!("/org/records/{id}")).into_response());
    }
    let rules = match RuleContext::of_person(&app, r.account_id).await? {
        Some(cx) => cx.rules_for(&app, &f.year).await?.declaration,
        None => record::DeclarationRules::default(),
    };
    let cx = form::Context {
        today: app.today(),
        rules: &rules,
        deadline: None,
        has_attachment: true,
    };
    let mut errors = FieldErrors::default();
    let fields = form::check(&f, &cx).map_err(|e| errors = e).ok();
    let recognised = match hours::parse(&f.recognised) {
        Ok(h) => Some(h),
        Err(e) => {
            errors.add("recognised", e.to_string());
            None
        }
    };
    if let (Some(fields), Some(recognised)) = (&fields, recognised)
        && let Err(e) = record::approve(
            RecordState::Submitted,
            hours::Hours::from_tenths(fields.claimed_tenths),
            recognised,
        )
    {
        errors.add("recognised", e.to_string());
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "请填写维护原因");
    } else if reason.chars().count() > 200 {
        errors.add("reason", "不能超过200个字");
    }
    let (Some(fields), Some(recognised), true) = (fields, recognised, errors.is_empty()) else {
        return Ok(correct_page(&user, id, &r, f, errors).into_response());
    };
    let step = Step {
        step: "correct",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "已修改",
        opinion: reason,
        recognised_tenths: Some(recognised.tenths()),
    };
    match app
        .store
        .correct_record(
            id,
            f.version,
            acting.org.id,
            &fields,
            recognised.tenths(),
            &step,
            app.now(),
        )
        .await
    {
        Ok(()) => user
            .session
            .flash("success", "已保存修改，年度学时已按修改后的记录重新统计。"),
        Err(ChangeError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "form",
                "该记录已在别处修改，这次维护未保存。下面保留了您填写的内容，请打开记录核对后再维护。",
            );
            return Ok(correct_page(&user, id, &r, f, errors).into_response());
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/org/records/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    reason: String,
}

/// Deletes an approved record with a reason: it stops counting and stays on file.
pub async fn delete(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    if domain::unit_declaration::discard(r.state).is_ok() {
        return discard(&app, &back, &user, acting, &r).await;
    }
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(back.refuse("删除已通过的记录须填写原因（不超过200字）。"));
    }
    let step = Step {
        step: "delete",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "已删除",
        opinion: reason,
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .delete_approved(id, acting.org.id, &step, app.now())
            .await,
        "该记录的状态已经改变，请刷新查看。",
    )?;
    back.done_at(
        &super::unit_list(RecordState::Approved),
        format!(
            "已删除 {} 的“{}”，年度学时已重新统计。",
            r.real_name, r.course_name
        ),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "records/settings.html")]
pub struct SettingsPage {
    c: Chrome,
    reviewers: u32,
    opinions: Vec<PresetOpinion>,
    can_set_flow: bool,
}

impl SettingsPage {
    fn step_label(&self, step: &str) -> &'static str {
        match step {
            "approve" => "同意",
            "reject" => "不同意并结案",
            "return" => "不同意并退案",
            _ => "通用",
        }
    }
}

pub async fn settings(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    Ok(SettingsPage {
        c: Chrome::for_user("审核设置与批注", "/org/records", &user),
        reviewers: app.store.record_reviewers(acting.org.id).await?,
        opinions: app.store.preset_opinions(acting.org.id).await?,
        can_set_flow: permits(acting.kind, acting.roles, Action::EditOrgInfo),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlowForm {
    reviewers: String,
}

pub async fn save_settings(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<FlowForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::EditOrgInfo).await?;
    policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    match f.reviewers.trim().parse::<u32>() {
        Ok(n) if n <= 5 => {
            app.store.set_record_reviewers(acting.org.id, n).await?;
            user.session.flash(
                "success",
                if n == 0 {
                    "已关闭内部审核流程：审核人可直接审批。".to_owned()
                } else {
                    format!("已启用内部审核流程：{n}名不同的审核人审核后，由单位领导审批。")
                },
            );
        }
        _ => user.session.flash("error", "审核人数应为0至5之间的整数。"),
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpinionForm {
    step: String,
    text: String,
}

pub async fn add_opinion(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<OpinionForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    let text = f.text.trim();
    let step = match f.step.as_str() {
        s @ ("approve" | "reject" | "return") => s,
        _ => "any",
    };
    if text.is_empty() || text.chars().count() > 200 {
        user.session
            .flash("error", "批注内容不能为空，且不超过200字。");
    } else {
        app.store
            .add_preset_opinion(acting.org.id, step, text)
            .await?;
        user.session.flash("success", "已添加批注。");
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}

pub async fn delete_opinion(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    match app.store.delete_preset_opinion(acting.org.id, id).await {
        Ok(()) => user.session.flash("success", "已删除批注。"),
        Err(ChangeError::Conflict) => {
            return Err(policy::deny(&app, &user, &ip, &format!("删除其他单位的批注 {id}")).await);
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}

/// The unit deletes its own declaration before confirming it: no reason is needed, the step
/// stays on the trail.
async fn discard(
    app: &AppState,
    back: &Back<'_>,
    user: &CurrentUser,
    acting: &Acting,
    r: &Record,
) -> AppResult<Response> {
    let step = Step {
        step: "delete",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "单位删除（未确认）",
        opinion: "",
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .discard_declaration(r.id, acting.org.id, &step, app.now())
            .await,
        "该记录的状态已经改变，请刷新查看。",
    )?;
    back.done_at(
        &super::unit_list(RecordState::UnitDraft),
        format!("已删除为 {} 代申报的“{}”。", r.real_name, r.course_name),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmForm {
    /// The version of the record the unit looked at.
    version: i32,
}

/// 确认: the unit approves its own declaration with the claimed hours, once its proofs are
/// attached; from here the person has the hours.
pub async fn confirm(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ConfirmForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    let has_attachment = !app
        .store
        .attachments(super::attachments::OWNER, id)
        .await?
        .is_empty();
    domain::unit_declaration::confirm(
        r.state,
        r.year,
        chrono::Datelike::year(&r.start_date),
        has_attachment,
    )
    .or_back(&back)?;
    let step = Step {
        step: "confirm",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "单位确认",
        opinion: "",
        recognised_tenths: Some(r.claimed_tenths),
    };
    back.changed(
        app.store
            .confirm_declaration(id, f.version, acting.org.id, &step, app.now())
            .await,
        "该记录在您打开后已有变动（已被他人确认或删除），请重新查看。",
    )?;
    back.done(format!(
        "已确认：{} 的“{}”计入 {} 学时。",
        r.real_name,
        r.course_name,
        show_hours(r.claimed_tenths)
    ))
}
