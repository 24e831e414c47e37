//! Accounts: registration, sign-in and sign-out, password change and recovery.

mod login;
mod open;
mod password;
mod recover;
mod register;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use open::{OpenAccount, Opened, open_account};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/register", get(register::show).post(register::submit))
        .route("/register/check-document", post(register::check_document))
        .route(
            "/account/password",
            get(password::show).post(password::submit),
        )
        .route("/recover", get(recover::show).post(recover::submit))
        .route(
            "/recover/answer",
            get(recover::show_answer).post(recover::submit_answer),
        )
}

/// What a person typed to name their account (a login name or a document number), in the form
/// accounts are looked up by: a mainland document number as registration stores it, so a
/// 15-digit legacy number finds the account registered with it (stored as its 18-digit form);
/// anything else as typed.
pub fn lookup_key(app: &AppState, typed: &str) -> String {
    let typed = typed.trim();
    match domain::identity::parse_document(
        domain::identity::DocumentType::MainlandId,
        typed,
        app.today(),
    ) {
        Ok(doc) => doc.number,
        Err(_) => typed.to_owned(),
    }
}

/// The message for a locked account; an administrator's lock has no end to wait for.
pub fn locked_text(minutes_left: i64) -> String {
    if minutes_left > 24 * 60 {
        "账号已被管理员锁定，请联系单位或平台管理员解锁。".to_owned()
    } else {
        domain::lockout::locked_message(minutes_left)
    }
}

/// Records a wrong secret against the account's lock, retrying if a concurrent
/// failure moved the count first. Answers whether the account is now locked.
pub async fn count_failure(
    app: &AppState,
    account: &store::accounts::Account,
) -> Result<(bool, domain::lockout::LoginState), store::DbErr> {
    let policy = &app.config.lock;
    let mut current = account.clone();
    for _ in 0..5 {
        let state = domain::lockout::LoginState {
            failed_count: current.failed_count,
            locked_until: current.locked_until,
        };
        let (next, locked) = policy.after_failure(&state, app.now());
        if app
            .store
            .update_login_state(
                current.id,
                current.failed_count,
                next.failed_count,
                next.locked_until,
            )
            .await?
        {
            return Ok((locked, next));
        }
        match app.store.account(current.id).await? {
            Some(a) => current = a,
            None => break,
        }
    }
    Ok((false, domain::lockout::LoginState::default()))
}
