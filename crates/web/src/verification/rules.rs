//! Rule sets (验证规则) maintained as data: an HR bureau's administrator keeps those of its
//! region and below, the platform administrator all of them. Changes count at once: the
//! yearly figures are computed against the rule sets when they are shown.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::hours::{self, Hours};
use domain::policy::Action;
use domain::record::{DeclarationRules, DeclarationType, HoursLimit};
use domain::verification::{
    RuleSet, YearRequirement, check_rule_set, provincial_rules_since_2021, region_prefix,
    years_overlap,
};
use serde::Deserialize;
use store::ChangeError;
use store::records::RuleSetRow;
use store::reference::{HOME_PROVINCE, Named, Region};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{CurrentUser, PlatformAdmin};
use crate::error::{AppError, AppResult};
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::policy;

/// Who maintains rule sets here, and which.
enum Maintainer {
    Platform,
    /// An HR bureau: the rule sets of its region (and the regions under it).
    Bureau(String),
}

impl Maintainer {
    fn may_edit(&self, region_code: &str) -> bool {
        match self {
            Maintainer::Platform => true,
            Maintainer::Bureau(prefix) => region_prefix(region_code).starts_with(prefix.as_str()),
        }
    }

    fn base(&self) -> &'static str {
        match self {
            Maintainer::Platform => "/admin/rules",
            Maintainer::Bureau(_) => "/org/rules",
        }
    }
}

/// The bureau acted for, when its roles permit maintaining rule sets.
async fn bureau(app: &AppState, ip: &ClientIp, user: &CurrentUser) -> AppResult<Maintainer> {
    let acting = policy::acting_for(app, user, ip, Action::ManageRules).await?;
    Ok(Maintainer::Bureau(
        region_prefix(&acting.org.region_code).to_owned(),
    ))
}

pub struct Line {
    id: i64,
    name: String,
    region: String,
    series: String,
    years: String,
    figures: String,
    deadline: String,
    editable: bool,
}

fn h(t: i64) -> String {
    Hours::from_tenths(t).short()
}

fn years_text(from: Option<i32>, to: Option<i32>) -> String {
    match (from, to) {
        (None, None) => "各年度".into(),
        (Some(a), None) => format!("{a}年起"),
        (None, Some(b)) => format!("{b}年及以前"),
        (Some(a), Some(b)) if a == b => format!("{a}年"),
        (Some(a), Some(b)) => format!("{a}—{b}年"),
    }
}

fn line(r: &RuleSetRow, m: &Maintainer, series: &[Named], regions: &[Region]) -> Line {
    let mut figures = format!(
        "共 {} · 公需 ≥{} · 专业 ≥{}",
        h(r.total_tenths),
        h(r.public_tenths),
        h(r.professional_tenths)
    );
    if r.elective_tenths > 0 {
        figures.push_str(&format!(" · 选修 ≥{}", h(r.elective_tenths)));
    }
    if r.elective_only {
        figures.push_str("（选修只计为选修）");
    }
    let limits = r.to_domain().declaration;
    let unlimited: Vec<&str> = DeclarationType::ALL
        .iter()
        .filter(|d| limits.limit(**d) == HoursLimit::Unlimited)
        .map(|d| d.label())
        .collect();
    if !unlimited.is_empty() {
        figures.push_str(&format!(" · 不限学时：{}", unlimited.join("、")));
    }
    Line {
        id: r.id,
        name: r.name.clone(),
        region: regions
            .iter()
            .find(|g| g.code == r.region_code)
            .map(|g| g.name.clone())
            .unwrap_or_else(|| r.region_code.clone()),
        series: r
            .series_code
            .as_deref()
            .and_then(|c| series.iter().find(|s| s.code == c))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "全部系列".into()),
        years: years_text(r.year_from, r.year_to),
        figures,
        deadline: format!("次年{}月{}日", r.deadline_month, r.deadline_day),
        editable: m.may_edit(&r.region_code),
    }
}

/// The regions a maintainer may give a rule set: its own and those under it.
async fn regions_for(app: &AppState, m: &Maintainer) -> AppResult<Vec<Region>> {
    let root = match m {
        Maintainer::Platform => HOME_PROVINCE.to_owned(),
        Maintainer::Bureau(prefix) => format!("{prefix:0<6}"),
    };
    let mut out = Vec::new();
    if let Some(r) = app.store.region(&root).await? {
        out.push(r);
    }
    // A province's cities, a city's districts; a district has none under it.
    out.extend(app.store.regions_under(&root).await?);
    Ok(out)
}

#[derive(Template, WebTemplate)]
#[template(path = "verification/rules.html")]
pub struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    base: &'static str,
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let m = bureau(&app, &ip, &user).await?;
    list_as(m, app, ip, user).await
}

pub async fn admin_list(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
) -> AppResult<Response> {
    list_as(Maintainer::Platform, app, ip, user).await
}

async fn list_as(
    m: Maintainer,
    app: AppState,
    _ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let series = app.store.series().await?;
    let mut regions = app.store.regions_under(HOME_PROVINCE).await?;
    if let Some(p) = app.store.region(HOME_PROVINCE).await? {
        regions.push(p);
    }
    regions.extend(regions_for(&app, &m).await?);
    let lines = app
        .store
        .rule_sets()
        .await?
        .iter()
        .map(|r| line(r, &m, &series, &regions))
        .collect();
    Ok(ListPage {
        c: Chrome::for_user("验证规则", m.base(), &user),
        lines,
        base: m.base(),
    }
    .into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RuleForm {
    version: i32,
    name: String,
    region_code: String,
    series_code: String,
    year_from: String,
    year_to: String,
    total: String,
    public: String,
    professional: String,
    elective: String,
    elective_only: String,
    main_author: String,
    other_author: String,
    deadline_month: String,
    deadline_day: String,
    // Each declaration type's hours limit (an `HoursLimit` code), named `limit_<type code>`.
    limit_training: String,
    limit_conference: String,
    limit_paper: String,
    limit_monograph: String,
    limit_patent: String,
    limit_project: String,
    limit_further_study: String,
    limit_online: String,
    limit_other: String,
}

impl RuleForm {
    fn limit_field(&mut self, d: DeclarationType) -> &mut String {
        match d {
            DeclarationType::Training => &mut self.limit_training,
            DeclarationType::Conference => &mut self.limit_conference,
            DeclarationType::Paper => &mut self.limit_paper,
            DeclarationType::Monograph => &mut self.limit_monograph,
            DeclarationType::Patent => &mut self.limit_patent,
            DeclarationType::Project => &mut self.limit_project,
            DeclarationType::FurtherStudy => &mut self.limit_further_study,
            DeclarationType::OnlineLearning => &mut self.limit_online,
            DeclarationType::Other => &mut self.limit_other,
        }
    }

    fn limit_code(&self, d: DeclarationType) -> String {
        match d {
            DeclarationType::Training => &self.limit_training,
            DeclarationType::Conference => &self.limit_conference,
            DeclarationType::Paper => &self.limit_paper,
            DeclarationType::Monograph => &self.limit_monograph,
            DeclarationType::Patent => &self.limit_patent,
            DeclarationType::Project => &self.limit_project,
            DeclarationType::FurtherStudy => &self.limit_further_study,
            DeclarationType::OnlineLearning => &self.limit_online,
            DeclarationType::Other => &self.limit_other,
        }
        .clone()
    }

    fn with_limits(mut self, rules: &DeclarationRules) -> RuleForm {
        for d in DeclarationType::ALL {
            *self.limit_field(d) = rules.limit(d).code().to_owned();
        }
        self
    }

    fn of(r: &RuleSetRow) -> RuleForm {
        let opt = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
        RuleForm {
            version: r.version,
            name: r.name.clone(),
            region_code: r.region_code.clone(),
            series_code: r.series_code.clone().unwrap_or_default(),
            year_from: opt(r.year_from),
            year_to: opt(r.year_to),
            total: h(r.total_tenths),
            public: h(r.public_tenths),
            professional: h(r.professional_tenths),
            elective: h(r.elective_tenths),
            elective_only: if r.elective_only { "1" } else { "" }.into(),
            main_author: h(r.main_author_tenths),
            other_author: h(r.other_author_tenths),
            deadline_month: r.deadline_month.to_string(),
            deadline_day: r.deadline_day.to_string(),
            ..Default::default()
        }
        .with_limits(&r.to_domain().declaration)
    }

    /// A new rule set starts from the shipped figures, as domain keeps them.
    fn blank() -> RuleForm {
        let req = provincial_rules_since_2021();
        let rules = DeclarationRules::default();
        let short = |h: Hours| h.short();
        RuleForm {
            total: short(req.total),
            public: short(req.public),
            professional: short(req.professional),
            elective: short(req.elective),
            elective_only: if req.elective_counts_only_as_elective {
                "1"
            } else {
                ""
            }
            .into(),
            main_author: short(rules.main_author_hours),
            other_author: short(rules.other_author_hours),
            deadline_month: "1".into(),
            deadline_day: "31".into(),
            ..Default::default()
        }
        .with_limits(&rules)
    }

    /// The rule set typed, or every field's problem.
    fn check(
        &self,
        regions: &[Region],
        series: &[Named],
        others: &[RuleSetRow],
        id: Option<i64>,
        base: &DeclarationRules,
    ) -> Result<RuleSet, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut hours_of = |field: &'static str, v: &str| match hours::parse(v) {
            Ok(h) => h,
            Err(e) => {
                errors.add(field, e.to_string());
                Hours::ZERO
            }
        };
        let total = hours_of("total", &self.total);
        let public = if self.public.trim().is_empty() {
            Hours::ZERO
        } else {
            hours_of("public", &self.public)
        };
        let professional = if self.professional.trim().is_empty() {
            Hours::ZERO
        } else {
            hours_of("professional", &self.professional)
        };
        let elective = if self.elective.trim().is_empty() {
            Hours::ZERO
        } else {
            hours_of("elective", &self.elective)
        };
        let main = hours_of("authors", &self.main_author);
        let other = hours_of("authors", &self.other_author);
        let year = |field: &'static str, v: &str, errors: &mut FieldErrors| -> Option<i32> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            match v.parse::<i32>() {
                Ok(y) if (1980..=2100).contains(&y) => Some(y),
                _ => {
                    errors.add(field, "请填写四位数的年度，或留空表示不限");
                    None
                }
            }
        };
        let year_from = year("years", &self.year_from, &mut errors);
        let year_to = year("years", &self.year_to, &mut errors);
        if !regions.iter().any(|r| r.code == self.region_code) {
            errors.add("region_code", "请选择适用地区");
        }
        let mut declaration = DeclarationRules {
            main_author_hours: main,
            other_author_hours: other,
            ..*base
        };
        for d in DeclarationType::ALL {
            // A limit not sent at all stays as it was; one sent must be a known choice.
            let code = self.limit_code(d);
            if code.is_empty() {
                continue;
            }
            match HoursLimit::from_code(&code) {
                Some(l) => declaration.set_limit(d, l),
                None => errors.add("limits", "请为每个申报类型选择学时上限"),
            }
        }
        let series_code = self.series_code.trim();
        if !series_code.is_empty() && !series.iter().any(|s| s.code == series_code) {
            errors.add("series_code", "请从列表中选择专业系列");
        }
        let rs = RuleSet {
            name: self.name.trim().to_owned(),
            region_code: self.region_code.clone(),
            series_code: Some(self.series_code.trim().to_owned()).filter(|s| !s.is_empty()),
            year_from,
            year_to,
            requirement: YearRequirement {
                total,
                public,
                professional,
                elective,
                elective_counts_only_as_elective: self.elective_only == "1",
            },
            declaration,
            deadline: (
                self.deadline_month.trim().parse().unwrap_or(0),
                self.deadline_day.trim().parse().unwrap_or(0),
            ),
        };
        for (field, message) in check_rule_set(&rs) {
            errors.add(field, message);
        }
        let prefix = region_prefix(&rs.region_code);
        if let Some(clash) = others.iter().find(|o| {
            Some(o.id) != id
                && region_prefix(&o.region_code) == prefix
                && o.series_code == rs.series_code
                && years_overlap((o.year_from, o.year_to), (rs.year_from, rs.year_to))
        }) {
            errors.add(
                "years",
                format!(
                    "与规则“{}”的适用地区、系列和年度重叠，请调整年度范围",
                    clash.name
                ),
            );
        }
        if errors.is_empty() {
            Ok(rs)
        } else {
            Err(errors)
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "verification/rule_form.html")]
pub struct FormPage {
    c: Chrome,
    f: RuleForm,
    errors: FieldErrors,
    action: String,
    regions: Vec<Region>,
    series: Vec<Named>,
    /// Each declaration type: its code, its label and the limit chosen.
    limits: Vec<(&'static str, &'static str, String)>,
    limit_choices: Vec<(&'static str, &'static str)>,
}

impl FormPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

async fn form_page(
    app: &AppState,
    user: &CurrentUser,
    m: &Maintainer,
    action: String,
    f: RuleForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let limits = DeclarationType::ALL
        .iter()
        .map(|d| (d.code(), d.label(), f.limit_code(*d)))
        .collect();
    Ok(FormPage {
        c: Chrome::for_user("验证规则", m.base(), user),
        limits,
        limit_choices: HoursLimit::ALL
            .iter()
            .map(|l| (l.code(), l.label()))
            .collect(),
        f,
        errors,
        action,
        regions: regions_for(app, m).await?,
        series: app.store.series().await?,
    }
    .into_response())
}

pub async fn new(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let m = bureau(&app, &ip, &user).await?;
    new_as(m, app, ip, user).await
}

pub async fn admin_new(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
) -> AppResult<Response> {
    new_as(Maintainer::Platform, app, ip, user).await
}

async fn new_as(
    m: Maintainer,
    app: AppState,
    _ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let action = format!("{}/new", m.base());
    form_page(
        &app,
        &user,
        &m,
        action,
        RuleForm::blank(),
        FieldErrors::default(),
    )
    .await
}

pub async fn create(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<RuleForm>,
) -> AppResult<Response> {
    let m = bureau(&app, &ip, &user).await?;
    create_as(m, app, ip, user, f).await
}

pub async fn admin_create(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    CsrfForm(f): CsrfForm<RuleForm>,
) -> AppResult<Response> {
    create_as(Maintainer::Platform, app, ip, user, f).await
}

async fn create_as(
    m: Maintainer,
    app: AppState,
    _ip: ClientIp,
    user: CurrentUser,
    f: RuleForm,
) -> AppResult<Response> {
    let regions = regions_for(&app, &m).await?;
    let others = app.store.rule_sets().await?;
    let action = format!("{}/new", m.base());
    let rs = match f.check(
        &regions,
        &app.store.series().await?,
        &others,
        None,
        &DeclarationRules::default(),
    ) {
        Ok(rs) => rs,
        Err(errors) => return form_page(&app, &user, &m, action, f, errors).await,
    };
    match app
        .store
        .save_rule_set(None, &rs, user.account.id, app.now())
        .await
    {
        Ok(_) => user
            .session
            .flash("success", format!("已新增规则“{}”，即时生效。", rs.name)),
        Err(ChangeError::Conflict) => {}
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(m.base()).into_response())
}

async fn editable(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    m: &Maintainer,
    id: i64,
) -> AppResult<RuleSetRow> {
    match app.store.rule_set(id).await? {
        Some(r) if m.may_edit(&r.region_code) => Ok(r),
        Some(_) => Err(policy::deny(app, user, ip, &format!("修改其他地区的验证规则 {id}")).await),
        None => Err(AppError::NotFound),
    }
}

pub async fn edit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let m = bureau(&app, &ip, &user).await?;
    edit_as(m, app, ip, user, id).await
}

pub async fn admin_edit(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    edit_as(Maintainer::Platform, app, ip, user, id).await
}

async fn edit_as(
    m: Maintainer,
    app: AppState,
    ip: ClientIp,
    user: CurrentUser,
    id: i64,
) -> AppResult<Response> {
    let r = editable(&app, &ip, &user, &m, id).await?;
    let action = format!("{}/{id}", m.base());
    form_page(
        &app,
        &user,
        &m,
        action,
        RuleForm::of(&r),
        FieldErrors::default(),
    )
    .await
}

pub async fn update(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RuleForm>,
) -> AppResult<Response> {
    let m = bureau(&app, &ip, &user).await?;
    update_as(m, app, ip, user, id, f).await
}

pub async fn admin_update(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RuleForm>,
) -> AppResult<Response> {
    update_as(Maintainer::Platform, app, ip, user, id, f).await
}

async fn update_as(
    m: Maintainer,
    app: AppState,
    ip: ClientIp,
    user: CurrentUser,
    id: i64,
    f: RuleForm,
) -> AppResult<Response> {
    let stored = editable(&app, &ip, &user, &m, id).await?;
    let regions = regions_for(&app, &m).await?;
    let others = app.store.rule_sets().await?;
    let action = format!("{}/{id}", m.base());
    let base = stored.to_domain().declaration;
    let rs = match f.check(
        &regions,
        &app.store.series().await?,
        &others,
        Some(id),
        &base,
    ) {
        Ok(rs) => rs,
        Err(errors) => return form_page(&app, &user, &m, action, f, errors).await,
    };
    match app
        .store
        .save_rule_set(Some((id, f.version)), &rs, user.account.id, app.now())
        .await
    {
        Ok(_) => user.session.flash(
            "success",
            format!("已保存规则“{}”，年度验证即时按新规则计算。", rs.name),
        ),
        Err(ChangeError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add("name", "该规则已被他人修改，请刷新后重新修改");
            return form_page(&app, &user, &m, action, f, errors).await;
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(m.base()).into_response())
}
