use crate::audit::ClientIp;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::lockout::{Gate, LoginState};
use serde::Deserialize;

use crate::audit::{self, event};
use crate::auth::safe_next;
use crate::config::CaptchaMode;
use crate::error::AppResult;
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::session::Session;
use crate::{AppState, captcha, password_hash};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    c: Chrome,
    identifier: String,
    next: String,
    show_captcha: bool,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
    /// Filled in after registration, so the new login name need not be typed again.
    identifier: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    identifier: String,
    password: String,
    captcha: String,
    next: String,
}

fn captcha_needed(app: &AppState, session: &Session) -> bool {
    match app.config.captcha {
        CaptchaMode::Always => true,
        CaptchaMode::AfterFailure => session.data(|d| d.signin_failed),
        CaptchaMode::Off => false,
    }
}

fn page(
    app: &AppState,
    session: &Session,
    identifier: String,
    next: String,
    errors: FieldErrors,
) -> LoginPage {
    LoginPage {
        c: Chrome::public("登录", session),
        identifier,
        next,
        show_captcha: captcha_needed(app, session),
        errors,
    }
}

pub async fn show(
    State(app): State<AppState>,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Response {
    if session.account_id().is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    if session.expired() {
        session.flash(
            "info",
            "您已较长时间未操作，为了安全已自动退出，请重新登录。",
        );
    }
    let identifier = q.identifier.unwrap_or_default().chars().take(40).collect();
    page(
        &app,
        &session,
        identifier,
        q.next.unwrap_or_default(),
        FieldErrors::default(),
    )
    .into_response()
}

pub async fn submit(
    State(app): State<AppState>,
    session: Session,
    ip: ClientIp,
    CsrfForm(f): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let identifier = f.identifier.trim().to_owned();
    if identifier.is_empty() {
        errors.add("identifier", "请输入登录账号或证件号码");
    }
    if f.password.is_empty() {
        errors.add("password", "请输入密码");
    }
    if captcha_needed(&app, &session) && !captcha::check(&app, &session, &f.captcha) {
        errors.add(
            "captcha",
            "验证码不正确，请重新输入（看不清可点击图片换一张）",
        );
    }
    if !errors.is_empty() {
        return Ok(page(&app, &session, identifier, f.next, errors).into_response());
    }

    let account = app
        .store
        .account_by_identifier(&super::lookup_key(&app, &identifier))
        .await?;
    let Some(account) = account else {
        password_hash::verify_dummy(&app.config.argon2, &f.password).await;
        audit::record(
            &app,
            &ip,
            event::SIGNIN,
            "failure",
            None,
            &identifier,
            "账号不存在",
        )
        .await;
        session.update(|d| d.signin_failed = true);
        errors.add("password", "账号或密码不正确");
        return Ok(page(&app, &session, identifier, f.next, errors).into_response());
    };

    let state = LoginState {
        failed_count: account.failed_count,
        locked_until: account.locked_until,
    };
    if let Gate::Locked { minutes_left, .. } = app.config.lock.gate(&state, app.now()) {
        audit::record(
            &app,
            &ip,
            event::SIGNIN,
            "locked",
            Some(account.id),
            &identifier,
            "账号锁定中",
        )
        .await;
        errors.add("password", super::locked_text(minutes_left));
        return Ok(page(&app, &session, identifier, f.next, errors).into_response());
    }

    if !password_hash::verify(&f.password, &account.password_hash).await {
        let (locked, next_state) = super::count_failure(&app, &account).await?;
        audit::record(
            &app,
            &ip,
            event::SIGNIN,
            "failure",
            Some(account.id),
            &identifier,
            "密码错误",
        )
        .await;
        session.update(|d| d.signin_failed = true);
        if locked {
            audit::record(
                &app,
                &ip,
                event::LOCK,
                "success",
                Some(account.id),
                &identifier,
                "连续输错密码自动锁定",
            )
            .await;
            let minutes = app.config.lock.lock_for.num_minutes();
            errors.add("password", domain::lockout::locked_message(minutes));
        } else {
            let left = app.config.lock.attempts_left(&next_state, app.now());
            errors.add(
                "password",
                format!(
                    "账号或密码不正确。再输错{}次，账号将被锁定{}分钟",
                    left + 1,
                    app.config.lock.lock_for.num_minutes()
                ),
            );
        }
        return Ok(page(&app, &session, identifier, f.next, errors).into_response());
    }

    if account.failed_count > 0 || account.locked_until.is_some() {
        app.store
            .update_login_state(account.id, account.failed_count, 0, None)
            .await?;
    }
    session.sign_in(account.id, app.now());
    audit::record(
        &app,
        &ip,
        event::SIGNIN,
        "success",
        Some(account.id),
        &identifier,
        "",
    )
    .await;
    if account.must_change_password {
        return Ok(Redirect::to("/account/password").into_response());
    }
    let to = crate::orgs::after_sign_in(&app, account.id, safe_next(Some(&f.next))).await?;
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(app): State<AppState>,
    ip: ClientIp,
    session: Session,
    CsrfForm(_): CsrfForm<Empty>,
) -> Response {
    if let Some(id) = session.account_id() {
        audit::record(&app, &ip, event::SIGNOUT, "success", Some(id), "", "").await;
    }
    session.sign_out();
    session.flash("info", "您已安全退出。");
    Redirect::to("/login").into_response()
}
