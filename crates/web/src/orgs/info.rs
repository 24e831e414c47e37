//! The organisation's own information (单位信息维护): everyone acting for it sees it;
//! its administrator corrects the contact details and the unit information of the manual
//! (e-mail, postcode, 职能简介, 单位性质, 隶属关系) without review. The name, the identifier
//! and the supervising department change only through their own procedures.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::org::{self, OrgLevel};
use domain::policy::{Action, permits};
use domain::unit_info::{self, Affiliation, Nature};
use serde::Deserialize;

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::policy;
use domain::org::OrgStatus;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct InfoForm {
    legal_rep: String,
    contact_name: String,
    contact_phone: String,
    address: String,
    email: String,
    postcode: String,
    functions: String,
    nature: String,
    affiliation: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orgs/info.html")]
pub struct InfoPage {
    c: Chrome,
    facts: Vec<(&'static str, String)>,
    can_edit: bool,
    f: InfoForm,
    errors: FieldErrors,
    pending: Option<(String, String)>,
    supervisors: Vec<(i64, String)>,
    natures: Vec<(&'static str, &'static str)>,
    affiliations: Vec<(&'static str, &'static str)>,
    functions_max: usize,
}

impl InfoPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}

async fn page(
    app: &AppState,
    user: &CurrentUser,
    f: Option<InfoForm>,
    errors: FieldErrors,
) -> AppResult<InfoPage> {
    let Some(a) = &user.acting else {
        return Err(crate::error::AppError::NotFound);
    };
    let o = &a.org;
    let kind = o.kind.label();
    let level = o
        .level
        .as_deref()
        .and_then(OrgLevel::from_code)
        .map(|l| l.label())
        .unwrap_or("");
    let facts = vec![
        ("单位名称", o.name.clone()),
        (
            "类型",
            format!(
                "{kind}{}",
                if level.is_empty() {
                    String::new()
                } else {
                    format!("（{level}）")
                }
            ),
        ),
        ("代码", o.id_code.clone().unwrap_or_else(|| "—".into())),
        ("所在地", o.region_name.clone().unwrap_or_default()),
        (
            "主管部门（上级单位）",
            o.parent_name.clone().unwrap_or_else(|| "—".into()),
        ),
        ("您的角色", a.roles.labels()),
    ];
    let pending = match o.pending_parent_id {
        Some(p) => app
            .store
            .organization(p)
            .await?
            .map(|p| (p.name, o.pending_reason.clone())),
        None => None,
    };
    // The supervisors a unit of this city may choose, as at registration.
    let city = format!("{}00", o.region_code.get(..4).unwrap_or("4401"));
    let supervisors = app
        .store
        .supervisors_in_city(&city)
        .await?
        .into_iter()
        .filter(|p| Some(p.id) != o.parent_id && p.id != o.id)
        .map(|p| (p.id, p.name))
        .collect();
    Ok(InfoPage {
        c: Chrome::for_user("单位信息", "/org/info", user),
        pending,
        supervisors,
        natures: Nature::ALL.iter().map(|n| (n.code(), n.label())).collect(),
        affiliations: Affiliation::ALL
            .iter()
            .map(|a| (a.code(), a.label()))
            .collect(),
        functions_max: unit_info::FUNCTIONS_MAX,
        facts,
        can_edit: permits(a.kind, a.roles, Action::EditOrgInfo),
        f: f.unwrap_or_else(|| InfoForm {
            legal_rep: o.legal_rep.clone(),
            contact_name: o.contact_name.clone(),
            contact_phone: o.contact_phone.clone(),
            address: o.address.clone(),
            email: o.email.clone(),
            postcode: o.postcode.clone(),
            functions: o.functions.clone(),
            nature: o.nature.clone(),
            affiliation: o.affiliation.clone(),
        }),
        errors,
    })
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    if user.acting.is_none() {
        return Err(policy::deny(&app, &user, &ip, "以本人身份查看单位信息").await);
    }
    Ok(page(&app, &user, None, FieldErrors::default())
        .await?
        .into_response())
}

pub async fn update(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<InfoForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::EditOrgInfo).await?;
    let mut errors = FieldErrors::default();
    let legal_rep = errors.check("legal_rep", org::validate_person_name(&f.legal_rep));
    let contact_name = errors.check("contact_name", org::validate_person_name(&f.contact_name));
    let contact_phone = errors.check("contact_phone", org::validate_phone(&f.contact_phone));
    let address = errors.check("address", org::validate_address(&f.address));
    let email = errors.check("email", unit_info::validate_email(&f.email));
    let postcode = errors.check("postcode", unit_info::validate_postcode(&f.postcode));
    let functions = errors.check("functions", unit_info::validate_functions(&f.functions));
    let nature = errors.check("nature", unit_info::validate_nature(&f.nature));
    let affiliation = errors.check(
        "affiliation",
        unit_info::validate_affiliation(&f.affiliation),
    );
    let (
        Some(legal_rep),
        Some(contact_name),
        Some(contact_phone),
        Some(address),
        Some(email),
        Some(postcode),
        Some(functions),
        Some(nature),
        Some(affiliation),
    ) = (
        legal_rep,
        contact_name,
        contact_phone,
        address,
        email,
        postcode,
        functions,
        nature,
        affiliation,
    )
    else {
        return Ok(page(&app, &user, Some(f), errors).await?.into_response());
    };
    app.store
        .update_organization_contact(
            acting.org.id,
            &store::organizations::OrgContact {
                legal_rep,
                contact_name,
                contact_phone,
                address,
                email,
                postcode,
                functions,
                nature,
                affiliation,
            },
        )
        .await?;
    app.store
        .add_trail(
            "organization",
            acting.org.id,
            "edit",
            Some(user.account.id),
            Some(acting.org.id),
            "修改单位信息",
            app.now(),
        )
        .await?;
    user.session.flash("success", "单位信息已保存。");
    Ok(Redirect::to("/org/info").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    parent_id: String,
    reason: String,
}

/// Asks the chosen supervisor to take the organisation under it (变更主管部门).
pub async fn request_move(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::EditOrgInfo).await?;
    let o = &acting.org;
    let target = match f.parent_id.parse::<i64>() {
        Ok(id) => app
            .store
            .organization(id)
            .await?
            .filter(|p| p.status == OrgStatus::Approved),
        Err(_) => None,
    };
    let back = Redirect::to("/org/info").into_response();
    let Some(target) = target else {
        user.session.flash("error", "请选择新的主管部门。");
        return Ok(back);
    };
    let fits = org::parent_allowed(
        acting.kind,
        o.level.as_deref().and_then(OrgLevel::from_code),
        target.kind,
        target.level.as_deref().and_then(OrgLevel::from_code),
    );
    if let Err(e) = org::may_request_move(
        o.parent_id,
        target.id,
        o.pending_parent_id.is_some(),
        fits,
        f.reason.trim(),
    ) {
        user.session.flash("error", e.to_string());
        return Ok(back);
    }
    match app
        .store
        .request_move(o.id, target.id, f.reason.trim())
        .await
    {
        Ok(()) => {
            app.store
                .add_trail(
                    "organization",
                    o.id,
                    "move_request",
                    Some(user.account.id),
                    Some(o.id),
                    &format!("申请变更主管部门为{}：{}", target.name, f.reason.trim()),
                    app.now(),
                )
                .await?;
            user.session.flash(
                "success",
                format!(
                    "变更主管部门的申请已提交，等待“{}”审核。审核通过前，原主管部门不变。",
                    target.name
                ),
            );
        }
        Err(store::ChangeError::Conflict) => user
            .session
            .flash("error", "已有一个变更主管部门的申请正在审核。"),
        Err(store::ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(back)
}
