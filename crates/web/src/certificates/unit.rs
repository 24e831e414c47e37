//! 继续教育证书打印 of a unit: its staff for a year with today's figures and their valid
//! certificate; print one (issued on first print), regenerate it under a new number (新号),
//! or recount it (重新统计: same number, next revision), and print all as one ZIP.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use domain::certificate::{CertificateKind, printable_year};
use domain::identity::mask;
use domain::policy::Action;
use serde::Deserialize;
use store::certificates::{Certificate, StaffCertificateRow};
use store::records::StaffYearFilter;

use super::facts::{self, Facts, Holder, YearSums};
use super::{Issue, STALE_PAGE, as_seen, issue, one_year, pdf_response, printed_number};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::{Acting, CurrentUser};
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, Once, new_form_key};
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::policy;
use crate::records::RuleContext;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    year: String,
    name: String,
    page: u64,
}

/// The year a unit's list starts at: last year, the latest that has ended.
pub fn default_year(app: &AppState) -> i32 {
    app.today().year() - 1
}

/// The year asked for, when it has ended; otherwise last year.
fn ended_year(app: &AppState, asked: &str) -> i32 {
    printable_year(asked, app.today().year()).unwrap_or_else(|| default_year(app))
}

pub struct Line {
    account: i64,
    name: String,
    doc: String,
    series: String,
    public_count: i64,
    public: String,
    professional_count: i64,
    professional: String,
    elective_count: i64,
    elective: String,
    total: String,
    result: String,
    result_class: &'static str,
    has_hours: bool,
    certificate: Option<(i64, String)>,
    /// The certificate printed other figures than today's: recount or regenerate it.
    stale: bool,
    print_key: String,
    regenerate_key: String,
    recount_key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/unit.html")]
pub struct ListPage {
    c: Chrome,
    q: ListQuery,
    year: i32,
    lines: Vec<Line>,
    pager: Pager,
    batch_key: String,
    batches: Vec<super::batch::BatchLine>,
}

pub async fn list(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let year = ended_year(&app, &q.year);
    let page = app
        .store
        .staff_certificates(
            &StaffYearFilter {
                within: acting.org.id,
                year,
                result: None,
                name: Some(q.name.clone()),
                page: q.page,
                per_page: 20,
            },
            false,
        )
        .await?;
    let held: Vec<i64> = page.items.iter().filter_map(|r| r.certificate_id).collect();
    let certificates = app.store.certificates_by_ids(&held).await?;
    let lines = lines(&app, &page.items, &certificates).await?;
    let query = serde_urlencoded::to_string([("year", year.to_string()), ("name", q.name.clone())])
        .unwrap_or_default();
    Ok(ListPage {
        c: Chrome::for_user("继续教育证书打印", "/org/certificates", &user),
        pager: Pager::new(&page, "/org/certificates", &query),
        year,
        lines,
        batch_key: new_form_key(),
        batches: super::batch::recent(&app, acting.org.id).await?,
        q,
    }
    .into_response())
}

/// Today's facts of a page of rows, each with its certificate (and whether that printed
/// other figures).
pub async fn lines(
    app: &AppState,
    rows: &[StaffCertificateRow],
    certificates: &[Certificate],
) -> AppResult<Vec<Line>> {
    let rules = app.store.rule_sets().await?;
    let series = app.store.series().await?;
    Ok(rows
        .iter()
        .map(|r| {
            let (facts, met) = row_facts(r, 0, &rules, &series);
            let cert = r
                .certificate_id
                .and_then(|id| certificates.iter().find(|c| c.id == id));
            let stale = cert.is_some_and(|c| {
                serde_json::from_str::<Facts>(&c.facts).is_ok_and(|old| old.figures_differ(&facts))
            });
            Line {
                account: r.account_id,
                name: r.real_name.clone(),
                doc: mask(&r.doc_number),
                series: facts.series.clone(),
                public_count: r.public_count,
                public: facts.public.clone(),
                professional_count: r.professional_count,
                professional: facts.professional.clone(),
                elective_count: r.elective_count,
                elective: facts.elective.clone(),
                total: facts.total.clone(),
                result_class: if met { "badge-ok" } else { "badge-warn" },
                result: facts.result,
                has_hours: r.public_tenths + r.professional_tenths + r.elective_tenths > 0,
                certificate: cert.map(|c| (c.id, printed_number(c))),
                stale,
                print_key: new_form_key(),
                regenerate_key: new_form_key(),
                recount_key: new_form_key(),
            }
        })
        .collect())
}

/// A row's facts as a certificate would print them today.
pub fn row_facts(
    r: &StaffCertificateRow,
    year: i32,
    rules: &[store::records::RuleSetRow],
    series: &[store::reference::Named],
) -> (Facts, bool) {
    let series_name = r
        .series_code
        .as_deref()
        .and_then(|c| series.iter().find(|s| s.code == c))
        .map(|s| s.name.as_str())
        .unwrap_or("");
    let rule = r
        .rule_id
        .and_then(|id| rules.iter().find(|x| x.id == id))
        .map(|x| x.to_domain().requirement);
    facts::of_year(
        &Holder {
            name: &r.real_name,
            doc_number: &r.doc_number,
            unit: &r.unit_name,
            series: series_name,
        },
        &YearSums {
            year,
            public_tenths: r.public_tenths,
            professional_tenths: r.professional_tenths,
            elective_tenths: r.elective_tenths,
            public_count: r.public_count,
            professional_count: r.professional_count,
            elective_count: r.elective_count,
        },
        rule.as_ref(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StaffForm {
    account: i64,
    year: String,
    form_key: String,
    /// The certificate the page showed (its id, or empty when it showed none).
    replaces: String,
}

/// A member of the acting unit's staff (its subtree) and their employer, or a refusal.
async fn staff_member(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    acting: &Acting,
    account: i64,
) -> AppResult<(store::accounts::Account, RuleContext)> {
    let cx = RuleContext::of_person(app, account).await?;
    let person = app.store.account(account).await?;
    match (person, cx) {
        (Some(p), Some(cx)) if app.store.org_reaches(acting.org.id, cx.unit_id).await? => {
            Ok((p, cx))
        }
        _ => Err(policy::deny(app, user, ip, &format!("打印非本单位人员的证书 {account}")).await),
    }
}

fn back(year: i32) -> String {
    format!("/org/certificates?year={year}")
}

/// 打印: the valid certificate of the year, issued now when there is none.
pub async fn print(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<StaffForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let (person, cx) = staff_member(&app, &ip, &user, acting, f.account).await?;
    let year = match posted_year(&app, &user, &f.year) {
        Ok(y) => y,
        Err(r) => return Ok(*r),
    };
    let kind = CertificateKind::Year;
    if let Some(c) = app
        .store
        .valid_certificate(person.id, kind, Some(year), None)
        .await?
    {
        return Ok(Redirect::to(&format!("/org/certificates/{}/pdf", c.id)).into_response());
    }
    let Some(facts) = one_year(&app, &person, &cx, year).await? else {
        return Ok(no_hours(&user, &person, year));
    };
    let made = issue(
        &app,
        &year_issue(&person, &cx, year, &user, None, false),
        &facts,
    )
    .await?;
    let cert = match made {
        Some(c) => c,
        // A twin click issued it a moment ago: print that one.
        None => match app
            .store
            .valid_certificate(person.id, kind, Some(year), None)
            .await?
        {
            Some(c) => c,
            None => return Ok(Redirect::to(&back(year)).into_response()),
        },
    };
    Ok(Redirect::to(&format!("/org/certificates/{}/pdf", cert.id)).into_response())
}

fn year_issue<'a>(
    person: &store::accounts::Account,
    cx: &RuleContext,
    year: i32,
    user: &CurrentUser,
    replaces: Option<&'a Certificate>,
    recount: bool,
) -> Issue<'a> {
    Issue {
        kind: CertificateKind::Year,
        account_id: person.id,
        unit_id: cx.unit_id,
        year: Some(year),
        cycle_id: None,
        issued_by: user.account.id,
        replaces,
        recount,
    }
}

/// The year a form names, when it has ended; otherwise the list again with a message, since
/// acting on another year than the one asked for would print the wrong certificate.
pub(super) fn posted_year(
    app: &AppState,
    user: &CurrentUser,
    asked: &str,
) -> Result<i32, Box<Response>> {
    match printable_year(asked, app.today().year()) {
        Some(y) => Ok(y),
        None => {
            user.session.flash(
                "error",
                format!(
                    "培训年度“{}”有误：只能打印已结束的年度（{}年及以前）的证书。",
                    asked.trim(),
                    default_year(app)
                ),
            );
            Err(Box::new(Redirect::to("/org/certificates").into_response()))
        }
    }
}

fn no_hours(user: &CurrentUser, person: &store::accounts::Account, year: i32) -> Response {
    user.session.flash(
        "error",
        format!(
            "{}在{year}年度没有审核通过的学时，不能生成证书。",
            person.real_name
        ),
    );
    Redirect::to(&back(year)).into_response()
}

/// 重新生成证书 (新号): a new certificate with today's figures under a new number; the old
/// one is superseded. Once per form, however often it is clicked.
pub async fn regenerate(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<StaffForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let (person, cx) = staff_member(&app, &ip, &user, acting, f.account).await?;
    let year = match posted_year(&app, &user, &f.year) {
        Ok(y) => y,
        Err(r) => return Ok(*r),
    };
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let Some(facts) = one_year(&app, &person, &cx, year).await? else {
        forms::abandon_once(&app, &f.form_key).await?;
        return Ok(no_hours(&user, &person, year));
    };
    let current = app
        .store
        .valid_certificate(person.id, CertificateKind::Year, Some(year), None)
        .await?;
    let made = if as_seen(current.as_ref(), &f.replaces) {
        issue(
            &app,
            &year_issue(&person, &cx, year, &user, current.as_ref(), false),
            &facts,
        )
        .await?
    } else {
        None
    };
    match made {
        Some(c) => user.session.flash(
            "success",
            format!(
                "已为{}重新生成{year}年度证书，新编号 {}，原证书已作废。",
                person.real_name,
                printed_number(&c)
            ),
        ),
        None => user.session.flash("error", STALE_PAGE),
    }
    let to = back(year);
    forms::finish_once(&app, &f.form_key, &to).await?;
    Ok(Redirect::to(&to).into_response())
}

/// 重新统计: the certificate's figures recounted from today's records. The number stays; the
/// recount is its next revision under a new verification code, the old revision superseded.
pub async fn recount(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<StaffForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let (person, cx) = staff_member(&app, &ip, &user, acting, f.account).await?;
    let year = match posted_year(&app, &user, &f.year) {
        Ok(y) => y,
        Err(r) => return Ok(*r),
    };
    let to = back(year);
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let kind = CertificateKind::Year;
    let current = app
        .store
        .valid_certificate(person.id, kind, Some(year), None)
        .await?;
    let facts = one_year(&app, &person, &cx, year).await?;
    let message = match (current, facts) {
        (None, _) => (
            "error",
            format!("{}的{year}年度证书尚未生成，请先打印。", person.real_name),
        ),
        (Some(_), None) => (
            "error",
            format!(
                "{}在{year}年度已没有审核通过的学时，证书无法重新统计。",
                person.real_name
            ),
        ),
        (Some(old), _) if !as_seen(Some(&old), &f.replaces) => ("error", STALE_PAGE.to_owned()),
        (Some(old), Some(new)) => {
            let printed: Facts = serde_json::from_str(&old.facts).unwrap_or_default();
            if !printed.figures_differ(&new) {
                (
                    "success",
                    format!(
                        "{}的{year}年度学时没有变化，证书 {} 无需更新。",
                        person.real_name,
                        printed_number(&old)
                    ),
                )
            } else {
                let made = issue(
                    &app,
                    &year_issue(&person, &cx, year, &user, Some(&old), true),
                    &new,
                )
                .await?;
                match made {
                    Some(c) => (
                        "success",
                        format!(
                            "已重新统计{}的{year}年度学时：合计 {} 学时，证书 {}（原版本已作废）。",
                            person.real_name,
                            new.total,
                            printed_number(&c)
                        ),
                    ),
                    None => ("error", STALE_PAGE.to_owned()),
                }
            }
        }
    };
    user.session.flash(message.0, message.1);
    forms::finish_once(&app, &f.form_key, &to).await?;
    Ok(Redirect::to(&to).into_response())
}

/// A certificate of the unit's staff as a PDF.
pub async fn pdf(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let Some(cert) = app.store.certificate(id).await? else {
        return Err(policy::deny(&app, &user, &ip, &format!("打印证书 {id}")).await);
    };
    // Only the person's employer of now prints: a unit the person left sees their
    // certificates no more, whichever unit issued them.
    let employs = match RuleContext::of_person(&app, cert.account_id).await? {
        Some(cx) => app.store.org_reaches(acting.org.id, cx.unit_id).await?,
        None => false,
    };
    if !employs {
        return Err(policy::deny(&app, &user, &ip, &format!("打印非本单位人员的证书 {id}")).await);
    }
    pdf_response(&app, cert).await
}
