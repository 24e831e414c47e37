//! Password recovery by the three security questions. Wrong answers count against the
//! same lock as wrong passwords, so the questions cannot be guessed at leisure.

use crate::audit::ClientIp;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::lockout::{Gate, LoginState};
use serde::Deserialize;

use crate::audit::{self, event};
use crate::error::AppResult;
use crate::forms::{CsrfForm, FieldErrors};
use crate::layout::Chrome;
use crate::session::Session;
use crate::{AppState, captcha, password_hash};

#[derive(Template, WebTemplate)]
#[template(path = "accounts/recover.html")]
pub struct RecoverPage {
    c: Chrome,
    identifier: String,
    errors: FieldErrors,
    show_captcha: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/recover_answer.html")]
pub struct AnswerPage {
    c: Chrome,
    questions: [String; 3],
    answers: [String; 3],
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdentifyForm {
    identifier: String,
    captcha: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    a1: String,
    a2: String,
    a3: String,
    new: String,
    new2: String,
}

pub async fn show(State(app): State<AppState>, session: Session) -> Response {
    RecoverPage {
        c: Chrome::public("找回密码", &session),
        identifier: String::new(),
        errors: FieldErrors::default(),
        show_captcha: captcha::on_every_form(&app),
    }
    .into_response()
}

pub async fn submit(
    State(app): State<AppState>,
    session: Session,
    CsrfForm(f): CsrfForm<IdentifyForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let identifier = f.identifier.trim().to_owned();
    if identifier.is_empty() {
        errors.add("identifier", "请输入登录账号或证件号码");
    }
    if captcha::on_every_form(&app) && !captcha::check(&app, &session, &f.captcha) {
        errors.add(
            "captcha",
            "验证码不正确，请重新输入（看不清可点击图片换一张）",
        );
    }
    if errors.is_empty() {
        match app
            .store
            .account_by_identifier(&super::lookup_key(&app, &identifier))
            .await?
        {
            Some(a) if a.answer_hashes.iter().any(|h| h.is_empty()) => errors.add(
                "identifier",
                "该账号尚未设置密码保护问题，无法自助找回。请联系所在单位或平台管理员重置密码。",
            ),
            Some(a) => {
                session.update(|d| d.recover_account = Some(a.id));
                return Ok(Redirect::to("/recover/answer").into_response());
            }
            None => errors.add("identifier", "没有找到该登录账号或证件号码对应的账号"),
        }
    }
    Ok(RecoverPage {
        c: Chrome::public("找回密码", &session),
        identifier,
        errors,
        show_captcha: captcha::on_every_form(&app),
    }
    .into_response())
}

async fn recovering(
    app: &AppState,
    session: &Session,
) -> AppResult<Option<store::accounts::Account>> {
    match session.data(|d| d.recover_account) {
        Some(id) => Ok(app.store.account(id).await?),
        None => Ok(None),
    }
}

pub async fn show_answer(State(app): State<AppState>, session: Session) -> AppResult<Response> {
    let Some(a) = recovering(&app, &session).await? else {
        return Ok(Redirect::to("/recover").into_response());
    };
    Ok(AnswerPage {
        c: Chrome::public("找回密码", &session),
        questions: a.questions.clone(),
        answers: Default::default(),
        errors: FieldErrors::default(),
    }
    .into_response())
}

pub async fn submit_answer(
    State(app): State<AppState>,
    session: Session,
    ip: ClientIp,
    CsrfForm(f): CsrfForm<AnswerForm>,
) -> AppResult<Response> {
    let Some(a) = recovering(&app, &session).await? else {
        return Ok(Redirect::to("/recover").into_response());
    };
    let mut errors = FieldErrors::default();
    let state = LoginState {
        failed_count: a.failed_count,
        locked_until: a.locked_until,
    };
    let answers = [f.a1.clone(), f.a2.clone(), f.a3.clone()];
    if let Gate::Locked { minutes_left, .. } = app.config.lock.gate(&state, app.now()) {
        errors.add("a1", super::locked_text(minutes_left));
    } else {
        for (i, field) in ["a1", "a2", "a3"].into_iter().enumerate() {
            if answers[i].trim().is_empty() {
                errors.add(field, "请填写答案");
            }
        }
        if f.new.is_empty() {
            errors.add("new", "请输入新密码");
        } else {
            errors.check(
                "new",
                domain::password::check_new_password(
                    &f.new,
                    Some(&a.doc_number),
                    a.birth_date,
                    Some(&a.login_name),
                ),
            );
        }
        if f.new2 != f.new {
            errors.add("new2", "两次输入的新密码不一致");
        }
        if errors.is_empty() {
            let mut all_right = true;
            for (i, answer) in answers.iter().enumerate() {
                let key = domain::credentials::answer_key(answer);
                all_right &= password_hash::verify(&key, &a.answer_hashes[i]).await;
            }
            if !all_right {
                let (locked, _) = super::count_failure(&app, &a).await?;
                audit::record(
                    &app,
                    &ip,
                    event::PASSWORD_RECOVER,
                    "failure",
                    Some(a.id),
                    &a.login_name,
                    "密码保护问题答案错误",
                )
                .await;
                if locked {
                    audit::record(
                        &app,
                        &ip,
                        event::LOCK,
                        "success",
                        Some(a.id),
                        &a.login_name,
                        "连续答错密码保护问题自动锁定",
                    )
                    .await;
                    errors.add(
                        "a1",
                        domain::lockout::locked_message(app.config.lock.lock_for.num_minutes()),
                    );
                } else {
                    errors.add("a1", "密码保护问题的答案不正确，请核对后重新填写");
                }
            }
        }
    }
    if !errors.is_empty() {
        return Ok(AnswerPage {
            c: Chrome::public("找回密码", &session),
            questions: a.questions.clone(),
            answers,
            errors,
        }
        .into_response());
    }
    let hash = password_hash::hash(&app.config.argon2, &f.new).await?;
    app.store
        .set_password(a.id, &hash, false, app.now())
        .await?;
    app.store.delete_other_sessions(a.id, None).await?;
    session.update(|d| d.recover_account = None);
    audit::record(
        &app,
        &ip,
        event::PASSWORD_RECOVER,
        "success",
        Some(a.id),
        &a.login_name,
        "",
    )
    .await;
    session.flash("success", "密码已重新设置，请使用新密码登录。");
    Ok(Redirect::to("/login").into_response())
}
