//! Demo data: accounts that show every state of this part of the system. Loading it
//! twice changes nothing (accounts are found by their document numbers).

use domain::identity::{DocumentType, parse_document};
use store::accounts::NewAccount;

use crate::{AppState, password_hash};

mod certificates;
mod cycles;
pub mod orgs;
mod records;

pub struct DemoAccount {
    pub login_name: &'static str,
    pub password: &'static str,
    pub real_name: &'static str,
    pub doc_number: &'static str,
    pub role: &'static str,
    pub admin: bool,
    pub must_change: bool,
}

/// Answers to every demo account's three security questions.
pub const DEMO_ANSWER: &str = "广州";

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login_name: "admin",
        password: "Admin2026jx",
        real_name: "周海涛",
        doc_number: "44010619850715001",
        role: "平台管理员",
        admin: true,
        must_change: false,
    },
    DemoAccount {
        login_name: "zhangwei",
        password: "Study2026gd",
        real_name: "张伟",
        doc_number: "110101199003072711",
        role: "专业技术人员",
        admin: false,
        must_change: false,
    },
    DemoAccount {
        login_name: "lina",
        password: "Study2026gd",
        real_name: "李娜",
        doc_number: "321101198110166954",
        role: "专业技术人员",
        admin: false,
        must_change: false,
    },
    DemoAccount {
        login_name: "wangfang",
        password: "",
        real_name: "王芳",
        doc_number: "440106661007095",
        role: "专业技术人员（管理员开设，初始密码，须首次登录改密）",
        admin: false,
        must_change: true,
    },
];

/// A demo number is either complete or its first 17 digits, completed with the check digit.
fn full_number(n: &str) -> String {
    match domain::identity::gb11643_check_char(n) {
        Some(c) if n.len() == 17 => format!("{n}{c}"),
        _ => n.to_owned(),
    }
}

pub async fn load(app: &AppState) -> anyhow::Result<()> {
    let questions = domain::credentials::SECURITY_QUESTIONS;
    let answer_hash = password_hash::hash(
        &app.config.argon2,
        &domain::credentials::answer_key(DEMO_ANSWER),
    )
    .await?;
    for d in ACCOUNTS {
        let doc = parse_document(
            DocumentType::MainlandId,
            &full_number(d.doc_number),
            app.today(),
        )
        .map_err(|e| anyhow::anyhow!("demo document {}: {e}", d.login_name))?;
        if app.store.account_by_document(&doc.number).await?.is_some() {
            continue;
        }
        let password = if d.must_change {
            domain::password::initial_password(&doc.number)
        } else {
            d.password.to_owned()
        };
        let new = NewAccount {
            login_name: d.login_name.to_owned(),
            login_key: domain::credentials::login_key(d.login_name),
            password_hash: password_hash::hash(&app.config.argon2, &password).await?,
            must_change_password: d.must_change,
            real_name: d.real_name.to_owned(),
            gender: doc.gender.map(|g| g.code().to_owned()),
            birth_date: doc.birth_date,
            mobile: "13800138000".to_owned(),
            email: format!("{}@example.com", d.login_name),
            country: "CN".to_owned(),
            doc_type: doc.doc_type.code().to_owned(),
            doc_number: doc.number.clone(),
            security: [
                (questions[0].to_owned(), answer_hash.clone()),
                (questions[1].to_owned(), answer_hash.clone()),
                (questions[2].to_owned(), answer_hash.clone()),
            ],
            is_platform_admin: d.admin,
        };
        app.store.create_account(new, app.now()).await?;
    }
    orgs::load(app).await?;
    records::load(app).await?;
    cycles::load(app).await?;
    certificates::load(app).await?;
    Ok(())
}

/// The demo accounts as the README and `jxjy demo` print them.
pub fn describe() -> String {
    let mut s = String::from("演示账号（登录账号 / 密码 / 身份）：\n");
    for d in ACCOUNTS {
        let pw = if d.must_change {
            match parse_document(
                DocumentType::MainlandId,
                &full_number(d.doc_number),
                chrono::Utc::now().date_naive(),
            ) {
                Ok(doc) => domain::password::initial_password(&doc.number),
                Err(_) => String::new(),
            }
        } else {
            d.password.to_owned()
        };
        s.push_str(&format!(
            "  {:<10} {:<14} {}（{}）\n",
            d.login_name, pw, d.real_name, d.role
        ));
    }
    s.push_str(&format!(
        "单位、主管部门、人社局的操作员（密码均为 {}，登录后选择代表的单位）：\n",
        orgs::PASSWORD
    ));
    for (login, name, role) in orgs::OPERATORS {
        s.push_str(&format!("  {login:<10} {name}（{role}）\n"));
    }
    s.push_str("  另有演示人员 demo01 … demo54，密码同上。\n");
    s.push_str(&format!("  密码保护问题的答案均为：{DEMO_ANSWER}\n"));
    s
}
