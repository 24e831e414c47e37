//! Staff lists (人员管理 / 人员查询) and a unit's work on its staff: confirm or refuse
//! binding requests one by one or in bulk, unbind with a reason, add a person.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::binding::{self, BindingState};
use domain::identity::{DocumentType, mask};
use domain::policy::{Action, permits};
use serde::Deserialize;
use store::ChangeError;
use store::bindings::{StaffFilter, StaffRow};
use store::reference::Named;

use crate::AppState;
use crate::accounts::{OpenAccount, open_account};
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, FieldErrors, Once, Pairs};
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StaffQuery {
    name: String,
    doc: String,
    series: String,
    level: String,
    state: String,
    sort: String,
    page: u64,
}

pub struct Row {
    binding_id: i64,
    account_id: i64,
    name: String,
    gender: &'static str,
    doc: String,
    mobile: String,
    unit: String,
    series: String,
    level: String,
    state: &'static str,
    state_class: &'static str,
    waiting: bool,
    at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/staff.html")]
pub struct StaffPage {
    c: Chrome,
    q: StaffQuery,
    rows: Vec<Row>,
    pager: Pager,
    can_manage: bool,
    any_waiting: bool,
    series: Vec<Named>,
    levels: Vec<Named>,
    sort_links: Vec<(&'static str, String, bool)>,
    export_query: String,
}

impl StaffPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    /// The binding states a staff list filters by: the open ones.
    fn states(&self) -> Vec<(&'static str, &'static str)> {
        BindingState::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(|s| (s.code(), s.label()))
            .collect()
    }
}

fn name_of(list: &[Named], code: &Option<String>) -> String {
    code.as_deref()
        .and_then(|c| list.iter().find(|n| n.code == c))
        .map(|n| n.name.clone())
        .unwrap_or_default()
}

fn row(r: StaffRow, series: &[Named], levels: &[Named]) -> Row {
    let waiting = r.state == BindingState::Requested;
    Row {
        binding_id: r.binding_id,
        account_id: r.account_id,
        gender: r
            .gender
            .as_deref()
            .and_then(domain::identity::Gender::from_code)
            .map(|g| g.label())
            .unwrap_or(""),
        doc: mask(&r.doc_number),
        mobile: mask(&r.mobile),
        unit: r.unit_name,
        series: name_of(series, &r.series_code),
        level: name_of(levels, &r.level_code),
        state: if waiting { "待确认" } else { "已确认" },
        state_class: if waiting { "badge-warn" } else { "badge-ok" },
        waiting,
        at: display_time(r.requested_at),
        name: r.real_name,
    }
}

fn query_string(q: &StaffQuery, sort: &str) -> String {
    serde_urlencoded::to_string([
        ("name", q.name.as_str()),
        ("doc", q.doc.as_str()),
        ("series", q.series.as_str()),
        ("level", q.level.as_str()),
        ("state", q.state.as_str()),
        ("sort", sort),
    ])
    .unwrap_or_default()
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewStaff).await?;
    let filter = StaffFilter {
        within: acting.org.id,
        name: Some(q.name.clone()),
        doc_number: Some(crate::accounts::lookup_key(
            &app,
            &q.doc.to_ascii_uppercase(),
        )),
        series_code: Some(q.series.clone()),
        level_code: Some(q.level.clone()),
        state: BindingState::from_code(&q.state),
        sort: Some(q.sort.clone()),
        page: q.page,
        per_page: 20,
    };
    let page = app.store.staff(&filter).await?;
    let series = app.store.series().await?;
    let levels = app.store.qualification_levels().await?;
    let pager = Pager::new(&page, "/org/staff", &query_string(&q, &q.sort));
    let sort_links = [
        ("requested_at", "申请时间"),
        ("name", "姓名"),
        ("unit", "单位"),
    ]
    .into_iter()
    .map(|(key, label)| {
        (
            label,
            format!("/org/staff?{}", query_string(&q, key)),
            q.sort == key || (q.sort.is_empty() && key == "requested_at"),
        )
    })
    .collect();
    let title = if acting.kind.supervises() {
        "人员查询"
    } else {
        "人员管理"
    };
    Ok(StaffPage {
        c: Chrome::for_user(title, "/org/staff", &user),
        can_manage: permits(acting.kind, acting.roles, Action::ManageStaff),
        any_waiting: page
            .items
            .iter()
            .any(|r| r.state == BindingState::Requested),
        rows: page
            .items
            .into_iter()
            .map(|r| row(r, &series, &levels))
            .collect(),
        pager,
        series,
        levels,
        sort_links,
        export_query: query_string(&q, &q.sort),
        q,
    }
    .into_response())
}

/// The most rows one export carries; a larger list is narrowed with the filters first.
const EXPORT_LIMIT: u64 = 50_000;

/// The staff list as an xlsx file, with the same filters as the page. Document
/// numbers and phones stay masked: a file travels further than a screen.
pub async fn export(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<StaffQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewStaff).await?;
    let series = app.store.series().await?;
    let levels = app.store.qualification_levels().await?;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let chunk = app
            .store
            .staff(&StaffFilter {
                within: acting.org.id,
                name: Some(q.name.clone()),
                doc_number: Some(crate::accounts::lookup_key(
                    &app,
                    &q.doc.to_ascii_uppercase(),
                )),
                series_code: Some(q.series.clone()),
                level_code: Some(q.level.clone()),
                state: BindingState::from_code(&q.state),
                sort: Some(q.sort.clone()),
                page,
                per_page: 200,
            })
            .await?;
        let last = chunk.page >= chunk.pages() || (rows.len() as u64) >= EXPORT_LIMIT;
        rows.extend(chunk.items.into_iter().map(|r| {
            let r = row(r, &series, &levels);
            vec![
                r.name,
                r.gender.to_owned(),
                r.doc,
                r.mobile,
                r.unit,
                r.series,
                r.level,
                r.state.to_owned(),
                r.at,
            ]
        }));
        if last {
            break;
        }
        page += 1;
    }
    rows.truncate(EXPORT_LIMIT as usize);
    let header = [
        "姓名",
        "性别",
        "证件号码",
        "手机号码",
        "单位",
        "专业系列",
        "级别",
        "绑定状态",
        "申请时间",
    ];
    let name = format!(
        "{}人员名单{}.xlsx",
        acting.org.name,
        app.today().format("%Y%m%d")
    );
    crate::xlsx::respond("人员名单", &header, &rows, &name)
}

fn back() -> Response {
    Redirect::to(&format!(
        "/org/staff?state={}",
        BindingState::Requested.code()
    ))
    .into_response()
}

/// Confirms or refuses the chosen binding requests of the unit acted for. Each one
/// changes only if still waiting, so two clerks working at once cannot double it.
async fn decide(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    f: &Pairs,
    confirm: bool,
) -> AppResult<Response> {
    let acting = policy::acting_for(app, user, ip, Action::ManageStaff).await?;
    let unit = acting.org.id;
    let reason = f.get("reason").trim().to_owned();
    let ids: Vec<i64> = f
        .all("binding")
        .filter_map(|v| v.parse::<i64>().ok())
        .collect();
    // Every chosen request must be the unit's own before any of them changes.
    let mut chosen = Vec::with_capacity(ids.len());
    for id in ids {
        match app.store.binding(id).await? {
            Some(b) if b.unit_id == unit => chosen.push(b),
            Some(_) => {
                return Err(
                    policy::deny(app, user, ip, &format!("处理其他单位的绑定申请 {id}")).await,
                );
            }
            None => {}
        }
    }
    let (mut done, mut skipped) = (0, 0);
    for b in chosen {
        let id = b.id;
        let state = b.state;
        let next = if confirm {
            binding::confirm(state)
        } else {
            binding::refuse(state, &reason)
        };
        let Ok(next) = next else {
            skipped += 1;
            continue;
        };
        match app
            .store
            .change_binding(id, unit, state, next, &reason, user.account.id, app.now())
            .await
        {
            Ok(()) => {
                let action = if confirm { "confirm" } else { "refuse" };
                app.store
                    .add_trail(
                        "binding",
                        id,
                        action,
                        Some(user.account.id),
                        Some(unit),
                        &reason,
                        app.now(),
                    )
                    .await?;
                done += 1;
            }
            Err(ChangeError::Conflict) => skipped += 1,
            Err(ChangeError::Db(e)) => return Err(e.into()),
        }
    }
    let verb = if confirm { "确认" } else { "拒绝" };
    if done == 0 && skipped == 0 {
        user.session.flash("error", "请先勾选要处理的人员。");
    } else if skipped == 0 {
        user.session
            .flash("success", format!("已{verb} {done} 人。"));
    } else {
        user.session.flash(
            "info",
            format!("已{verb} {done} 人；另有 {skipped} 人已被处理过，未重复操作。"),
        );
    }
    Ok(back())
}

pub async fn confirm(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    decide(&app, &ip, &user, &f, true).await
}

pub async fn refuse(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    decide(&app, &ip, &user, &f, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnbindForm {
    reason: String,
}

pub async fn unbind(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<UnbindForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageStaff).await?;
    let b = match app.store.binding(id).await? {
        Some(b) if b.unit_id == acting.org.id => b,
        _ => {
            return Err(
                policy::deny(&app, &user, &ip, &format!("解除其他单位人员的绑定 {id}")).await,
            );
        }
    };
    let person = format!("/org/people/{}", b.account_id);
    let state = b.state;
    let next = match binding::unbind(state, f.reason.trim()) {
        Ok(n) => n,
        Err(e) => {
            user.session.flash("error", e.to_string());
            return Ok(Redirect::to(&person).into_response());
        }
    };
    match app
        .store
        .change_binding(
            id,
            b.unit_id,
            state,
            next,
            f.reason.trim(),
            user.account.id,
            app.now(),
        )
        .await
    {
        Ok(()) => {
            app.store
                .add_trail(
                    "binding",
                    id,
                    "unbind",
                    Some(user.account.id),
                    Some(b.unit_id),
                    f.reason.trim(),
                    app.now(),
                )
                .await?;
            user.session
                .flash("success", "已解除绑定。该人员的历史记录仍归其本人所有。");
            Ok(Redirect::to("/org/staff").into_response())
        }
        Err(ChangeError::Conflict) => {
            user.session
                .flash("error", "该人员的绑定状态已经改变，请刷新查看。");
            Ok(Redirect::to(&person).into_response())
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

pub struct History {
    unit: String,
    state: &'static str,
    at: String,
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/person.html")]
pub struct PersonPage {
    c: Chrome,
    name: String,
    facts: Vec<(&'static str, String)>,
    history: Vec<History>,
    unbind_id: Option<i64>,
    edit_href: Option<String>,
}

/// A person's page, for an organisation whose subtree holds their current unit.
pub async fn person(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(account): Path<i64>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ViewStaff).await?;
    let open = app.store.open_binding(account).await?;
    let Some(open) = open else {
        return Err(policy::deny(&app, &user, &ip, &format!("查看未绑定人员 {account}")).await);
    };
    policy::acting_over(&app, &user, &ip, Action::ViewStaff, open.unit_id).await?;
    let Some(a) = app.store.account(account).await? else {
        return Err(crate::error::AppError::NotFound);
    };
    let p = app.store.profile(account).await?.unwrap_or_default();
    let series = app.store.series().await?;
    let levels = app.store.qualification_levels().await?;
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let facts = vec![
        ("姓名", a.real_name.clone()),
        ("证件号码", mask(&a.doc_number)),
        (
            "性别",
            a.gender
                .as_deref()
                .and_then(domain::identity::Gender::from_code)
                .map(|g| g.label().to_owned())
                .unwrap_or_default(),
        ),
        ("出生日期", date(a.birth_date)),
        ("手机号码", mask(&a.mobile)),
        ("工作单位", open.unit_name.clone()),
        ("专业系列", name_of(&series, &Some(p.series_code.clone()))),
        (
            "专业技术资格",
            format!(
                "{} {}",
                p.qualification,
                name_of(&levels, &Some(p.level_code.clone()))
            ),
        ),
        ("取得资格时间", date(p.qualification_date)),
        ("从事专业", p.specialty.clone()),
    ];
    let history = app
        .store
        .bindings_of(account)
        .await?
        .into_iter()
        .map(|b| History {
            state: b.state.label(),
            at: display_time(b.requested_at),
            note: b.reason,
            unit: b.unit_name,
        })
        .collect();
    let can_unbind = permits(acting.kind, acting.roles, Action::ManageStaff)
        && open.unit_id == acting.org.id
        && open.state == BindingState::Confirmed;
    Ok(PersonPage {
        c: Chrome::for_user("人员信息", "/org/staff", &user),
        name: a.real_name,
        facts,
        history,
        unbind_id: can_unbind.then_some(open.id),
        edit_href: can_unbind.then(|| format!("/org/people/{account}/profile")),
    }
    .into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewPersonForm {
    form_key: String,
    login_name: String,
    real_name: String,
    doc_number: String,
    mobile: String,
    email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "people/new_person.html")]
pub struct NewPersonPage {
    c: Chrome,
    f: NewPersonForm,
    errors: FieldErrors,
}

pub async fn new_person(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    policy::acting_for(&app, &user, &ip, Action::ManageStaff).await?;
    Ok(NewPersonPage {
        c: Chrome::for_user("添加人员", "/org/staff", &user),
        f: NewPersonForm {
            form_key: forms::new_form_key(),
            ..Default::default()
        },
        errors: FieldErrors::default(),
    }
    .into_response())
}

/// A unit opens an account for a person of its staff: the initial password is the
/// last six characters of the ID number + "@Gd", changed at the first sign-in.
pub async fn add_person(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<NewPersonForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageStaff).await?;
    let unit = acting.org.id;
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let opened = open_account(
        &app,
        OpenAccount {
            login_name: &f.login_name,
            real_name: &f.real_name,
            doc_type: DocumentType::MainlandId,
            doc_number: &f.doc_number,
            mobile: &f.mobile,
            email: &f.email,
            is_platform_admin: false,
        },
    )
    .await?;
    let opened = match opened {
        Ok(o) => o,
        Err(mut errors) => {
            if errors.get("doc_number") == Some("该证件号码已有账号") {
                errors = FieldErrors::default();
                errors.add("doc_number", "该证件号码已有账号：请本人登录后在“工作单位”中申请绑定本单位，再由本单位确认。");
            }
            forms::abandon_once(&app, &f.form_key).await?;
            return Ok(NewPersonPage {
                c: Chrome::for_user("添加人员", "/org/staff", &user),
                f,
                errors,
            }
            .into_response());
        }
    };
    if let Some(id) = app
        .store
        .request_binding(opened.id, unit, BindingState::Confirmed, app.now())
        .await?
    {
        app.store
            .add_trail(
                "binding",
                id,
                "add",
                Some(user.account.id),
                Some(unit),
                "单位添加人员",
                app.now(),
            )
            .await?;
    }
    user.session.flash(
        "success",
        format!(
            "已添加 {}，登录账号 {}，初始密码 {}（证件号码后六位加@Gd），本人首次登录须修改密码。",
            f.real_name.trim(),
            f.login_name.trim(),
            opened.initial_password
        ),
    );
    let location = "/org/staff";
    forms::finish_once(&app, &f.form_key, location).await?;
    Ok(Redirect::to(location).into_response())
}
