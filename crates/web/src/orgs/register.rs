//! Unit registration (单位注册): a signed-in person registers an employer unit or a
//! training institution under a supervising department; the department decides.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::org::{self, IdentifierKind, OrgKind, OrgStatus};
use serde::Deserialize;
use store::organizations::{CreateOrgError, NewOrganization, OrgFilter, Organization};
use store::reference::{HOME_PROVINCE, Region};

use crate::AppState;
use crate::auth::{AsSelf, CurrentUser};
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, FieldErrors, Once};
use crate::layout::Chrome;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RegisterForm {
    pub form_key: String,
    pub kind: String,
    pub name: String,
    pub id_kind: String,
    pub id_code: String,
    pub city: String,
    pub district: String,
    pub address: String,
    pub legal_rep: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub parent_id: String,
    /// For a department: 行业 / 市属 / 区县 (industry, city, district).
    pub level: String,
}

pub struct MyRegistration {
    name: String,
    kind: &'static str,
    status: &'static str,
    status_class: &'static str,
    reason: String,
    at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/register.html")]
pub struct RegisterPage {
    c: Chrome,
    f: RegisterForm,
    errors: FieldErrors,
    cities: Vec<Region>,
    districts: Vec<Region>,
    supervisors: Vec<Organization>,
    mine: Vec<MyRegistration>,
}

impl RegisterPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    fn same_id(&self, a: &str, id: &i64) -> bool {
        a.parse::<i64>().ok() == Some(*id)
    }
}

pub fn status_badge(status: OrgStatus) -> (&'static str, &'static str) {
    match status {
        OrgStatus::Approved => ("已通过", "badge-ok"),
        OrgStatus::Rejected => ("未通过", "badge-danger"),
        OrgStatus::Applied => ("待审核", "badge-warn"),
    }
}

async fn page(
    app: &AppState,
    user: &CurrentUser,
    f: RegisterForm,
    errors: FieldErrors,
) -> AppResult<RegisterPage> {
    let cities = app.store.regions_under(HOME_PROVINCE).await?;
    let city = if f.city.is_empty() {
        "440100".to_owned()
    } else {
        f.city.clone()
    };
    let districts = app.store.regions_under(&city).await?;
    let supervisors = app.store.supervisors_in_city(&city).await?;
    let mine = app
        .store
        .organizations(&OrgFilter {
            registered_by: Some(user.account.id),
            per_page: 50,
            ..Default::default()
        })
        .await?
        .items
        .into_iter()
        .map(|o| {
            let (status, status_class) = status_badge(o.status);
            MyRegistration {
                kind: o.kind.label(),
                name: o.name,
                status,
                status_class,
                reason: o.decision_reason,
                at: display_time(o.created_at),
            }
        })
        .collect();
    Ok(RegisterPage {
        c: Chrome::for_user("单位注册", "/organizations/register", user),
        f: RegisterForm { city, ..f },
        errors,
        cities,
        districts,
        supervisors,
        mine,
    })
}

pub async fn show(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let f = RegisterForm {
        form_key: forms::new_form_key(),
        kind: OrgKind::Unit.code().into(),
        id_kind: IdentifierKind::CreditCode.code().into(),
        ..Default::default()
    };
    Ok(page(&app, &user, f, FieldErrors::default())
        .await?
        .into_response())
}

/// The supervisors of a city, for the select that follows the region picker.
pub async fn supervisors(
    State(app): State<AppState>,
    _user: CurrentUser,
    Path(city): Path<String>,
) -> AppResult<Json<Vec<(i64, String)>>> {
    if city.len() != 6 || !city.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Json(Vec::new()));
    }
    let list = app.store.supervisors_in_city(&city).await?;
    Ok(Json(list.into_iter().map(|o| (o.id, o.name)).collect()))
}

pub async fn submit(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<RegisterForm>,
) -> AppResult<Response> {
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let mut errors = FieldErrors::default();
    let kind = match OrgKind::from_code(&f.kind) {
        Some(k @ (OrgKind::Unit | OrgKind::Institution | OrgKind::Department)) => Some(k),
        _ => {
            errors.add("kind", "请选择单位类型");
            None
        }
    };
    // A department names its level; the other kinds have none.
    let level = match kind {
        Some(OrgKind::Department) => match org::OrgLevel::from_code(&f.level) {
            Some(l) if org::level_allowed(OrgKind::Department, Some(l)) => Some(l),
            _ => {
                errors.add("level", "请选择主管部门的类别");
                None
            }
        },
        _ => None,
    };
    let name = errors.check("name", org::validate_org_name(&f.name));
    let id_kind = IdentifierKind::from_code(&f.id_kind);
    let id_code = match id_kind {
        Some(k) => errors.check("id_code", org::validate_identifier(k, &f.id_code)),
        None => {
            errors.add("id_kind", "请选择证照类型");
            None
        }
    };
    let region = if !f.district.is_empty() {
        &f.district
    } else {
        &f.city
    };
    let region_ok = match app.store.region(region).await? {
        Some(r) if r.code.starts_with("44") && r.level != "province" => {
            // A city with districts needs one of them; 东莞 and 中山 have none.
            let has_districts = !app.store.regions_under(&f.city).await?.is_empty();
            !(r.level == "city" && has_districts)
        }
        _ => false,
    };
    if !region_ok {
        errors.add("district", "请选择所在地市和区县");
    }
    let address = errors.check("address", org::validate_address(&f.address));
    let legal_rep = errors.check("legal_rep", org::validate_person_name(&f.legal_rep));
    let contact_name = errors.check("contact_name", org::validate_person_name(&f.contact_name));
    let contact_phone = errors.check("contact_phone", org::validate_phone(&f.contact_phone));
    let parent = match f.parent_id.parse::<i64>().ok() {
        Some(id) => app.store.organization(id).await?,
        None => None,
    };
    let parent = parent.filter(|p| {
        p.status == OrgStatus::Approved
            && kind.is_some_and(|k| {
                org::parent_allowed(
                    k,
                    level,
                    p.kind,
                    p.level.as_deref().and_then(org::OrgLevel::from_code),
                )
            })
    });
    if parent.is_none() {
        errors.add(
            "parent_id",
            if kind == Some(OrgKind::Department) {
                "主管部门的上级应为所在地的人社局，请重新选择"
            } else {
                "请选择主管部门"
            },
        );
    }
    let (
        Some(kind),
        Some(name),
        Some(id_code),
        Some(address),
        Some(legal_rep),
        Some(contact_name),
        Some(contact_phone),
        Some(parent),
        true,
    ) = (
        kind,
        name,
        id_code,
        address,
        legal_rep,
        contact_name,
        contact_phone,
        parent,
        errors.is_empty(),
    )
    else {
        forms::abandon_once(&app, &f.form_key).await?;
        return Ok(page(&app, &user, f, errors).await?.into_response());
    };
    let new = NewOrganization {
        kind,
        level: level.map(|l| l.code().to_owned()),
        name: name.clone(),
        region_code: region.clone(),
        parent_id: Some(parent.id),
        id_kind: id_kind.map(|k| k.code().to_owned()),
        id_code: Some(id_code),
        legal_rep,
        contact_name,
        contact_phone,
        address,
        status: OrgStatus::Applied,
        registered_by: Some(user.account.id),
    };
    match app.store.create_organization(new, app.now()).await {
        Ok(id) => {
            app.store
                .add_trail(
                    "organization",
                    id,
                    "register",
                    Some(user.account.id),
                    None,
                    &format!("申请注册，主管部门：{}", parent.name),
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!(
                    "“{name}”的注册申请已提交，等待“{}”审核。审核通过后，您将成为该单位的管理员。",
                    parent.name
                ),
            );
            let location = "/organizations/register";
            forms::finish_once(&app, &f.form_key, location).await?;
            Ok(Redirect::to(location).into_response())
        }
        Err(CreateOrgError::DuplicateIdentifier) => {
            errors.add("id_code", "该统一社会信用代码（组织机构代码）已注册过单位。如需以该单位身份操作，请联系该单位的管理员为您开通。");
            forms::abandon_once(&app, &f.form_key).await?;
            Ok(page(&app, &user, f, errors).await?.into_response())
        }
        Err(CreateOrgError::Db(e)) => Err(e.into()),
    }
}
