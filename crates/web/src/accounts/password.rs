use crate::audit::ClientIp;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::audit::{self, event};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::{AppState, password_hash};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/password.html")]
pub struct PasswordPage {
    c: Chrome,
    forced: bool,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    new2: String,
}

fn page(user: &CurrentUser, errors: FieldErrors) -> PasswordPage {
    PasswordPage {
        c: Chrome::for_user("修改密码", "/account/password", user),
        forced: user.account.must_change_password,
        errors,
    }
}

pub async fn show(user: CurrentUser) -> Response {
    page(&user, FieldErrors::default()).into_response()
}

pub async fn submit(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let a = &user.account;
    let mut errors = FieldErrors::default();
    if f.current.is_empty() {
        errors.add("current", "请输入当前密码");
    } else if !password_hash::verify(&f.current, &a.password_hash).await {
        errors.add("current", "当前密码不正确");
    }
    if f.new.is_empty() {
        errors.add("new", "请输入新密码");
    } else if errors
        .check(
            "new",
            domain::password::check_new_password(
                &f.new,
                Some(&a.doc_number),
                a.birth_date,
                Some(&a.login_name),
            ),
        )
        .is_some()
        && f.new == f.current
    {
        errors.add("new", "新密码不能与当前密码相同");
    }
    if f.new2 != f.new {
        errors.add("new2", "两次输入的新密码不一致");
    }
    if !errors.is_empty() {
        return Ok(page(&user, errors).into_response());
    }
    let hash = password_hash::hash(&app.config.argon2, &f.new).await?;
    app.store
        .set_password(a.id, &hash, false, app.now())
        .await?;
    // A password change is often a reaction to a suspected intrusion: end every other session.
    let current = user.session.id();
    let ended = app
        .store
        .delete_other_sessions(a.id, current.as_deref())
        .await?;
    user.session.sign_in(a.id, app.now());
    audit::record(
        &app,
        &ip,
        event::PASSWORD_CHANGE,
        "success",
        Some(a.id),
        &a.login_name,
        &format!("结束其他会话 {ended} 个"),
    )
    .await;
    user.session
        .flash("success", "密码已修改。其他设备上的登录已全部退出。");
    Ok(Redirect::to("/").into_response())
}
