//! Annual verification (年度验证): a person's years, and a unit's (or a supervisor's) staff
//! table of one year, both from approved records against the rule set of the year, region and
//! series, summed and compared in SQL.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::hours::Hours;
use domain::identity::mask;
use domain::policy::Action;
use domain::verification::{AnnualResult, Completed, annual_check};
use serde::Deserialize;
use store::records::{ResultCounts, RuleSetRow, StaffYearFilter, StaffYearRow};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::error::AppResult;
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;
use crate::records::RuleContext;

mod rules;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/org/rules", get(rules::list))
        .route("/org/rules/new", get(rules::new).post(rules::create))
        .route("/org/rules/{id}", get(rules::edit).post(rules::update))
        .route("/admin/rules", get(rules::admin_list))
        .route(
            "/admin/rules/new",
            get(rules::admin_new).post(rules::admin_create),
        )
        .route(
            "/admin/rules/{id}",
            get(rules::admin_edit).post(rules::admin_update),
        )
        .route("/me/verification", get(mine))
        .route("/org/verification", get(staff))
        .route("/org/verification.xlsx", get(export))
}

/// One year's figures as a page shows them.
pub struct YearView {
    pub year: i32,
    pub rule: String,
    pub public: String,
    pub professional: String,
    pub elective: String,
    pub total: String,
    pub pending: String,
    pub required: String,
    pub result: &'static str,
    pub result_class: &'static str,
    pub shortfall: String,
}

fn h(t: i64) -> String {
    Hours::from_tenths(t).to_string()
}

fn describe(r: &AnnualResult) -> String {
    let mut parts = Vec::new();
    for (label, s) in [
        ("总学时", r.shortfall_total),
        ("公需科目", r.shortfall_public),
        ("专业科目", r.shortfall_professional),
        ("选修科目", r.shortfall_elective),
    ] {
        if s.is_positive() {
            parts.push(format!("{label}差 {s}"));
        }
    }
    parts.join("，")
}

fn required_text(r: &AnnualResult) -> String {
    let q = r.required;
    let mut s = format!(
        "共 {} · 公需 ≥{} · 专业 ≥{}",
        q.total.short(),
        q.public.short(),
        q.professional.short()
    );
    if q.elective.is_positive() {
        s.push_str(&format!(" · 选修 ≥{}", q.elective.short()));
    }
    s
}

/// Figures of a year, checked against its rule (if any) by the domain's rule.
fn year_view(
    year: i32,
    public: i64,
    professional: i64,
    elective: i64,
    pending: i64,
    rule: Option<&RuleSetRow>,
) -> YearView {
    let completed = Completed {
        public: Hours::from_tenths(public),
        professional: Hours::from_tenths(professional),
        elective: Hours::from_tenths(elective),
    };
    let checked = rule.map(|r| (r, annual_check(&r.to_domain().requirement, &completed)));
    YearView {
        year,
        rule: rule.map(|r| r.name.clone()).unwrap_or_default(),
        public: h(public),
        professional: h(professional),
        elective: h(elective),
        total: h(public + professional + elective),
        pending: h(pending),
        required: checked
            .as_ref()
            .map(|(_, c)| required_text(c))
            .unwrap_or_else(|| "未设置验证规则".into()),
        result: match &checked {
            Some((_, c)) if c.met => "达标",
            Some(_) => "未达标",
            None => "无规则",
        },
        result_class: match &checked {
            Some((_, c)) if c.met => "badge-ok",
            Some(_) => "badge-danger",
            None => "badge-muted",
        },
        shortfall: checked
            .as_ref()
            .map(|(_, c)| describe(c))
            .unwrap_or_default(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "verification/mine.html")]
pub struct MinePage {
    c: Chrome,
    years: Vec<YearView>,
    bound: bool,
}

pub async fn mine(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let account = user.account.id;
    let cx = RuleContext::of_person(&app, account).await?;
    let (series, region) = match &cx {
        Some(cx) => (cx.series.clone(), cx.region_code.clone()),
        None => {
            let p = app.store.profile(account).await?;
            (
                p.as_ref()
                    .map(|p| p.series_code.clone())
                    .filter(|s| !s.is_empty()),
                p.map(|p| p.region_code).unwrap_or_default(),
            )
        }
    };
    let figures = app
        .store
        .year_figures(account, None, series.as_deref(), &region)
        .await?;
    let rules = app.store.rule_sets().await?;
    let rule = |id: Option<i64>| id.and_then(|id| rules.iter().find(|r| r.id == id));
    let this_year: i32 = app.today().format("%Y").to_string().parse().unwrap_or(2026);
    let mut years: Vec<YearView> = Vec::new();
    if !figures.iter().any(|f| f.year == this_year) {
        let r = app
            .store
            .rule_set_for(this_year, series.as_deref(), &region)
            .await?;
        years.push(year_view(this_year, 0, 0, 0, 0, r.as_ref()));
    }
    years.extend(figures.iter().map(|f| {
        year_view(
            f.year,
            f.public_tenths,
            f.professional_tenths,
            f.elective_tenths,
            f.pending_tenths,
            rule(f.rule_id),
        )
    }));
    Ok(MinePage {
        c: Chrome::for_user("年度验证", "/me/records", &user),
        years,
        bound: cx.is_some(),
    }
    .into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StaffQuery {
    year: String,
    result: String,
    name: String,
    page: u64,
}

impl StaffQuery {
    fn filter(&self, within: i64, default_year: i32) -> StaffYearFilter {
        StaffYearFilter {
            within,
            year: self
                .year
                .trim()
                .parse()
                .ok()
                .filter(|y| (1980..=2100).contains(y))
                .unwrap_or(default_year),
            result: Some(self.result.clone()),
            name: Some(self.name.clone()),
            page: self.page,
            per_page: 20,
        }
    }
}

pub struct StaffView {
    name: String,
    doc: String,
    unit: String,
    y: YearView,
}

fn staff_view(r: &StaffYearRow, year: i32, rules: &[RuleSetRow]) -> StaffView {
    let rule = r.rule_id.and_then(|id| rules.iter().find(|x| x.id == id));
    StaffView {
        name: r.real_name.clone(),
        doc: mask(&r.doc_number),
        unit: r.unit_name.clone(),
        y: year_view(
            year,
            r.public_tenths,
            r.professional_tenths,
            r.elective_tenths,
            r.pending_tenths,
            rule,
        ),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "verification/staff.html")]
pub struct StaffPage {
    c: Chrome,
    q: StaffQuery,
    year: i32,
    rows: Vec<StaffView>,
    counts: ResultCounts,
    pager: Pager,
    export_query: String,
}

impl StaffPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

fn this_year(app: &AppState) -> i32 {
    app.today().format("%Y").to_string().parse().unwrap_or(2026)
}

pub async fn staff(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewStaff).await?;
    let f = q.filter(acting.org.id, this_year(&app));
    let (page, counts) = app.store.staff_year_with_counts(&f).await?;
    let rules = app.store.rule_sets().await?;
    let query = serde_urlencoded::to_string([
        ("year", f.year.to_string()),
        ("result", q.result.clone()),
        ("name", q.name.clone()),
    ])
    .unwrap_or_default();
    Ok(StaffPage {
        c: Chrome::for_user("年度验证", "/org/verification", &user),
        rows: page
            .items
            .iter()
            .map(|r| staff_view(r, f.year, &rules))
            .collect(),
        pager: Pager::new(&page, "/org/verification", &query),
        counts,
        year: f.year,
        export_query: query,
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
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewStaff).await?;
    let f = q.filter(acting.org.id, this_year(&app));
    let rules = app.store.rule_sets().await?;
    let rows: Vec<Vec<String>> = app
        .store
        .staff_year_all(&f, EXPORT_LIMIT)
        .await?
        .iter()
        .map(|r| {
            let v = staff_view(r, f.year, &rules);
            vec![
                v.name,
                v.doc,
                v.unit,
                v.y.public,
                v.y.professional,
                v.y.elective,
                v.y.total,
                v.y.pending,
                v.y.required,
                v.y.result.to_owned(),
                v.y.shortfall,
            ]
        })
        .collect();
    let header = [
        "姓名",
        "证件号码",
        "单位",
        "公需科目",
        "专业科目",
        "选修科目",
        "合计",
        "待审学时",
        "要求",
        "验证结果",
        "差额",
    ];
    let name = format!("{}{}年度验证.xlsx", acting.org.name, f.year);
    crate::xlsx::respond("年度验证", &header, &rows, &name)
}
