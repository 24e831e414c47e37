use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use serde::Deserialize;
use store::audit::AuditFilter;

use crate::AppState;
use crate::audit::{event, outcome_label};
use crate::auth::PlatformAdmin;
use crate::clock::{display_time, shanghai};
use crate::error::AppResult;
use crate::forms::FieldErrors;
use crate::layout::Chrome;
use crate::pager::Pager;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    event: String,
    outcome: String,
    from: String,
    to: String,
    page: u64,
}

pub struct Row {
    at: String,
    event: &'static str,
    outcome: &'static str,
    outcome_class: &'static str,
    identifier: String,
    ip: String,
    detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    c: Chrome,
    q: AuditQuery,
    events: &'static [(&'static str, &'static str)],
    rows: Vec<Row>,
    pager: Pager,
    errors: FieldErrors,
}

fn parse_day(s: &str) -> Result<Option<NaiveDate>, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| "日期格式应为 2024-04-30")
}

/// Start of the day in Beijing time, as the instant the filter compares with.
fn day_start(d: NaiveDate) -> Option<chrono::DateTime<chrono::Utc>> {
    shanghai()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub async fn list(
    State(app): State<AppState>,
    PlatformAdmin(user): PlatformAdmin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let from = errors.check("from", parse_day(&q.from)).flatten();
    let to = errors.check("to", parse_day(&q.to)).flatten();
    let filter = AuditFilter {
        event: Some(q.event.clone()).filter(|e| event::ALL.iter().any(|(c, _)| c == e)),
        outcome: Some(q.outcome.clone()).filter(|o| !o.is_empty()),
        account_id: None,
        from: from.and_then(day_start),
        to: to.and_then(|d| d.succ_opt()).and_then(day_start),
        page: q.page,
        per_page: 50,
    };
    let page = app.store.audit_entries(&filter).await?;
    let base = serde_urlencoded::to_string([
        ("event", q.event.as_str()),
        ("outcome", q.outcome.as_str()),
        ("from", q.from.as_str()),
        ("to", q.to.as_str()),
    ])
    .unwrap_or_default();
    let pager = Pager::new(&page, "/admin/audit", &base);
    let rows = page
        .items
        .iter()
        .map(|e| Row {
            at: display_time(e.at),
            event: event::label(&e.event),
            outcome: outcome_label(&e.outcome),
            outcome_class: if e.outcome == "success" {
                "badge-ok"
            } else {
                "badge-danger"
            },
            identifier: e.identifier.clone(),
            ip: e.ip.clone(),
            detail: e.detail.clone(),
        })
        .collect();
    Ok(AuditPage {
        c: Chrome::for_user("安全审计", "/admin/audit", &user),
        q,
        events: event::ALL,
        rows,
        pager,
        errors,
    }
    .into_response())
}

impl AuditPage {
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }
}
