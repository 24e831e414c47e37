//! The person's profile (资料维护): education, qualification, series, specialty, and their
//! contact details (mobile and e-mail). Name and document come from the account and cannot be
//! changed here.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::Action;
use domain::profile::{self, Discipline};
use serde::Deserialize;
use store::accounts::Account;
use store::profiles::Profile;
use store::reference::{HOME_PROVINCE, Named, Region};

use crate::AppState;
use crate::audit::{self, ClientIp, event};
use crate::auth::{AsSelf, CurrentUser};
use crate::error::AppResult;
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::{password_hash, policy};
use domain::binding::BindingState;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProfileForm {
    ethnicity: String,
    native_place: String,
    education_code: String,
    degree: String,
    major: String,
    school: String,
    graduation_date: String,
    work_start: String,
    qualification: String,
    level_code: String,
    qualification_date: String,
    series_code: String,
    specialty: String,
    discipline: String,
    postal_code: String,
    address: String,
    city: String,
    district: String,
}

/// The person's mobile number and e-mail, the contacts of account recovery: changed only with
/// the current password.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ContactForm {
    mobile: String,
    email: String,
    password: String,
}

pub const DEGREES: &[&str] = &["博士", "硕士", "学士", "无"];

#[derive(Template, WebTemplate)]
#[template(path = "people/profile.html")]
pub struct ProfilePage {
    c: Chrome,
    action: String,
    own: bool,
    f: ProfileForm,
    errors: FieldErrors,
    identity: Vec<(&'static str, String)>,
    education: Vec<Named>,
    levels: Vec<Named>,
    series: Vec<Named>,
    degrees: &'static [&'static str],
    disciplines: Vec<(&'static str, &'static str)>,
    cities: Vec<Region>,
    districts: Vec<Region>,
    /// The contact form, on the person's own profile only.
    contact: ContactForm,
    contact_errors: FieldErrors,
}

impl ProfilePage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn form_of(p: &Profile) -> ProfileForm {
    let region = p.region_code.clone();
    let district_of = region
        .get(..4)
        .filter(|_| region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()))
        .filter(|_| !region.ends_with("00"))
        .map(|c| format!("{c}00"));
    let (city, district) = if let Some(city) = district_of {
        (city, region)
    } else {
        (region, String::new())
    };
    ProfileForm {
        ethnicity: p.ethnicity.clone(),
        native_place: p.native_place.clone(),
        education_code: p.education_code.clone(),
        degree: p.degree.clone(),
        major: p.major.clone(),
        school: p.school.clone(),
        graduation_date: date(p.graduation_date),
        work_start: date(p.work_start),
        qualification: p.qualification.clone(),
        level_code: p.level_code.clone(),
        qualification_date: date(p.qualification_date),
        series_code: p.series_code.clone(),
        specialty: p.specialty.clone(),
        discipline: p.discipline.clone(),
        postal_code: p.postal_code.clone(),
        address: p.address.clone(),
        city,
        district,
    }
}

/// Whose profile a page edits: the person's own, or a staff member's by their unit.
struct Target<'a> {
    account: &'a Account,
    title: &'static str,
    action: String,
}

async fn page(
    app: &AppState,
    user: &CurrentUser,
    target: &Target<'_>,
    f: ProfileForm,
    errors: FieldErrors,
) -> AppResult<ProfilePage> {
    let a = target.account;
    let contact = ContactForm {
        mobile: a.mobile.clone(),
        email: a.email.clone(),
        password: String::new(),
    };
    page_with_contact(
        app,
        user,
        target,
        f,
        errors,
        contact,
        FieldErrors::default(),
    )
    .await
}

async fn page_with_contact(
    app: &AppState,
    user: &CurrentUser,
    target: &Target<'_>,
    f: ProfileForm,
    errors: FieldErrors,
    contact: ContactForm,
    contact_errors: FieldErrors,
) -> AppResult<ProfilePage> {
    let a = target.account;
    let city = if f.city.is_empty() {
        "440100".to_owned()
    } else {
        f.city.clone()
    };
    Ok(ProfilePage {
        c: Chrome::for_user(target.title, &target.action, user),
        action: target.action.clone(),
        own: target.account.id == user.account.id,
        identity: vec![
            ("姓名", a.real_name.clone()),
            ("证件号码", domain::identity::mask(&a.doc_number)),
            (
                "性别",
                a.gender
                    .as_deref()
                    .and_then(domain::identity::Gender::from_code)
                    .map(|g| g.label().to_owned())
                    .unwrap_or_else(|| "—".into()),
            ),
            ("出生日期", date(a.birth_date)),
        ],
        education: app.store.education_levels().await?,
        levels: app.store.qualification_levels().await?,
        series: app.store.series().await?,
        degrees: DEGREES,
        disciplines: [Discipline::Social, Discipline::Natural]
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        cities: app.store.regions_under(HOME_PROVINCE).await?,
        districts: app.store.regions_under(&city).await?,
        f: ProfileForm { city, ..f },
        errors,
        contact: ContactForm {
            // The password is never sent back into a page.
            password: String::new(),
            ..contact
        },
        contact_errors,
    })
}

pub async fn show(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let target = Target {
        account: &user.account,
        title: "个人资料",
        action: "/me/profile".into(),
    };
    let p = app
        .store
        .profile(user.account.id)
        .await?
        .unwrap_or_default();
    Ok(
        page(&app, &user, &target, form_of(&p), FieldErrors::default())
            .await?
            .into_response(),
    )
}

pub async fn submit(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<ProfileForm>,
) -> AppResult<Response> {
    let target = Target {
        account: &user.account,
        title: "个人资料",
        action: "/me/profile".into(),
    };
    match validate(&app, &user.account, &f).await? {
        Err(errors) => Ok(page(&app, &user, &target, f, errors).await?.into_response()),
        Ok(p) => {
            app.store.save_profile(&p, app.now()).await?;
            user.session.flash("success", "个人资料已保存。");
            Ok(Redirect::to("/me/profile").into_response())
        }
    }
}

/// Changes the person's mobile number and e-mail. Both are how a lost account is recovered,
/// so whoever holds a signed-in browser must also know the password to change them.
pub async fn change_contact(
    State(app): State<AppState>,
    ip: ClientIp,
    AsSelf(user): AsSelf,
    CsrfForm(c): CsrfForm<ContactForm>,
) -> AppResult<Response> {
    let a = &user.account;
    let mut e = FieldErrors::default();
    let mobile = e.check("mobile", domain::credentials::mobile(&c.mobile));
    let email = e.check("email", domain::credentials::email(&c.email));
    if c.password.is_empty() {
        e.add("password", "请输入当前密码");
    } else if !password_hash::verify(&c.password, &a.password_hash).await {
        audit::record(
            &app,
            &ip,
            event::CONTACT_CHANGE,
            "failure",
            Some(a.id),
            &a.login_name,
            "当前密码不正确",
        )
        .await;
        e.add("password", "当前密码不正确");
    }
    let (Some(mobile), Some(email), true) = (mobile, email, e.is_empty()) else {
        return refuse_contact(&app, &user, c, e).await;
    };
    let changed: Vec<&str> = [
        ("手机号码", mobile != a.mobile),
        ("电子邮箱", email != a.email),
    ]
    .into_iter()
    .filter_map(|(label, differs)| differs.then_some(label))
    .collect();
    if changed.is_empty() {
        user.session.flash("info", "联系方式没有变化。");
        return Ok(Redirect::to("/me/profile").into_response());
    }
    app.store.set_contact(a.id, &mobile, &email).await?;
    // The values stay out of the log: which of them changed is what an investigation needs.
    audit::record(
        &app,
        &ip,
        event::CONTACT_CHANGE,
        "success",
        Some(a.id),
        &a.login_name,
        &format!("修改{}", changed.join("、")),
    )
    .await;
    user.session.flash("success", "联系方式已修改。");
    Ok(Redirect::to("/me/profile").into_response())
}

async fn refuse_contact(
    app: &AppState,
    user: &CurrentUser,
    c: ContactForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let target = Target {
        account: &user.account,
        title: "个人资料",
        action: "/me/profile".into(),
    };
    let p = app
        .store
        .profile(user.account.id)
        .await?
        .unwrap_or_default();
    Ok(page_with_contact(
        app,
        user,
        &target,
        form_of(&p),
        FieldErrors::default(),
        c,
        errors,
    )
    .await?
    .into_response())
}

/// A member of the staff of the unit acted for, whose profile the unit may maintain
/// (人员信息维护): confirmed in this very unit, not merely somewhere below it.
async fn own_staff(
    app: &AppState,
    user: &CurrentUser,
    ip: &ClientIp,
    account: i64,
) -> AppResult<Account> {
    let acting = policy::acting_for(app, user, ip, Action::ManageStaff).await?;
    let binding = app.store.open_binding(account).await?;
    match (binding, app.store.account(account).await?) {
        (Some(b), Some(a)) if b.unit_id == acting.org.id && b.state == BindingState::Confirmed => {
            Ok(a)
        }
        _ => Err(policy::deny(app, user, ip, &format!("维护其他单位人员的资料 {account}")).await),
    }
}

pub async fn staff_show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(account): Path<i64>,
) -> AppResult<Response> {
    let a = own_staff(&app, &user, &ip, account).await?;
    let target = Target {
        account: &a,
        title: "维护人员资料",
        action: format!("/org/people/{account}/profile"),
    };
    let p = app.store.profile(account).await?.unwrap_or_default();
    Ok(
        page(&app, &user, &target, form_of(&p), FieldErrors::default())
            .await?
            .into_response(),
    )
}

pub async fn staff_submit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(account): Path<i64>,
    CsrfForm(f): CsrfForm<ProfileForm>,
) -> AppResult<Response> {
    let a = own_staff(&app, &user, &ip, account).await?;
    let target = Target {
        account: &a,
        title: "维护人员资料",
        action: format!("/org/people/{account}/profile"),
    };
    match validate(&app, &a, &f).await? {
        Err(errors) => Ok(page(&app, &user, &target, f, errors).await?.into_response()),
        Ok(p) => {
            app.store.save_profile(&p, app.now()).await?;
            app.store
                .add_trail(
                    "profile",
                    account,
                    "edit",
                    Some(user.account.id),
                    user.acting_id(),
                    "单位维护人员资料",
                    app.now(),
                )
                .await?;
            user.session
                .flash("success", format!("{} 的资料已保存。", a.real_name));
            Ok(Redirect::to(&format!("/org/people/{account}")).into_response())
        }
    }
}

/// Checks every field; the profile to store, or the messages for the fields.
async fn validate(
    app: &AppState,
    target: &Account,
    f: &ProfileForm,
) -> AppResult<Result<Profile, FieldErrors>> {
    let today = app.today();
    let mut e = FieldErrors::default();
    let text = |e: &mut FieldErrors, field: &'static str, v: &str, max: usize, label: &str| {
        e.check(field, profile::validate_short_text(v, max, label))
            .unwrap_or_default()
    };
    let ethnicity = text(&mut e, "ethnicity", &f.ethnicity, 20, "民族");
    let native_place = text(&mut e, "native_place", &f.native_place, 60, "籍贯");
    let major = text(&mut e, "major", &f.major, 60, "所学专业");
    let school = text(&mut e, "school", &f.school, 100, "毕业学校");
    let qualification = text(
        &mut e,
        "qualification",
        &f.qualification,
        60,
        "专业技术资格",
    );
    let specialty = text(&mut e, "specialty", &f.specialty, 60, "从事专业");
    let address = text(&mut e, "address", &f.address, 200, "通讯地址");
    let graduation_date = e
        .check(
            "graduation_date",
            profile::validate_past_date(&f.graduation_date, today, "毕业时间"),
        )
        .flatten();
    let work_start = e
        .check(
            "work_start",
            profile::validate_past_date(&f.work_start, today, "参加工作时间"),
        )
        .flatten();
    let qualification_date = e
        .check(
            "qualification_date",
            profile::validate_past_date(&f.qualification_date, today, "取得资格时间"),
        )
        .flatten();
    for (field, msg) in profile::check_profile_dates(
        target.birth_date,
        graduation_date,
        work_start,
        qualification_date,
    ) {
        e.add(field, msg);
    }
    let postal_code = e
        .check("postal_code", profile::validate_postal_code(&f.postal_code))
        .unwrap_or_default();
    let known = |list: &[Named], v: &str| v.is_empty() || list.iter().any(|n| n.code == v);
    if !known(&app.store.education_levels().await?, &f.education_code) {
        e.add("education_code", "请从列表中选择最高学历");
    }
    if !known(&app.store.qualification_levels().await?, &f.level_code) {
        e.add("level_code", "请从列表中选择级别");
    }
    if !known(&app.store.series().await?, &f.series_code) {
        e.add("series_code", "请从列表中选择专业系列");
    }
    if !f.degree.is_empty() && !DEGREES.contains(&f.degree.as_str()) {
        e.add("degree", "请从列表中选择学位");
    }
    if !f.discipline.is_empty() && Discipline::from_code(&f.discipline).is_none() {
        e.add("discipline", "请选择学科类别");
    }
    let region = if !f.district.is_empty() {
        f.district.clone()
    } else {
        f.city.clone()
    };
    if !region.is_empty()
        && app
            .store
            .region(&region)
            .await?
            .is_none_or(|r| !r.code.starts_with("44"))
    {
        e.add("district", "请选择所在地区");
    }
    if !e.is_empty() {
        return Ok(Err(e));
    }
    let p = Profile {
        account_id: target.id,
        ethnicity,
        native_place,
        education_code: f.education_code.clone(),
        degree: f.degree.clone(),
        major,
        school,
        graduation_date,
        work_start,
        qualification,
        level_code: f.level_code.clone(),
        qualification_date,
        series_code: f.series_code.clone(),
        specialty,
        discipline: f.discipline.clone(),
        postal_code,
        address,
        region_code: region,
    };
    Ok(Ok(p))
}
