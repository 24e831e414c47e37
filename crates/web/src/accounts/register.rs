use crate::audit::ClientIp;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::credentials::{self, COUNTRIES, SECURITY_QUESTIONS};
use domain::identity::{self, DocumentType};
use serde::Deserialize;
use store::accounts::{CreateAccountError, NewAccount};

use crate::audit::{self, event};
use crate::error::AppResult;
use crate::forms::{self, CsrfForm, FieldErrors, Once};
use crate::layout::Chrome;
use crate::session::Session;
use crate::{AppState, captcha, password_hash};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RegisterForm {
    pub form_key: String,
    pub login_name: String,
    pub password: String,
    pub password2: String,
    pub real_name: String,
    pub mobile: String,
    pub country: String,
    pub doc_type: String,
    pub doc_number: String,
    pub email: String,
    pub q1: String,
    pub a1: String,
    pub q2: String,
    pub a2: String,
    pub q3: String,
    pub a3: String,
    pub captcha: String,
    pub agree: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts/register.html")]
pub struct RegisterPage {
    c: Chrome,
    f: RegisterForm,
    errors: FieldErrors,
    countries: &'static [(&'static str, &'static str)],
    doc_types: Vec<(&'static str, &'static str)>,
    questions: &'static [&'static str],
    /// What the document number told us, shown back to the person.
    derived: Option<String>,
    show_captcha: bool,
}

fn page(
    app: &AppState,
    session: &Session,
    f: RegisterForm,
    errors: FieldErrors,
    derived: Option<String>,
) -> RegisterPage {
    RegisterPage {
        c: Chrome::public("个人注册", session),
        f,
        errors,
        countries: COUNTRIES,
        doc_types: DocumentType::ALL
            .iter()
            .map(|t| (t.code(), t.label()))
            .collect(),
        questions: SECURITY_QUESTIONS,
        derived,
        show_captcha: captcha::on_every_form(app),
    }
}

pub async fn show(State(app): State<AppState>, session: Session) -> Response {
    if session.account_id().is_some() {
        return Redirect::to("/").into_response();
    }
    let f = RegisterForm {
        form_key: forms::new_form_key(),
        country: "CN".into(),
        doc_type: DocumentType::MainlandId.code().into(),
        q1: SECURITY_QUESTIONS[0].into(),
        q2: SECURITY_QUESTIONS[1].into(),
        q3: SECURITY_QUESTIONS[2].into(),
        ..Default::default()
    };
    page(&app, &session, f, FieldErrors::default(), None).into_response()
}

/// Everything checked, ready to store (hashes still to compute).
struct Valid {
    login_name: String,
    real_name: String,
    mobile: String,
    email: String,
    country: String,
    doc: identity::ParsedDocument,
    answers: [(String, String); 3],
}

fn validate(
    app: &AppState,
    session: &Session,
    f: &RegisterForm,
    errors: &mut FieldErrors,
) -> Option<Valid> {
    let login_name = errors.check("login_name", credentials::login_name(&f.login_name));
    let real_name = errors.check("real_name", credentials::real_name(&f.real_name));
    let mobile = errors.check("mobile", credentials::mobile(&f.mobile));
    let email = errors.check("email", credentials::email(&f.email));
    let country = COUNTRIES
        .iter()
        .find(|(c, _)| *c == f.country)
        .map(|(c, _)| c.to_string());
    if country.is_none() {
        errors.add("country", "请选择国家/地区");
    }
    let doc_type = DocumentType::from_code(&f.doc_type);
    let doc = match (doc_type, &country) {
        (None, _) => {
            errors.add("doc_type", "请选择证件类型");
            None
        }
        (Some(t), Some(c)) if !credentials::allowed_document_types(c).contains(&t) => {
            errors.add(
                "doc_type",
                format!("所选国家/地区不能使用{}注册", t.label()),
            );
            None
        }
        (Some(t), _) => errors.check(
            "doc_number",
            identity::parse_document(t, &f.doc_number, app.today()),
        ),
    };
    if f.password.is_empty() {
        errors.add("password", "请设置密码");
    } else {
        errors.check(
            "password",
            domain::password::check_new_password(
                &f.password,
                doc.as_ref().map(|d| d.number.as_str()),
                doc.as_ref().and_then(|d| d.birth_date),
                Some(&f.login_name),
            ),
        );
    }
    if f.password2 != f.password {
        errors.add("password2", "两次输入的密码不一致");
    }
    let pairs = [
        (&f.q1, &f.a1, "q1", "a1"),
        (&f.q2, &f.a2, "q2", "a2"),
        (&f.q3, &f.a3, "q3", "a3"),
    ];
    let mut answers = Vec::new();
    for (i, (q, a, qf, af)) in pairs.iter().enumerate() {
        if !SECURITY_QUESTIONS.contains(&q.as_str()) {
            errors.add(qf, "请选择密码保护问题");
        } else if pairs[..i].iter().any(|(other, ..)| other == q) {
            errors.add(qf, "三个密码保护问题不能重复");
        }
        if let Some(ans) = errors.check(af, credentials::security_answer(a)) {
            answers.push(((*q).clone(), ans));
        }
    }
    if f.agree != "yes" {
        errors.add("agree", "请阅读并同意服务协议");
    }
    if captcha::on_every_form(app) && !captcha::check(app, session, &f.captcha) {
        errors.add(
            "captcha",
            "验证码不正确，请重新输入（看不清可点击图片换一张）",
        );
    }
    let answers: [(String, String); 3] = answers.try_into().ok()?;
    if !errors.is_empty() {
        return None;
    }
    Some(Valid {
        login_name: login_name?,
        real_name: real_name?,
        mobile: mobile?,
        email: email?,
        country: country?,
        doc: doc?,
        answers,
    })
}

pub async fn submit(
    State(app): State<AppState>,
    session: Session,
    ip: ClientIp,
    CsrfForm(mut f): CsrfForm<RegisterForm>,
) -> AppResult<Response> {
    if let Once::Respond(r) = forms::begin_once(&app, &f.form_key).await? {
        return Ok(r);
    }
    let mut errors = FieldErrors::default();
    let valid = validate(&app, &session, &f, &mut errors);
    let Some(v) = valid else {
        return Ok(refuse(&app, &session, f, errors).await?);
    };
    let hash_password = password_hash::hash(&app.config.argon2, &f.password).await?;
    let mut security = Vec::with_capacity(3);
    for (q, a) in &v.answers {
        let h = password_hash::hash(&app.config.argon2, &credentials::answer_key(a)).await?;
        security.push((q.clone(), h));
    }
    let security: [(String, String); 3] = security
        .try_into()
        .map_err(|_| anyhow::anyhow!("three security answers expected"))?;
    let new = NewAccount {
        login_key: credentials::login_key(&v.login_name),
        login_name: v.login_name.clone(),
        password_hash: hash_password,
        must_change_password: false,
        real_name: v.real_name,
        gender: v.doc.gender.map(|g| g.code().to_owned()),
        birth_date: v.doc.birth_date,
        mobile: v.mobile,
        email: v.email,
        country: v.country,
        doc_type: v.doc.doc_type.code().to_owned(),
        doc_number: v.doc.number.clone(),
        security,
        is_platform_admin: false,
    };
    match app.store.create_account(new, app.now()).await {
        Ok(id) => {
            audit::record(
                &app,
                &ip,
                event::REGISTER,
                "success",
                Some(id),
                &v.login_name,
                "",
            )
            .await;
            session.flash(
                "success",
                format!("注册成功！请使用登录账号 {} 登录。", v.login_name),
            );
            let location = format!(
                "/login?identifier={}",
                crate::auth::urlencode(&v.login_name)
            );
            forms::finish_once(&app, &f.form_key, &location).await?;
            Ok(Redirect::to(&location).into_response())
        }
        Err(CreateAccountError::DuplicateDocument) => {
            errors.add("doc_number", "该证件号码已注册过账号，一个证件只能注册一个账号。如忘记账号或密码，请使用“忘记密码”找回。");
            f.password.clear();
            f.password2.clear();
            Ok(refuse(&app, &session, f, errors).await?)
        }
        Err(CreateAccountError::DuplicateLogin) => {
            errors.add("login_name", "该登录账号已被使用，请换一个");
            Ok(refuse(&app, &session, f, errors).await?)
        }
        Err(CreateAccountError::Db(e)) => Err(e.into()),
    }
}

async fn refuse(
    app: &AppState,
    session: &Session,
    mut f: RegisterForm,
    errors: FieldErrors,
) -> Result<Response, store::DbErr> {
    forms::abandon_once(app, &f.form_key).await?;
    let derived = DocumentType::from_code(&f.doc_type)
        .and_then(|t| identity::parse_document(t, &f.doc_number, app.today()).ok())
        .and_then(|d| describe(&d));
    // Passwords and the captcha are never sent back into a page.
    f.password.clear();
    f.password2.clear();
    f.captcha.clear();
    Ok(page(app, session, f, errors, derived).into_response())
}

fn describe(d: &identity::ParsedDocument) -> Option<String> {
    let birth = d.birth_date?;
    let gender = d.gender.map(|g| g.label()).unwrap_or("");
    let mut s = format!("出生日期 {}，性别 {}", birth.format("%Y-%m-%d"), gender);
    if d.converted_from_legacy {
        s.push_str(&format!("；15位旧号码已转换为 {}", d.number));
    }
    Some(s)
}

impl RegisterPage {
    /// Whether an option is the one chosen (templates compare through references).
    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    /// (question field, answer field, question, answer, label) of the three pairs.
    fn question_rows(&self) -> [(&'static str, &'static str, &str, &str, &'static str); 3] {
        [
            ("q1", "a1", &self.f.q1, &self.f.a1, "问题一"),
            ("q2", "a2", &self.f.q2, &self.f.a2, "问题二"),
            ("q3", "a3", &self.f.q3, &self.f.a3, "问题三"),
        ]
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DocumentCheck {
    doc_type: String,
    doc_number: String,
}

#[derive(serde::Serialize)]
pub struct DocumentVerdict {
    ok: bool,
    message: String,
}

/// Tells the person, while they fill the form, what their document number says
/// (birth date, gender, the 18-digit form of an old number) or what is wrong with it.
/// A POST, so that the number stays out of URLs and logs.
pub async fn check_document(
    State(app): State<AppState>,
    CsrfForm(f): CsrfForm<DocumentCheck>,
) -> axum::Json<DocumentVerdict> {
    let verdict = match DocumentType::from_code(&f.doc_type) {
        None => DocumentVerdict {
            ok: false,
            message: "请选择证件类型".into(),
        },
        Some(t) => match identity::parse_document(t, &f.doc_number, app.today()) {
            Ok(d) => DocumentVerdict {
                ok: true,
                message: describe(&d).unwrap_or_else(|| "证件号码格式正确".into()),
            },
            Err(e) => DocumentVerdict {
                ok: false,
                message: e.to_string(),
            },
        },
    };
    axum::Json(verdict)
}
