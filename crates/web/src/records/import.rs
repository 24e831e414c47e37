//! 批量申报: a unit downloads the template, uploads a filled xlsx, sees every row's errors by
//! row and column, and imports the valid file (or only its valid rows) as a background job
//! with progress. Each row carries a key, so the same file or the same rows imported twice
//! land once.

use std::collections::{BTreeSet, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use domain::import::{
    COLUMNS, ImportedRow, RowError, map_header, row_key, row_people, validate_rows,
};
use domain::job::JobState;
use domain::policy::Action;
use domain::record::DeclarationRules;
use serde::{Deserialize, Serialize};
use store::ChangeError;
use store::records::{ImportRecord, RecordFields};

use crate::AppState;
use crate::audit::ClientIp;
use crate::auth::CurrentUser;
use crate::clock::display_time;
use crate::error::AppResult;
use crate::forms::{CsrfForm, Upload};
use crate::layout::Chrome;
use crate::policy;

pub const KIND: &str = "record_import";

/// What the job needs: the stored file and the unit it imports for.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Args {
    pub file_key: String,
    pub file_name: String,
    pub unit: i64,
    /// Import only the valid rows of a file that has errors.
    #[serde(default)]
    pub valid_only: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct ErrorLine {
    pub line: u32,
    pub column: String,
    pub message: String,
}

/// The preview of a file, and after the job the figures of the import.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub struct Outcome {
    pub rows: usize,
    pub valid: usize,
    pub already: usize,
    pub error_rows: usize,
    pub errors: Vec<ErrorLine>,
    pub file_error: String,
    pub inserted: u64,
}

/// The most error lines a preview keeps; the count says how many there were.
const SHOWN_ERRORS: usize = 500;

/// A file read and every row checked: the rows that may be stored (with whose they are) and
/// the errors, as the unit will see them.
pub struct Analysis {
    pub ready: Vec<ImportRecord>,
    pub outcome: Outcome,
}

fn fields_of(r: &ImportedRow) -> RecordFields {
    RecordFields {
        year: r.input.year,
        category: r.input.category,
        declaration: r.input.declaration,
        course_name: r.course_name.clone(),
        study_form: r.study_form.clone(),
        institution_id: None,
        institution_name: r.institution.clone(),
        start_date: r.input.start,
        end_date: r.input.end,
        claimed_tenths: r.input.claimed.tenths(),
        matches_specialty: r.input.matches_specialty,
        main_author: r.input.main_author,
        passed: r.assessment_passed,
        content: r.content.clone(),
        location: r.location.clone(),
        remarks: r.remarks.clone(),
    }
}

/// Reads and checks a file for a unit: the sheet, the header, every row against the rules,
/// the persons (confirmed staff of the unit, with the name on file), and which rows are
/// imported already. The unit confirms what it imports, so a past year's deadline does not
/// stop it (补录).
pub async fn analyse(app: &AppState, unit: i64, bytes: &[u8]) -> anyhow::Result<Analysis> {
    let mut outcome = Outcome::default();
    // Reading a workbook is CPU work: off the threads that serve requests.
    let owned = bytes.to_vec();
    let read = tokio::task::spawn_blocking(move || crate::sheet::read_first_sheet(&owned)).await?;
    let rows = match read {
        Ok(r) => r,
        Err(e) => {
            outcome.file_error = e;
            return Ok(Analysis {
                ready: Vec::new(),
                outcome,
            });
        }
    };
    let Some(((_, header), data)) = rows.split_first() else {
        outcome.file_error = "文件中没有数据：请在模板的第一个工作表中填写".into();
        return Ok(Analysis {
            ready: Vec::new(),
            outcome,
        });
    };
    let map = match map_header(header) {
        Ok(m) => m,
        Err(problems) => {
            outcome.file_error = problems.join("；");
            return Ok(Analysis {
                ready: Vec::new(),
                outcome,
            });
        }
    };
    let org = app
        .store
        .organization(unit)
        .await?
        .ok_or_else(|| anyhow::anyhow!("unit {unit}"))?;
    let today = app.today();
    let people = row_people(&map, data, today);

    let docs: Vec<String> = people
        .iter()
        .filter_map(|p| p.doc_number.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let staff: HashMap<String, store::records::StaffMember> = app
        .store
        .staff_by_documents(unit, &docs)
        .await?
        .into_iter()
        .map(|s| (s.doc_number.clone(), s))
        .collect();
    let series_of = |doc: &str| staff.get(doc).and_then(|s| s.series_code.clone());

    // The rule set of each row is the form's: the row's year, the unit's region (the staff's
    // confirmed employer) and the person's series. One lookup per series and year; a year
    // outside the dates a row may hold is refused anyway, so it costs no lookup.
    let years = 1950..=today.year();
    let mut rules: HashMap<(Option<String>, i32), DeclarationRules> = HashMap::new();
    for p in &people {
        let (Some(doc), Some(year)) = (&p.doc_number, p.year) else {
            continue;
        };
        if !years.contains(&year) {
            continue;
        }
        let key = (series_of(doc), year);
        if rules.contains_key(&key) {
            continue;
        }
        let found = app
            .store
            .rule_set_for(year, key.0.as_deref(), &org.region_code)
            .await?
            .map(|r| r.to_domain().declaration)
            .unwrap_or_default();
        rules.insert(key, found);
    }
    let rules_of = |doc: &str, year: i32| {
        rules
            .get(&(series_of(doc), year))
            .copied()
            .unwrap_or_default()
    };
    let (valid, mut errors) = validate_rows(&map, data, today, &rules_of);
    outcome.rows = valid.len() + errors.iter().map(|e| e.line).collect::<BTreeSet<_>>().len();

    // Whether the row's person is confirmed staff under that name, on every row naming one:
    // a row with other problems is told this too, so the whole file is corrected at once.
    let mut refused: BTreeSet<u32> = BTreeSet::new();
    for p in &people {
        let Some(doc) = &p.doc_number else { continue };
        match staff.get(doc) {
            None => errors.push(RowError {
                line: p.line,
                column: Some("证件号码"),
                message: "不是本单位已确认的人员（请先在人员管理中确认或添加）".into(),
            }),
            Some(s) if p.real_name.as_ref().is_some_and(|n| *n != s.real_name) => {
                errors.push(RowError {
                    line: p.line,
                    column: Some("姓名"),
                    message: format!("与该证件号码登记的姓名“{}”不一致", s.real_name),
                })
            }
            Some(_) => continue,
        }
        refused.insert(p.line);
    }

    let candidates: Vec<ImportRecord> = valid
        .iter()
        .filter(|r| !refused.contains(&r.line))
        .filter_map(|r| {
            staff.get(&r.doc_number).map(|s| ImportRecord {
                account_id: s.account_id,
                fields: fields_of(r),
                import_key: row_key(r),
            })
        })
        .collect();
    let keys: Vec<String> = candidates.iter().map(|c| c.import_key.clone()).collect();
    let existing: BTreeSet<String> = app
        .store
        .existing_import_keys(&keys)
        .await?
        .into_iter()
        .collect();
    outcome.already = candidates
        .iter()
        .filter(|c| existing.contains(&c.import_key))
        .count();
    outcome.valid = candidates.len();
    errors.sort_by_key(|e| e.line);
    outcome.error_rows = errors.iter().map(|e| e.line).collect::<BTreeSet<_>>().len();
    outcome.errors = errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| ErrorLine {
            line: e.line,
            column: e.column.unwrap_or("").to_owned(),
            message: e.message.clone(),
        })
        .collect();
    Ok(Analysis {
        ready: candidates,
        outcome,
    })
}

/// Rows stored per transaction.
const BATCH: usize = 400;

/// The job: analyses the stored file again (the staff may have changed meanwhile) and stores
/// the ready rows in batches, reporting progress after each.
pub async fn run(app: &AppState, job: &store::jobs::Job) -> anyhow::Result<String> {
    let args: Args = serde_json::from_str(&job.args)?;
    let bytes = app
        .files
        .get(&args.file_key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the uploaded file {} is gone", args.file_key))?;
    let mut a = analyse(app, args.unit, &bytes).await?;
    if !a.outcome.file_error.is_empty() || (a.outcome.error_rows > 0 && !args.valid_only) {
        // Rows that were right at the preview may not be now (a person unbound meanwhile).
        return Err(crate::jobs::Refused(
            "导入前重新检查时发现有错误的行，未导入任何记录。请重新上传文件查看错误明细。".into(),
        )
        .into());
    }
    let total = a.ready.len() as i64;
    app.store.job_progress(job.id, 0, total, app.now()).await?;
    let mut done = 0i64;
    for chunk in a.ready.chunks(BATCH) {
        a.outcome.inserted += app
            .store
            .import_records(chunk, args.unit, job.created_by, app.now())
            .await?;
        done += chunk.len() as i64;
        app.store
            .job_progress(job.id, done, total, app.now())
            .await?;
    }
    Ok(serde_json::to_string(&a.outcome)?)
}

#[derive(Template, WebTemplate)]
#[template(path = "records/import.html")]
pub struct ImportPage {
    c: Chrome,
    columns: Vec<(&'static str, bool, &'static str)>,
    recent: Vec<JobLine>,
    limit_mb: usize,
}

pub struct JobLine {
    id: i64,
    name: String,
    at: String,
    state: &'static str,
}

fn state_label(s: JobState) -> &'static str {
    match s {
        JobState::Preview => "待确认导入",
        JobState::Queued => "排队中",
        JobState::Running => "导入中",
        JobState::Done => "已完成",
        JobState::Failed => "失败",
    }
}

pub async fn page(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let recent = app
        .store
        .jobs_of(KIND, acting.org.id, 10)
        .await?
        .into_iter()
        .map(|j| JobLine {
            id: j.id,
            name: serde_json::from_str::<Args>(&j.args)
                .map(|a| a.file_name)
                .unwrap_or_default(),
            at: display_time(j.created_at),
            state: state_label(j.state),
        })
        .collect();
    Ok(ImportPage {
        c: Chrome::for_user("批量申报", "/org/records", &user),
        columns: COLUMNS
            .iter()
            .map(|c| (c.label, c.required, c.hint))
            .collect(),
        recent,
        limit_mb: app.config.upload_limit.div_ceil(1024 * 1024),
    }
    .into_response())
}

/// The template: the columns (required ones marked), a sheet with a filled example, and a
/// sheet of instructions.
pub async fn template(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let bytes = template_bytes().map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
    Ok(crate::xlsx::download("学时批量申报模板.xlsx", bytes))
}

fn template_bytes() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sample = [
        "440106198601011234",
        "张三",
        "2026",
        "专业科目",
        "培训",
        "新课标教学设计研修",
        "面授",
        "广州市教育研究院",
        "2026-03-02",
        "2026-03-06",
        "30",
        "是",
        "否",
        "合格",
        "课堂教学设计与评价",
        "广州市越秀区",
        "",
    ];
    {
        let ws = wb.add_worksheet();
        ws.set_name("学时导入")?;
        for (c, col) in COLUMNS.iter().enumerate() {
            let label = if col.required {
                format!("{}*", col.label)
            } else {
                col.label.to_owned()
            };
            ws.write_string_with_format(0, c as u16, &label, &bold)?;
            // Every column as text, so that document numbers keep their digits.
            ws.set_column_format(c as u16, &text)?;
            ws.set_column_width(c as u16, 16)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("示例")?;
        for (c, col) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, col.label, &bold)?;
            ws.write_string(1, c as u16, sample.get(c).copied().unwrap_or(""))?;
            ws.set_column_width(c as u16, 16)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("填写说明")?;
        ws.write_string_with_format(0, 0, "列", &bold)?;
        ws.write_string_with_format(0, 1, "必填", &bold)?;
        ws.write_string_with_format(0, 2, "说明", &bold)?;
        for (r, col) in COLUMNS.iter().enumerate() {
            ws.write_string(r as u32 + 1, 0, col.label)?;
            ws.write_string(r as u32 + 1, 1, if col.required { "是" } else { "否" })?;
            ws.write_string(r as u32 + 1, 2, col.hint)?;
        }
        let n = COLUMNS.len() as u32 + 2;
        ws.write_string(
            n,
            0,
            "在第一个工作表“学时导入”中从第2行起逐行填写，不要合并单元格；一次最多20000行。",
        )?;
        ws.write_string(
            n + 1,
            0,
            "同一文件重复上传不会重复导入；已导入的行会被跳过。",
        )?;
        ws.set_column_width(0, 14)?;
        ws.set_column_width(2, 70)?;
    }
    wb.save_to_buffer()
}

pub async fn upload(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    form: Upload,
) -> AppResult<Response> {
    let back = |msg: String| {
        user.session.flash("error", msg);
        Ok(Redirect::to("/org/records/import").into_response())
    };
    if form.too_large {
        return back(format!(
            "文件过大：不能超过{}MB，请分批上传",
            app.config.upload_limit.div_ceil(1024 * 1024)
        ));
    }
    let acting = policy::acting_for(&app, &user, &ip, Action::ManageRecords).await?;
    let Some(file) = form.file else {
        return back("请选择要上传的Excel文件".into());
    };
    let unit = acting.org.id;
    let a = analyse(&app, unit, &file.bytes).await?;
    let key = app
        .files
        .put(&file.bytes)
        .await
        .map_err(|e| anyhow::anyhow!("storing an import: {e}"))?;
    let name: String = file
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let args = Args {
        file_key: key,
        file_name: if name.is_empty() {
            "导入文件.xlsx".into()
        } else {
            name
        },
        unit,
        valid_only: false,
    };
    let id = app
        .store
        .create_job(
            KIND,
            &serde_json::to_string(&args)?,
            JobState::Preview,
            &serde_json::to_string(&a.outcome)?,
            user.account.id,
            Some(unit),
            app.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/org/records/import/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "records/import_job.html")]
pub struct JobPage {
    c: Chrome,
    id: i64,
    name: String,
    state: JobState,
    state_label: &'static str,
    o: Outcome,
    new_rows: usize,
    done: i64,
    total: i64,
    percent: i64,
    error: String,
}

impl JobPage {
    /// Where the imported records are seen: the unit's approved records.
    fn approved_list(&self) -> String {
        super::unit_list(domain::record::RecordState::Approved)
    }

    fn preview(&self) -> bool {
        self.state == JobState::Preview
    }

    fn unfinished(&self) -> bool {
        self.state.is_unfinished()
    }

    fn done(&self) -> bool {
        self.state == JobState::Done
    }

    fn failed(&self) -> bool {
        self.state == JobState::Failed
    }
}

async fn job_of_unit(
    app: &AppState,
    ip: &ClientIp,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(i64, store::jobs::Job)> {
    let acting = policy::acting_for(app, user, ip, Action::ManageRecords).await?;
    match app.store.job(id).await? {
        Some(j) if j.kind == KIND && j.org_id == Some(acting.org.id) => Ok((acting.org.id, j)),
        _ => Err(policy::deny(app, user, ip, &format!("其他单位的导入 {id}")).await),
    }
}

pub async fn job(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, j) = job_of_unit(&app, &ip, &user, id).await?;
    let o: Outcome = serde_json::from_str(&j.result).unwrap_or_default();
    let name = serde_json::from_str::<Args>(&j.args)
        .map(|a| a.file_name)
        .unwrap_or_default();
    Ok(JobPage {
        c: Chrome::for_user("批量申报", "/org/records", &user),
        id,
        name,
        state_label: state_label(j.state),
        state: j.state,
        new_rows: o.valid.saturating_sub(o.already),
        o,
        done: j.done,
        total: j.total,
        percent: if j.total > 0 {
            j.done * 100 / j.total
        } else {
            0
        },
        error: j.error,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    mode: String,
}

/// Starts a previewed import; a double click starts it once.
pub async fn start(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<StartForm>,
) -> AppResult<Response> {
    let (unit, j) = job_of_unit(&app, &ip, &user, id).await?;
    let here = format!("/org/records/import/{id}");
    let o: Outcome = serde_json::from_str(&j.result).unwrap_or_default();
    let mut args: Args = serde_json::from_str(&j.args)?;
    args.valid_only = f.mode == "valid";
    if !o.file_error.is_empty() || o.valid == 0 {
        user.session
            .flash("error", "这个文件没有可导入的行，请修改后重新上传。");
        return Ok(Redirect::to(&here).into_response());
    }
    if o.error_rows > 0 && !args.valid_only {
        user.session.flash(
            "error",
            "文件中有错误的行：请修改后重新上传，或选择“只导入正确的行”。",
        );
        return Ok(Redirect::to(&here).into_response());
    }
    match app
        .store
        .queue_job(id, unit, &serde_json::to_string(&args)?)
        .await
    {
        Ok(()) => {
            crate::jobs::kick(&app);
        }
        Err(ChangeError::Conflict) => {}
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&here).into_response())
}
