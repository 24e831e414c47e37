//! Certificates (继续教育证书): a person issues the certificate of a past year with its figures
//! frozen, sees and prints it; anyone checks a certificate by its verification code on a public
//! page that shows its facts masked and whether it is still valid.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use domain::certificate::{
    CODE_LEN, CertificateKind, CertificateState, code_from_bytes, normalise_code, number,
};
use domain::hours::Hours;
use domain::identity::mask;
use domain::verification::{Completed, annual_check};
use serde::{Deserialize, Serialize};
use store::certificates::{Certificate, NewCertificate};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::clock::display_time;
use crate::error::{AppError, AppResult, error_page};
use crate::forms::CsrfForm;
use crate::layout::Chrome;
use crate::policy;
use crate::records::RuleContext;
use crate::session::Session;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/certificates", get(list))
        .route("/me/certificates/year", post(issue_year))
        .route("/me/certificates/{id}", get(show))
        .route("/verify", get(verify_form).post(verify_lookup))
        .route("/verify/{code}", get(verify))
}

/// What a certificate printed, frozen when it was issued.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct Facts {
    pub name: String,
    pub doc_masked: String,
    pub unit: String,
    pub series: String,
    pub year: i32,
    pub public: String,
    pub professional: String,
    pub elective: String,
    pub total: String,
    pub required: String,
    pub result: String,
}

/// A name as a public page shows it: the family name and a star per other character.
fn masked_name(name: &str) -> String {
    name.chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect()
}

pub struct YearLine {
    year: i32,
    total: String,
    result: &'static str,
    certificate: Option<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/mine.html")]
pub struct MinePage {
    c: Chrome,
    years: Vec<YearLine>,
    issued: Vec<CertLine>,
}

pub struct CertLine {
    id: i64,
    number: String,
    year: String,
    state: &'static str,
    state_class: &'static str,
    at: String,
}

fn state_view(code: &str) -> (&'static str, &'static str) {
    match CertificateState::from_code(code) {
        Some(s @ CertificateState::Valid) => (s.label(), "badge-ok"),
        Some(s) => (s.label(), "badge-danger"),
        None => ("", "badge-muted"),
    }
}

fn cert_line(c: &Certificate) -> CertLine {
    let (state, state_class) = state_view(&c.state);
    CertLine {
        id: c.id,
        number: c.number.clone(),
        year: c.year.map(|y| y.to_string()).unwrap_or_default(),
        state,
        state_class,
        at: display_time(c.issued_at),
    }
}

/// The past years of a person with approved hours, with their figures checked against the
/// year's rule set.
async fn year_facts(
    app: &AppState,
    user: &CurrentUser,
    cx: &RuleContext,
) -> AppResult<Vec<(Facts, bool)>> {
    let this_year = app.today().year();
    let rules = app.store.rule_sets().await?;
    let series = app.store.series().await?;
    let series_name = cx
        .series
        .as_deref()
        .and_then(|c| series.iter().find(|s| s.code == c))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let figures = app
        .store
        .year_figures(user.account.id, None, cx.series.as_deref(), &cx.region_code)
        .await?;
    Ok(figures
        .into_iter()
        .filter(|f| domain::certificate::year_has_ended(f.year, this_year))
        .map(|f| {
            let done = Completed {
                public: Hours::from_tenths(f.public_tenths),
                professional: Hours::from_tenths(f.professional_tenths),
                elective: Hours::from_tenths(f.elective_tenths),
            };
            let rule = f.rule_id.and_then(|id| rules.iter().find(|r| r.id == id));
            let checked = rule.map(|r| annual_check(&r.to_domain().requirement, &done));
            let met = checked.as_ref().is_some_and(|c| c.met);
            (
                Facts {
                    name: user.account.real_name.clone(),
                    doc_masked: mask(&user.account.doc_number),
                    unit: cx.unit_name.clone(),
                    series: series_name.clone(),
                    year: f.year,
                    public: done.public.to_string(),
                    professional: done.professional.to_string(),
                    elective: done.elective.to_string(),
                    total: (done.public + done.professional + done.elective).to_string(),
                    required: checked
                        .as_ref()
                        .map(|c| c.required.total.to_string())
                        .unwrap_or_else(|| "无验证规则".into()),
                    result: match &checked {
                        Some(c) if c.met => "达标".into(),
                        Some(_) => "未达标".into(),
                        None => "无验证规则".into(),
                    },
                },
                met,
            )
        })
        .collect())
}

pub async fn list(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let issued = app.store.certificates_of(user.account.id).await?;
    let years = match RuleContext::of_person(&app, user.account.id).await? {
        Some(cx) => year_facts(&app, &user, &cx)
            .await?
            .into_iter()
            .map(|(f, met)| YearLine {
                year: f.year,
                total: f.total,
                result: if met { "达标" } else { "未达标" },
                certificate: issued
                    .iter()
                    .find(|c| c.year == Some(f.year) && c.state == "valid")
                    .map(|c| (c.id, c.number.clone())),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(MinePage {
        c: Chrome::for_user("继续教育证书", "/me/certificates", &user),
        years,
        issued: issued.iter().map(cert_line).collect(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearForm {
    year: i32,
}

/// Issues the certificate of a past year, with the figures of today frozen in it; a certificate
/// issued before for that year is superseded.
pub async fn issue_year(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<YearForm>,
) -> AppResult<Response> {
    let back = Redirect::to("/me/certificates").into_response();
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        user.session
            .flash("error", "请先绑定工作单位并经单位确认后再生成证书。");
        return Ok(back);
    };
    let wanted = f.year;
    let Some((facts, _)) = year_facts(&app, &user, &cx)
        .await?
        .into_iter()
        .find(|(facts, _)| facts.year == wanted)
    else {
        user.session.flash(
            "error",
            "该年度没有已审核通过的学时，或年度尚未结束，不能生成证书。",
        );
        return Ok(back);
    };
    let facts_json = serde_json::to_string(&facts)?;
    for _ in 0..5 {
        let mut bytes = [0u8; CODE_LEN];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let code = code_from_bytes(&bytes);
        let year = facts.year;
        if let Some(cert) = app
            .store
            .issue_certificate(
                &NewCertificate {
                    kind: CertificateKind::Year.code(),
                    account_id: user.account.id,
                    unit_id: cx.unit_id,
                    year: Some(year),
                    cycle_id: None,
                    facts: &facts_json,
                    code: &code,
                    issued_by: user.account.id,
                },
                |id| number(CertificateKind::Year, year, id),
                app.now(),
            )
            .await?
        {
            user.session
                .flash("success", format!("已生成证书 {}。", cert.number));
            return Ok(Redirect::to(&format!("/me/certificates/{}", cert.id)).into_response());
        }
    }
    Err(anyhow::anyhow!("no free verification code after five draws").into())
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/show.html")]
pub struct ShowPage {
    c: Chrome,
    kind: &'static str,
    number: String,
    code: String,
    f: Facts,
    state: &'static str,
    state_class: &'static str,
    valid: bool,
    issued: String,
    verify_path: String,
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cert = match app.store.certificate(id).await? {
        Some(c) if user.acting.is_none() && c.account_id == user.account.id => c,
        _ => return Err(policy::deny(&app, &user, &ip, &format!("查看他人的证书 {id}")).await),
    };
    let (state, state_class) = state_view(&cert.state);
    Ok(ShowPage {
        c: Chrome::for_user("继续教育证书", "/me/certificates", &user),
        kind: CertificateKind::from_code(&cert.kind)
            .map(|k| k.label())
            .unwrap_or(""),
        f: serde_json::from_str(&cert.facts).unwrap_or_default(),
        number: cert.number,
        verify_path: format!("/verify/{}", cert.code),
        code: cert.code,
        state,
        state_class,
        valid: cert.state == "valid",
        issued: crate::clock::shanghai_date(cert.issued_at)
            .format("%Y-%m-%d")
            .to_string(),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/verify.html")]
pub struct VerifyPage {
    c: Chrome,
    code: String,
    found: Option<Found>,
}

pub struct Found {
    kind: &'static str,
    number: String,
    name: String,
    f: Facts,
    state: &'static str,
    state_class: &'static str,
    issued: String,
}

pub async fn verify_form(session: Session) -> Response {
    VerifyPage {
        c: Chrome::public("证书验证", &session),
        code: String::new(),
        found: None,
    }
    .into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

pub async fn verify_lookup(CsrfForm(f): CsrfForm<CodeForm>) -> Response {
    let code = normalise_code(&f.code).unwrap_or_else(|| "INVALID".into());
    Redirect::to(&format!("/verify/{}", crate::auth::urlencode(&code))).into_response()
}

/// The public page of a certificate: its facts masked, and whether it is valid. A code that
/// is malformed or unknown gets the same answer, so codes cannot be probed for their shape.
pub async fn verify(
    State(app): State<AppState>,
    session: Session,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let cert = match normalise_code(&code) {
        Some(c) => app.store.certificate_by_code(&c).await?,
        None => None,
    };
    let Some(cert) = cert else {
        return Ok(error_page(
            axum::http::StatusCode::NOT_FOUND,
            "未找到该证书",
            "没有与这个验证码对应的证书。请核对证书上的验证码（12位字母和数字）后重新输入。",
        ));
    };
    let f: Facts = serde_json::from_str(&cert.facts).map_err(|e| AppError::Internal(e.into()))?;
    let (state, state_class) = state_view(&cert.state);
    Ok(VerifyPage {
        c: Chrome::public("证书验证", &session),
        code: cert.code.clone(),
        found: Some(Found {
            kind: CertificateKind::from_code(&cert.kind)
                .map(|k| k.label())
                .unwrap_or(""),
            number: cert.number,
            name: masked_name(&f.name),
            state,
            state_class,
            issued: crate::clock::shanghai_date(cert.issued_at)
                .format("%Y-%m-%d")
                .to_string(),
            f,
        }),
    }
    .into_response())
}
