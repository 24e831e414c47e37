//! 批量打印: a unit's certificates of a year as one ZIP, made by a background job. Staff with
//! approved hours and no valid certificate get one issued; those with one get theirs printed
//! as it was issued. The ZIP goes to the file store and is downloaded from the job's page.

use std::io::Write;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::job::JobState;
use domain::policy::Action;
use serde::{Deserialize, Serialize};
use store::jobs::Job;
use store::records::StaffYearFilter;

use super::{Facts, Issue, issue, pdf, printed_number};
use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::clock::display_time;
use crate::error::{AppError, AppResult, error_page};
use crate::forms::{self, CsrfForm, Once};
use crate::jobs::Refused;
use crate::layout::Chrome;
use crate::policy;
use domain::certificate::CertificateKind;

pub const KIND: &str = "certificate_batch";

#[derive(Serialize, Deserialize)]
struct Args {
    year: i32,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Outcome {
    file: String,
    count: usize,
    issued: usize,
    bytes: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    year: String,
    form_key: String,
}

/// Starts the batch of a year, once per form however often it is clicked.
pub async fn start(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<StartForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::PrintCertificates).await?;
    let year = match super::unit::posted_year(&app, &user, &f.year) {
        Ok(y) => y,
        Err(r) => return Ok(*r),
    };
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let id = app
        .store
        .create_job(
            KIND,
            &serde_json::to_string(&Args { year })?,
            JobState::Queued,
            "",
            user.account.id,
            Some(acting.org.id),
            app.now(),
        )
        .await?;
    crate::jobs::kick(&app);
    let to = format!("/org/certificates/batch/{id}");
    forms::finish_once(&app, &f.form_key, &to).await?;
    Ok(Redirect::to(&to).into_response())
}

pub struct BatchLine {
    pub id: i64,
    pub year: String,
    pub state: &'static str,
    pub at: String,
}

fn state_label(j: &Job) -> &'static str {
    match j.state {
        JobState::Preview | JobState::Queued => "排队中",
        JobState::Running => "生成中",
        JobState::Done => "已完成",
        JobState::Failed => "失败",
    }
}

/// The unit's latest batches, for its certificate page.
pub async fn recent(app: &AppState, org: i64) -> AppResult<Vec<BatchLine>> {
    Ok(app
        .store
        .jobs_of(KIND, org, 5)
        .await?
        .iter()
        .map(|j| BatchLine {
            id: j.id,
            year: serde_json::from_str::<Args>(&j.args)
                .map(|a| a.year.to_string())
                .unwrap_or_default(),
            state: state_label(j),
            at: display_time(j.created_at),
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "certificates/batch.html")]
pub struct BatchPage {
    c: Chrome,
    id: i64,
    year: i32,
    state: &'static str,
    running: bool,
    done: i64,
    total: i64,
    percent: i64,
    count: usize,
    issued: usize,
    size: String,
    ready: bool,
    error: String,
}

/// A batch job of the acting unit, or a refusal that looks like a missing page.
async fn own_job(app: &AppState, ip: &ClientIp, user: &CurrentUser, id: i64) -> AppResult<Job> {
    let acting = policy::acting_for(app, user, ip, Action::PrintCertificates).await?;
    match app.store.job(id).await? {
        Some(j) if j.kind == KIND && j.org_id == Some(acting.org.id) => Ok(j),
        _ => Err(policy::deny(app, user, ip, &format!("他单位的批量打印 {id}")).await),
    }
}

pub async fn show(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let job = own_job(&app, &ip, &user, id).await?;
    let args: Args = serde_json::from_str(&job.args).map_err(|e| AppError::Internal(e.into()))?;
    let outcome: Outcome = serde_json::from_str(&job.result).unwrap_or_default();
    Ok(BatchPage {
        c: Chrome::for_user("批量打印证书", "/org/certificates", &user),
        id,
        year: args.year,
        state: state_label(&job),
        running: job.state.is_unfinished(),
        done: job.done,
        total: job.total,
        percent: (job.done * 100).checked_div(job.total).unwrap_or(0),
        count: outcome.count,
        issued: outcome.issued,
        size: format!("{:.1}", outcome.bytes as f64 / 1024.0 / 1024.0),
        ready: job.state == JobState::Done && !outcome.file.is_empty(),
        error: job.error,
    }
    .into_response())
}

pub async fn download(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let job = own_job(&app, &ip, &user, id).await?;
    let outcome: Outcome = serde_json::from_str(&job.result).unwrap_or_default();
    let args: Args = serde_json::from_str(&job.args).map_err(|e| AppError::Internal(e.into()))?;
    let opened = match (job.state, outcome.file.as_str()) {
        (JobState::Done, key) if !key.is_empty() => {
            app.files.open(key).await.map_err(anyhow::Error::from)?
        }
        _ => None,
    };
    let Some((file, len)) = opened else {
        return Ok(error_page(
            axum::http::StatusCode::NOT_FOUND,
            "文件尚未生成",
            "批量打印尚未完成或已失败，请返回批量打印页面查看进度。",
        ));
    };
    // Streamed from the file store: a ZIP of thousands of certificates is never read whole.
    let body =
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::CONTENT_LENGTH, len.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"certificates-{}.zip\"; filename*=UTF-8''{}",
                    args.year,
                    crate::auth::urlencode(&format!("继续教育证书-{}年度.zip", args.year))
                ),
            ),
        ],
        body,
    )
        .into_response())
}

/// A name of its own for every run, so a job run again in this process never writes into the
/// file of an earlier run.
static SCRATCH_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Removes a half-written ZIP when the job stops early (a stored one was moved away already).
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Rows fetched per statement while the job collects the staff.
const CHUNK: u64 = 200;

/// Runs a batch: collects the staff with approved hours, issues the missing certificates,
/// typesets every PDF into the ZIP, reporting progress as it goes.
pub async fn run(app: &AppState, job: &Job) -> anyhow::Result<String> {
    let args: Args = serde_json::from_str(&job.args)?;
    let org = job
        .org_id
        .ok_or_else(|| anyhow::anyhow!("a batch without its unit"))?;
    let mut rows = Vec::new();
    for page in 1.. {
        let got = app
            .store
            .staff_certificates(
                &StaffYearFilter {
                    within: org,
                    year: args.year,
                    result: None,
                    name: None,
                    page,
                    per_page: CHUNK,
                },
                true,
            )
            .await?;
        let last = got.items.len() < CHUNK as usize;
        rows.extend(got.items);
        if last {
            break;
        }
    }
    if rows.is_empty() {
        return Err(Refused(format!(
            "{}年度没有审核通过学时的人员，没有可打印的证书。",
            args.year
        ))
        .into());
    }
    let total = rows.len() as i64;
    app.store.job_progress(job.id, 0, total, app.now()).await?;
    let rules = app.store.rule_sets().await?;
    let series = app.store.series().await?;
    // The ZIP grows in a scratch file, one PDF at a time, so a unit of thousands never holds
    // its whole archive in memory; it is then moved into the file store under its content.
    let scratch = app.files.scratch().await?.join(format!(
        "certificates-{}-{}-{}.zip",
        job.id,
        std::process::id(),
        SCRATCH_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _cleanup = Scratch(scratch.clone());
    let mut zip = Some(zip::ZipWriter::new(std::fs::File::create(&scratch)?));
    // PDFs are compressed already; storing them keeps the job fast.
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut printed = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        // Read again now, not at the start: a recount or regeneration during the batch must
        // not put a superseded certificate in the ZIP.
        let existing = app
            .store
            .valid_certificate(r.account_id, CertificateKind::Year, Some(args.year), None)
            .await?;
        let cert = match existing {
            Some(c) => c,
            None => {
                let (facts, _) = super::unit::row_facts(r, args.year, &rules, &series);
                let made = issue(
                    app,
                    &Issue {
                        kind: domain::certificate::CertificateKind::Year,
                        account_id: r.account_id,
                        unit_id: r.unit_id,
                        year: Some(args.year),
                        cycle_id: None,
                        issued_by: job.created_by,
                        replaces: None,
                        recount: false,
                    },
                    &facts,
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                match made {
                    Some(c) => c,
                    // Issued by a click a moment ago.
                    None => app
                        .store
                        .valid_certificate(
                            r.account_id,
                            CertificateKind::Year,
                            Some(args.year),
                            None,
                        )
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("certificate vanished"))?,
                }
            }
        };
        printed.push(cert.id);
        let facts: Facts = serde_json::from_str(&cert.facts)?;
        let printer = app.printer.clone();
        let url = app.config.public_url.clone();
        let name = format!("{}-{}.pdf", printed_number(&cert), r.real_name);
        let mut writer = zip.take().ok_or_else(|| anyhow::anyhow!("zip lost"))?;
        // Typesetting and writing block: both run on the blocking pool.
        writer = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let bytes =
                pdf::render(&printer, &cert, &facts, &url).map_err(|e| Refused(e.to_string()))?;
            writer.start_file(name, stored)?;
            writer.write_all(&bytes)?;
            Ok(writer)
        })
        .await??;
        zip = Some(writer);
        if (i + 1) % 10 == 0 {
            app.store
                .job_progress(job.id, i as i64 + 1, total, app.now())
                .await?;
        }
    }
    let writer = zip.take().ok_or_else(|| anyhow::anyhow!("zip lost"))?;
    let bytes = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
        let file = writer.finish()?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    })
    .await??;
    let file = app.files.put_file(&scratch).await?;
    // Counted from what the ZIP holds rather than during this run: a run that follows a crash
    // finds what the interrupted run issued already valid, and those are the batch's too.
    let issued = app
        .store
        .first_issued_since(&printed, job.created_by, job.created_at)
        .await? as usize;
    app.store
        .job_progress(job.id, total, total, app.now())
        .await?;
    Ok(serde_json::to_string(&Outcome {
        file,
        count: rows.len(),
        issued,
        bytes: bytes as usize,
    })?)
}
