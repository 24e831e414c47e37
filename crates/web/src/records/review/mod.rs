//! The unit's work on its staff's records: the review queue with filters and batch decisions,
//! one record's review (and the internal flow's reviews), declaring for staff (代申报),
//! correcting or deleting an approved record (培训信息维护), preset opinions (批注) and the
//! internal-flow setting, and the export of any list.

mod behalf;
mod decide;
mod maintain;
mod settings;

pub use behalf::{confirm, create, new};
pub use decide::{add_review, decide, decide_batch};
pub use maintain::{correct, correct_form, delete};
pub use settings::{add_opinion, delete_opinion, save_settings, settings};

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
use super::view::{EXPORT_COLUMNS, RecordView, TrailView, hours as show_hours};
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
            let mut row = vec![v.person.clone(), v.doc.clone()];
            row.extend(v.export_cells());
            row.extend([v.submitted, v.remarks]);
            row
        })
        .collect();
    let header = [
        &["姓名", "证件号码"][..],
        &EXPORT_COLUMNS,
        &["送审时间", "备注"],
    ]
    .concat();
    let name = format!(
        "{}学时记录{}.xlsx",
        acting.org.name,
        app.today().format("%Y%m%d")
    );
    crate::xlsx::respond("学时记录", &header, &rows, &name)
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
