//! Certificates (继续教育证书): a person issues the certificate of a past year with its figures
//! frozen, sees and prints it; anyone checks a certificate by its verification code on a public
//! page that shows its facts masked and whether it is still valid. A unit prints, regenerates
//! and recounts its staff's certificates, one by one or as a ZIP made in the background.

pub mod batch;
pub mod facts;
pub mod pdf;
pub mod unit;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use domain::certificate::{
    CODE_LEN, CertificateKind, CertificateState, code_from_bytes, normalise_code, number,
};
use domain::cycle::ApplicationState;
use serde::Deserialize;
use store::certificates::{Certificate, Issued, NewCertificate};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{AsSelf, CurrentUser};
use crate::clock::display_time;
use crate::error::{AppError, AppResult, error_page};
use crate::forms::{self, CsrfForm, Once, new_form_key};
use crate::layout::Chrome;
use crate::policy;
use crate::records::RuleContext;
use crate::session::Session;

pub use facts::Facts;
use facts::{Holder, YearSums};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/certificates", get(list))
        .route("/me/certificates/year", post(issue_year))
        .route("/me/certificates/cycle", post(issue_cycle))
        .route("/me/certificates/{id}", get(show))
        .route("/me/certificates/{id}/pdf", get(own_pdf))
        .route("/org/certificates", get(unit::list))
        .route("/org/certificates/print", post(unit::print))
        .route("/org/certificates/regenerate", post(unit::regenerate))
        .route("/org/certificates/recount", post(unit::recount))
        .route("/org/certificates/batch", post(batch::start))
        .route("/org/certificates/batch/{id}", get(batch::show))
        .route("/org/certificates/batch/{id}/zip", get(batch::download))
        .route("/org/certificates/{id}/pdf", get(unit::pdf))
        .route("/verify", get(verify_form).post(verify_lookup))
        .route("/verify/{code}", get(verify))
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
    form_key: String,
}

pub struct CycleLine {
    id: i64,
    years: String,
    target: String,
    certificate: Option<(i64, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/mine.html")]
pub struct MinePage {
    c: Chrome,
    years: Vec<YearLine>,
    cycles: Vec<CycleLine>,
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

fn state_view(state: CertificateState) -> (&'static str, &'static str) {
    match state {
        CertificateState::Valid => (state.label(), "badge-ok"),
        CertificateState::Superseded | CertificateState::Revoked => (state.label(), "badge-danger"),
    }
}

fn cert_line(c: &Certificate) -> CertLine {
    let (state, state_class) = state_view(c.state);
    CertLine {
        id: c.id,
        number: printed_number(c),
        year: match c.year {
            Some(y) => format!("{y}年度"),
            None => "周期验证".into(),
        },
        state,
        state_class,
        at: display_time(c.issued_at),
    }
}

/// The series name of a series code.
async fn series_name(app: &AppState, code: Option<&str>) -> AppResult<String> {
    let Some(code) = code else {
        return Ok(String::new());
    };
    Ok(app
        .store
        .series()
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .map(|s| s.name)
        .unwrap_or_default())
}

/// The ended years of a person with approved hours, with the facts a certificate of each
/// would print today and whether the year's requirement is met.
pub async fn year_facts(
    app: &AppState,
    account: &store::accounts::Account,
    cx: &RuleContext,
) -> AppResult<Vec<(Facts, bool)>> {
    let this_year = app.today().year();
    let rules = app.store.rule_sets().await?;
    let series = series_name(app, cx.series.as_deref()).await?;
    let holder = Holder {
        name: &account.real_name,
        doc_number: &account.doc_number,
        unit: &cx.unit_name,
        series: &series,
    };
    let figures = app
        .store
        .year_figures(account.id, None, cx.series.as_deref(), &cx.region_code)
        .await?;
    Ok(figures
        .into_iter()
        // A certificate proves approved hours: a year with none (only waiting ones) has none.
        .filter(|f| {
            domain::certificate::year_has_ended(f.year, this_year)
                && f.public_tenths + f.professional_tenths + f.elective_tenths > 0
        })
        .map(|f| {
            let rule = f
                .rule_id
                .and_then(|id| rules.iter().find(|r| r.id == id))
                .map(|r| r.to_domain().requirement);
            let sums = YearSums {
                year: f.year,
                public_tenths: f.public_tenths,
                professional_tenths: f.professional_tenths,
                elective_tenths: f.elective_tenths,
                public_count: f.public_count,
                professional_count: f.professional_count,
                elective_count: f.elective_count,
            };
            facts::of_year(&holder, &sums, rule.as_ref())
        })
        .collect())
}

/// The facts of one ended year with approved hours, or `None`.
pub async fn one_year(
    app: &AppState,
    account: &store::accounts::Account,
    cx: &RuleContext,
    year: i32,
) -> AppResult<Option<Facts>> {
    Ok(year_facts(app, account, cx)
        .await?
        .into_iter()
        .map(|(f, _)| f)
        .find(|f| f.year == year))
}

/// What to issue: whose certificate, of which year or cycle, the valid one it replaces (as
/// the caller saw it), and whether it recounts that one (same number, next revision).
pub struct Issue<'a> {
    pub kind: CertificateKind,
    pub account_id: i64,
    pub unit_id: i64,
    pub year: Option<i32>,
    pub cycle_id: Option<i64>,
    pub issued_by: i64,
    pub replaces: Option<&'a Certificate>,
    pub recount: bool,
}

/// Issues a certificate with a fresh verification code; `None` when the valid certificate is
/// no longer the one the caller saw (someone issued, recounted or regenerated it meanwhile).
pub async fn issue(app: &AppState, i: &Issue<'_>, facts: &Facts) -> AppResult<Option<Certificate>> {
    let facts_json = serde_json::to_string(facts)?;
    for _ in 0..5 {
        let mut bytes = [0u8; CODE_LEN];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let code = code_from_bytes(&bytes);
        let year = i.year.unwrap_or_else(|| app.today().year());
        let kind = i.kind;
        let issued = app
            .store
            .issue_certificate(
                &NewCertificate {
                    kind,
                    account_id: i.account_id,
                    unit_id: i.unit_id,
                    year: i.year,
                    cycle_id: i.cycle_id,
                    facts: &facts_json,
                    code: &code,
                    issued_by: i.issued_by,
                    replaces: i.replaces.map(|c| c.id),
                    recount_of: i
                        .replaces
                        .filter(|_| i.recount)
                        .map(|c| (c.number.as_str(), c.revision)),
                },
                |id| number(kind, year, id),
                app.now(),
            )
            .await?;
        match issued {
            Issued::Done(c) => return Ok(Some(c)),
            Issued::Raced => return Ok(None),
            Issued::CodeTaken => continue,
        }
    }
    Err(anyhow::anyhow!("no free verification code after five draws").into())
}

/// The page acted on showed another certificate than the valid one (someone changed it since).
pub const STALE_PAGE: &str =
    "证书刚刚已由他人更新，本次操作未执行；请查看列表中的当前证书后再操作。";

/// Whether the valid certificate is still the one the page showed (`shown`: its id, or empty
/// for none). Acting on another one would supersede a certificate nobody looked at.
pub fn as_seen(current: Option<&Certificate>, shown: &str) -> bool {
    let shown = shown.trim();
    match current {
        None => shown.is_empty(),
        Some(c) => shown.parse::<i64>().ok() == Some(c.id),
    }
}

/// The number as printed: a recounted certificate shows its revision.
pub fn printed_number(c: &Certificate) -> String {
    if c.revision > 1 {
        format!("{}-{}", c.number, c.revision)
    } else {
        c.number.clone()
    }
}

/// A certificate as a PDF, typeset off the request threads.
pub async fn pdf_response(app: &AppState, cert: Certificate) -> AppResult<Response> {
    if cert.state != CertificateState::Valid {
        let (state, _) = state_view(cert.state);
        return Ok(error_page(
            axum::http::StatusCode::GONE,
            "此证书已作废",
            &format!("此证书{state}，不能再打印。请打印当前有效的证书。"),
        ));
    }
    let facts: Facts =
        serde_json::from_str(&cert.facts).map_err(|e| AppError::Internal(e.into()))?;
    let printer = app.printer.clone();
    let url = app.config.public_url.clone();
    let name = printed_number(&cert);
    let made = tokio::task::spawn_blocking(move || pdf::render(&printer, &cert, &facts, &url))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    match made {
        Ok(bytes) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{name}.pdf\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            bytes,
        )
            .into_response()),
        Err(e) => {
            tracing::error!("printing certificate {name}: {e:?}");
            Ok(error_page(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "证书暂时无法打印",
                &e.to_string(),
            ))
        }
    }
}

pub async fn list(State(app): State<AppState>, AsSelf(user): AsSelf) -> AppResult<Response> {
    let issued = app.store.certificates_of(user.account.id).await?;
    let valid_of = |f: &dyn Fn(&Certificate) -> bool| {
        issued
            .iter()
            .find(|c| c.state == CertificateState::Valid && f(c))
            .map(|c| (c.id, printed_number(c)))
    };
    let years = match RuleContext::of_person(&app, user.account.id).await? {
        Some(cx) => year_facts(&app, &user.account, &cx)
            .await?
            .into_iter()
            .map(|(f, met)| YearLine {
                year: f.year,
                total: f.total,
                result: if met { "达标" } else { "未达标" },
                certificate: valid_of(&|c| c.year == Some(f.year)),
                form_key: new_form_key(),
            })
            .collect(),
        None => Vec::new(),
    };
    let cycles = app
        .store
        .cycles_of(user.account.id)
        .await?
        .into_iter()
        .filter(|c| c.state == ApplicationState::Approved)
        .map(|c| CycleLine {
            id: c.id,
            years: if c.year_from == c.year_to {
                format!("{}年", c.year_from)
            } else {
                format!("{}年—{}年", c.year_from, c.year_to)
            },
            target: c.target_qualification.clone(),
            certificate: valid_of(&|x| x.cycle_id == Some(c.id)),
        })
        .collect();
    Ok(MinePage {
        c: Chrome::for_user("继续教育证书", "/me/certificates", &user),
        years,
        cycles,
        issued: issued.iter().map(cert_line).collect(),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearForm {
    year: i32,
    form_key: String,
    /// The certificate the page showed (its id, or empty when it showed none).
    replaces: String,
}

/// Issues the certificate of a past year, with the figures of today frozen in it; the valid
/// certificate of that year, if any, is superseded. Once per form, however often it is sent.
pub async fn issue_year(
    State(app): State<AppState>,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<YearForm>,
) -> AppResult<Response> {
    let back = Redirect::to("/me/certificates").into_response();
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let Some(cx) = RuleContext::of_person(&app, user.account.id).await? else {
        forms::abandon_once(&app, &f.form_key).await?;
        user.session
            .flash("error", "请先绑定工作单位并经单位确认后再生成证书。");
        return Ok(back);
    };
    let Some(facts) = one_year(&app, &user.account, &cx, f.year).await? else {
        forms::abandon_once(&app, &f.form_key).await?;
        user.session.flash(
            "error",
            "该年度没有已审核通过的学时，或年度尚未结束，不能生成证书。",
        );
        return Ok(back);
    };
    let current = app
        .store
        .valid_certificate(user.account.id, CertificateKind::Year, Some(f.year), None)
        .await?;
    if !as_seen(current.as_ref(), &f.replaces) {
        let to = issued_to(&user, None);
        forms::finish_once(&app, &f.form_key, &to).await?;
        return Ok(Redirect::to(&to).into_response());
    }
    let made = issue(
        &app,
        &Issue {
            kind: CertificateKind::Year,
            account_id: user.account.id,
            unit_id: cx.unit_id,
            year: Some(f.year),
            cycle_id: None,
            issued_by: user.account.id,
            replaces: current.as_ref(),
            recount: false,
        },
        &facts,
    )
    .await?;
    let to = issued_to(&user, made);
    forms::finish_once(&app, &f.form_key, &to).await?;
    Ok(Redirect::to(&to).into_response())
}

/// After an issue: the new certificate, or the list when the valid one changed meanwhile.
fn issued_to(user: &CurrentUser, made: Option<Certificate>) -> String {
    match made {
        Some(cert) => {
            user.session
                .flash("success", format!("已生成证书 {}。", printed_number(&cert)));
            format!("/me/certificates/{}", cert.id)
        }
        None => {
            user.session.flash("error", STALE_PAGE);
            "/me/certificates".to_owned()
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CycleForm {
    cycle: i64,
}

/// Issues the certificate of an approved cycle verification, with the figures it was approved
/// on; those never change, so an issued one is shown rather than issued again.
pub async fn issue_cycle(
    State(app): State<AppState>,
    ip: ClientIp,
    AsSelf(user): AsSelf,
    CsrfForm(f): CsrfForm<CycleForm>,
) -> AppResult<Response> {
    let c = match app.store.cycle(f.cycle).await? {
        Some(c) if c.account_id == user.account.id => c,
        _ => {
            return Err(
                policy::deny(&app, &user, &ip, &format!("他人的周期验证 {}", f.cycle)).await,
            );
        }
    };
    if c.state != ApplicationState::Approved {
        user.session
            .flash("error", "周期验证审核通过后才能生成证书。");
        return Ok(Redirect::to("/me/certificates").into_response());
    }
    let kind = CertificateKind::Cycle;
    if let Some(held) = app
        .store
        .valid_certificate(c.account_id, kind, None, Some(c.id))
        .await?
    {
        return Ok(Redirect::to(&format!("/me/certificates/{}", held.id)).into_response());
    }
    let facts = cycle_facts(&app, &c).await?;
    let made = issue(
        &app,
        &Issue {
            kind,
            account_id: c.account_id,
            unit_id: c.unit_id,
            year: None,
            cycle_id: Some(c.id),
            issued_by: user.account.id,
            replaces: None,
            recount: false,
        },
        &facts,
    )
    .await?;
    let to = match made {
        Some(cert) => {
            user.session
                .flash("success", format!("已生成证书 {}。", printed_number(&cert)));
            format!("/me/certificates/{}", cert.id)
        }
        // A twin click issued it a moment ago.
        None => match app
            .store
            .valid_certificate(c.account_id, kind, None, Some(c.id))
            .await?
        {
            Some(held) => format!("/me/certificates/{}", held.id),
            None => "/me/certificates".to_owned(),
        },
    };
    Ok(Redirect::to(&to).into_response())
}

/// The facts of an approved cycle verification, from the figures frozen at its submission.
pub async fn cycle_facts(app: &AppState, c: &store::cycles::Cycle) -> AppResult<Facts> {
    let result: domain::cycle::CycleResult =
        serde_json::from_str(&c.frozen).map_err(|e| AppError::Internal(e.into()))?;
    let series = series_name(app, Some(&c.series_code)).await?;
    // Each level's reason for approving a short cycle, from the trail since the last submission.
    let trail = app.store.cycle_trail(c.id).await?;
    let since = trail
        .iter()
        .rposition(|t| t.step == "submit" || t.step == "resubmit")
        .unwrap_or(0);
    let special: Vec<String> = trail
        .iter()
        .skip(since)
        .filter(|t| t.step == "decide" && t.result == domain::cycle::SPECIAL_APPROVAL)
        .map(|t| match &t.org_name {
            Some(org) => format!("{org}：{}", t.opinion),
            None => t.opinion.clone(),
        })
        .collect();
    Ok(facts::of_cycle(
        &Holder {
            name: &c.real_name,
            doc_number: &c.doc_number,
            unit: &c.unit_name,
            series: &series,
        },
        &result,
        Some(c.promotion),
        &c.target_qualification,
        c.state == ApplicationState::Approved,
        c.applied_on,
        &special,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/show.html")]
pub struct ShowPage {
    c: Chrome,
    kind: &'static str,
    cycle: bool,
    number: String,
    code: String,
    f: Facts,
    state: &'static str,
    state_class: &'static str,
    valid: bool,
    issued: String,
    verify_path: String,
    pdf_path: String,
    back: &'static str,
}

impl ShowPage {
    fn of(c: Chrome, cert: Certificate, pdf_path: String, back: &'static str) -> ShowPage {
        let (state, state_class) = state_view(cert.state);
        ShowPage {
            c,
            kind: cert.kind.label(),
            cycle: cert.kind == CertificateKind::Cycle,
            f: serde_json::from_str(&cert.facts).unwrap_or_default(),
            number: printed_number(&cert),
            verify_path: format!("/verify/{}", cert.code),
            code: cert.code,
            state,
            state_class,
            valid: cert.state == CertificateState::Valid,
            issued: crate::clock::shanghai_date(cert.issued_at)
                .format("%Y-%m-%d")
                .to_string(),
            pdf_path,
            back,
        }
    }
}

/// A certificate of the signed-in person, or a refusal that looks like a missing page.
async fn own(app: &AppState, ip: &ClientIp, user: &CurrentUser, id: i64) -> AppResult<Certificate> {
    match app.store.certificate(id).await? {
        Some(c) if user.acting.is_none() && c.account_id == user.account.id => Ok(c),
        _ => Err(policy::deny(app, user, ip, &format!("查看他人的证书 {id}")).await),
    }
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cert = own(&app, &ip, &user, id).await?;
    Ok(ShowPage::of(
        Chrome::for_user("继续教育证书", "/me/certificates", &user),
        cert,
        format!("/me/certificates/{id}/pdf"),
        "/me/certificates",
    )
    .into_response())
}

pub async fn own_pdf(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cert = own(&app, &ip, &user, id).await?;
    pdf_response(&app, cert).await
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
    cycle: bool,
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
    let (state, state_class) = state_view(cert.state);
    Ok(VerifyPage {
        c: Chrome::public("证书验证", &session),
        code: cert.code.clone(),
        found: Some(Found {
            kind: cert.kind.label(),
            number: printed_number(&cert),
            cycle: cert.kind == CertificateKind::Cycle,
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
