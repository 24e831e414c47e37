//! Accounts opened by someone else (an administrator now, a unit later): they start
//! with the initial password "last six characters of the document number + @Gd",
//! which must be changed at the first sign-in, and with no security questions, so
//! until the holder sets a password only an administrator can reset it.

use domain::credentials;
use domain::identity::{DocumentType, parse_document};
use store::accounts::{CreateAccountError, NewAccount};

use crate::forms::FieldErrors;
use crate::{AppState, password_hash};

pub struct OpenAccount<'a> {
    pub login_name: &'a str,
    pub real_name: &'a str,
    pub doc_type: DocumentType,
    pub doc_number: &'a str,
    pub mobile: &'a str,
    pub email: &'a str,
    pub is_platform_admin: bool,
}

pub struct Opened {
    pub id: i64,
    pub initial_password: String,
}

pub async fn open_account(
    app: &AppState,
    o: OpenAccount<'_>,
) -> anyhow::Result<Result<Opened, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let login_name = errors.check("login_name", credentials::login_name(o.login_name));
    let real_name = errors.check("real_name", credentials::real_name(o.real_name));
    let mobile = errors.check("mobile", credentials::mobile(o.mobile));
    let email = errors.check("email", credentials::email(o.email));
    let doc = errors.check(
        "doc_number",
        parse_document(o.doc_type, o.doc_number, app.today()),
    );
    let (Some(login_name), Some(real_name), Some(mobile), Some(email), Some(doc)) =
        (login_name, real_name, mobile, email, doc)
    else {
        return Ok(Err(errors));
    };
    let initial_password = domain::password::initial_password(&doc.number);
    let new = NewAccount {
        login_key: credentials::login_key(&login_name),
        login_name,
        password_hash: password_hash::hash(&app.config.argon2, &initial_password).await?,
        must_change_password: true,
        real_name,
        gender: doc.gender.map(|g| g.code().to_owned()),
        birth_date: doc.birth_date,
        mobile,
        email,
        country: match o.doc_type {
            DocumentType::HongKongId => "HK",
            DocumentType::MacaoId => "MO",
            _ => "CN",
        }
        .to_owned(),
        doc_type: doc.doc_type.code().to_owned(),
        doc_number: doc.number,
        security: Default::default(),
        is_platform_admin: o.is_platform_admin,
    };
    match app.store.create_account(new, app.now()).await {
        Ok(id) => Ok(Ok(Opened {
            id,
            initial_password,
        })),
        Err(CreateAccountError::DuplicateDocument) => {
            errors.add("doc_number", "该证件号码已有账号");
            Ok(Err(errors))
        }
        Err(CreateAccountError::DuplicateLogin) => {
            errors.add("login_name", "该登录账号已被使用");
            Ok(Err(errors))
        }
        Err(CreateAccountError::Db(e)) => Err(e.into()),
    }
}
