use crate::audit::ClientIp;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng;
use serde::Deserialize;
use store::accounts::{Account, AccountFilter};

use crate::audit::{self, event};
use crate::auth::PlatformAdmin;
use crate::clock::display_time;
use crate::error::{AppError, AppResult};
use crate::forms::CsrfForm;
use crate::layout::Chrome;
use crate::pager::Pager;
use crate::{AppState, password_hash};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    locked: String,
    page: u64,
}

pub struct Row {
    id: i64,
    login_name: String,
    real_name: String,
    doc_type: &'static str,
    doc_number: String,
    mobile: String,
    status: &'static str,
    status_class: &'static str,
    status_note: String,
    locked: bool,
    is_self: bool,
    created: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/accounts.html")]
pub struct AccountsPage {
    c: Chrome,
    q: String,
    locked_only: bool,
    rows: Vec<Row>,
    pager: Pager,
    back: String,
}

fn row(a: &Account, me: i64, now: chrono::DateTime<chrono::Utc>) -> Row {
    let locked = a.locked_until.is_some_and(|t| t > now);
    let (status, status_class, status_note) = if locked {
        let note = match a.locked_until {
            // An administrator's lock has no end to show.
            Some(t) if t - now > chrono::Duration::days(1) => "至管理员解锁".to_owned(),
            Some(t) => format!("至 {}", display_time(t)),
            None => String::new(),
        };
        ("已锁定", "badge-danger", note)
    } else if a.must_change_password {
        ("待改密", "badge-warn", "须在下次登录时修改密码".to_owned())
    } else {
        ("正常", "badge-ok", String::new())
    };
    Row {
        id: a.id,
        login_name: a.login_name.clone(),
        real_name: a.real_name.clone(),
        doc_type: domain::identity::DocumentType::from_code(&a.doc_type)
            .map(|t| t.label())
            .unwrap_or(""),
        doc_number: domain::identity::mask(&a.doc_number),
        mobile: domain::identity::mask(&a.mobile),
        status,
        status_class,
        status_note,
        locked,
        is_self: a.id == me,
        created: display_time(a.created_at),
    }
}

pub async fn list(
    State(app): State<AppState>,
    PlatformAdmin(user): PlatformAdmin,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let now = app.now();
    let filter = AccountFilter {
        q: Some(q.q.clone()),
        locked_only: q.locked == "1",
        page: q.page,
        per_page: 20,
    };
    let page = app.store.search_accounts(&filter, now).await?;
    let base = serde_urlencoded::to_string([("q", q.q.as_str()), ("locked", q.locked.as_str())])
        .unwrap_or_default();
    let pager = Pager::new(&page, "/admin/accounts", &base);
    Ok(AccountsPage {
        c: Chrome::for_user("账号管理", "/admin/accounts", &user),
        q: q.q,
        locked_only: q.locked == "1",
        rows: page
            .items
            .iter()
            .map(|a| row(a, user.account.id, now))
            .collect(),
        back: format!("/admin/accounts?{base}&page={}", page.page),
        pager,
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    back: String,
}

async fn target(app: &AppState, id: i64) -> AppResult<Account> {
    app.store.account(id).await?.ok_or(AppError::NotFound)
}

fn back(f: &ActionForm) -> Redirect {
    Redirect::to(&crate::auth::safe_next(Some(&f.back)))
}

pub async fn lock(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> AppResult<Response> {
    let a = target(&app, id).await?;
    if a.id == user.account.id {
        user.session.flash("error", "不能锁定自己的账号。");
        return Ok(back(&f).into_response());
    }
    // An administrator's lock lasts until an administrator lifts it.
    app.store
        .lock_account(a.id, app.now() + chrono::Duration::days(365 * 100))
        .await?;
    app.store.delete_other_sessions(a.id, None).await?;
    audit::record(
        &app,
        &ip,
        event::LOCK,
        "success",
        Some(a.id),
        &a.login_name,
        &format!("管理员 {} 锁定", user.account.login_name),
    )
    .await;
    user.session.flash(
        "success",
        format!(
            "已锁定账号 {}（{}），其登录已全部退出。",
            a.login_name, a.real_name
        ),
    );
    Ok(back(&f).into_response())
}

pub async fn unlock(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> AppResult<Response> {
    let a = target(&app, id).await?;
    app.store.unlock_account(a.id).await?;
    audit::record(
        &app,
        &ip,
        event::UNLOCK,
        "success",
        Some(a.id),
        &a.login_name,
        &format!("管理员 {} 解锁", user.account.login_name),
    )
    .await;
    user.session.flash(
        "success",
        format!("已解锁账号 {}（{}）。", a.login_name, a.real_name),
    );
    Ok(back(&f).into_response())
}

/// A temporary password that passes the password rules, to be read out to its holder.
fn temporary_password() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = rand::rng();
    let mut s = String::new();
    for i in 0..10 {
        let set = if i % 3 == 2 { DIGITS } else { LETTERS };
        s.push(set[rng.random_range(0..set.len())] as char);
    }
    s
}

pub async fn reset_password(
    State(app): State<AppState>,
    ip: ClientIp,
    PlatformAdmin(user): PlatformAdmin,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> AppResult<Response> {
    let a = target(&app, id).await?;
    let temp = temporary_password();
    let hash = password_hash::hash(&app.config.argon2, &temp).await?;
    app.store.set_password(a.id, &hash, true, app.now()).await?;
    app.store.delete_other_sessions(a.id, None).await?;
    audit::record(
        &app,
        &ip,
        event::PASSWORD_RESET,
        "success",
        Some(a.id),
        &a.login_name,
        &format!("管理员 {} 重置", user.account.login_name),
    )
    .await;
    user.session.flash(
        "success",
        format!("已重置账号 {}（{}）的密码。临时密码：{}　请告知本人，本人登录后须立即修改。此密码只显示这一次。", a.login_name, a.real_name, temp),
    );
    Ok(back(&f).into_response())
}
