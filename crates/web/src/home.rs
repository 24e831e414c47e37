//! The home page of each role, with its to-do list (待办事项).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use store::audit::AuditFilter;

use crate::AppState;
use crate::audit::event;
use crate::auth::CurrentUser;
use crate::clock::display_time;
use crate::error::AppResult;
use crate::layout::Chrome;
use domain::binding::BindingState;
use domain::policy::Action;
use domain::record::RecordState;
use domain::roles::MembershipState;

pub struct Todo {
    pub label: &'static str,
    pub count: u64,
    pub href: String,
}

pub struct ProfileLine {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    c: Chrome,
    todos: Vec<Todo>,
    has_todo: bool,
    profile: Vec<ProfileLine>,
    last_signin: Option<String>,
}

pub async fn index(State(app): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let a = &user.account;
    let mut todos = Vec::new();
    if let Some(acting) = &user.acting {
        let (bindings, transfers, units) = app.store.org_todo_counts(acting.org.id).await?;
        let may = |action| domain::policy::permits(acting.kind, acting.roles, action);
        if may(Action::ManageStaff) {
            todos.push(Todo {
                label: "待确认的绑定申请",
                count: bindings,
                href: format!("/org/staff?state={}", BindingState::Requested.code()),
            });
        }
        if may(Action::AcceptTransfers) {
            todos.push(Todo {
                label: "待接收的调入申请",
                count: transfers,
                href: "/org/transfers".into(),
            });
        }
        if may(Action::ReviewRecords) || may(Action::ManageRecords) {
            let counts = app.store.record_todo_counts(acting.org.id).await?;
            if may(Action::ReviewRecords) {
                todos.push(Todo {
                    label: "待审核的学时记录",
                    count: counts.pending,
                    href: "/org/records".into(),
                });
                todos.push(Todo {
                    label: "已退回、待申报人修改的记录",
                    count: counts.returned,
                    href: format!("/org/records?state={}", RecordState::Returned.code()),
                });
            }
            if may(Action::ManageRecords) {
                todos.push(Todo {
                    label: "待确认的代申报记录",
                    count: counts.unconfirmed,
                    href: format!("/org/records?state={}", RecordState::UnitDraft.code()),
                });
            }
        }
        if may(Action::ReviewCycles) {
            todos.push(Todo {
                label: "待审核的周期验证申请",
                count: app.store.cycle_todo_count(acting.org.id).await?,
                href: "/org/cycles".into(),
            });
        }
        if may(Action::ReviewRegistrations) {
            todos.push(Todo {
                label: "待审核的单位注册",
                count: units,
                href: "/org/registrations".into(),
            });
        }
    } else {
        let invitations = app
            .store
            .memberships_of_account(a.id)
            .await?
            .iter()
            .filter(|m| m.state == MembershipState::Invited)
            .count() as u64;
        todos.push(Todo {
            label: "单位邀请待接受",
            count: invitations,
            href: "/me/organizations".into(),
        });
        todos.push(Todo {
            label: "退回待修改的学时记录",
            count: app.store.returned_count(a.id).await?,
            href: format!("/me/records?state={}", RecordState::Returned.code()),
        });
        match app.store.open_binding(a.id).await? {
            None => todos.push(Todo {
                label: "尚未绑定工作单位",
                count: 1,
                href: "/me/employment".into(),
            }),
            Some(b) if b.state == BindingState::Requested => todos.push(Todo {
                label: "绑定申请等待单位确认",
                count: 1,
                href: "/me/employment".into(),
            }),
            Some(_) => {}
        }
    }
    if a.is_platform_admin && user.acting.is_none() {
        let locked = app.store.count_locked_accounts(app.now()).await?;
        todos.push(Todo {
            label: "锁定中的账号",
            count: locked,
            href: "/admin/accounts?locked=1".into(),
        });
        let failures = app
            .store
            .audit_entries(&AuditFilter {
                event: Some(event::SIGNIN.to_owned()),
                outcome: Some("failure".to_owned()),
                from: Some(app.now() - chrono::Duration::hours(24)),
                per_page: 1,
                ..Default::default()
            })
            .await?
            .total;
        todos.push(Todo {
            label: "24小时内登录失败",
            count: failures,
            href: "/admin/audit?event=signin&outcome=failure".into(),
        });
    }
    // The sign-in before this one, so that a person notices a sign-in that was not theirs.
    let signins = app
        .store
        .audit_entries(&AuditFilter {
            event: Some(event::SIGNIN.to_owned()),
            outcome: Some("success".to_owned()),
            account_id: Some(a.id),
            per_page: 2,
            ..Default::default()
        })
        .await?;
    let last_signin = signins
        .items
        .get(1)
        .map(|e| format!("{}（IP {}）", display_time(e.at), e.ip));
    let doc_type = domain::identity::DocumentType::from_code(&a.doc_type)
        .map(|t| t.label())
        .unwrap_or("");
    let profile = vec![
        ProfileLine {
            label: "姓名",
            value: a.real_name.clone(),
        },
        ProfileLine {
            label: "登录账号",
            value: a.login_name.clone(),
        },
        ProfileLine {
            label: doc_type,
            value: domain::identity::mask(&a.doc_number),
        },
        ProfileLine {
            label: "性别",
            value: a
                .gender
                .as_deref()
                .and_then(domain::identity::Gender::from_code)
                .map(|g| g.label().to_owned())
                .unwrap_or_else(|| "—".into()),
        },
        ProfileLine {
            label: "出生日期",
            value: a
                .birth_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "—".into()),
        },
        ProfileLine {
            label: "手机号码",
            value: domain::identity::mask(&a.mobile),
        },
        ProfileLine {
            label: "电子邮箱",
            value: a.email.clone(),
        },
    ];
    Ok(HomePage {
        c: Chrome::for_user("首页", "/", &user),
        has_todo: todos.iter().any(|t| t.count > 0),
        todos,
        profile,
        last_signin,
    }
    .into_response())
}
