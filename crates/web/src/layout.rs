//! The page frame every screen shares: header, navigation by role, breadcrumb,
//! flash messages; and the embedded static files.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::roles::Role;

use crate::auth::CurrentUser;

use crate::error::AppError;
use crate::session::{Flash, Session};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct Chrome {
    pub title: String,
    pub user_name: Option<String>,
    pub acting_as: String,
    pub nav: Vec<NavItem>,
    pub crumbs: Vec<(String, String)>,
    pub flash: Vec<Flash>,
    pub csrf: String,
}

impl Chrome {
    /// The frame for a signed-in page at `path`; the navigation follows whom the
    /// person acts for and the roles granted there.
    pub fn for_user(title: &str, path: &str, user: &CurrentUser) -> Chrome {
        let item = |href: &'static str, label: &'static str| NavItem {
            href,
            label,
            active: if href == "/" {
                path == "/"
            } else {
                path.starts_with(href)
            },
        };
        let mut nav = vec![item("/", "首页")];
        let acting_as = match &user.acting {
            None => {
                nav.push(item("/me/profile", "个人资料"));
                nav.push(item("/me/employment", "工作单位"));
                nav.push(item("/me/records", "学时申报"));
                nav.push(item("/me/verification", "年度验证"));
                nav.push(item("/me/cycles", "周期验证"));
                nav.push(item("/me/certificates", "继续教育证书"));
                nav.push(item("/me/organizations", "单位账号"));
                nav.push(item("/organizations/register", "单位注册"));
                nav.push(item("/account/password", "修改密码"));
                if user.account.is_platform_admin {
                    nav.push(item("/admin/accounts", "账号管理"));
                    nav.push(item("/admin/audit", "安全审计"));
                    nav.push(item("/admin/rules", "验证规则"));
                    "平台管理员".to_owned()
                } else {
                    "本人".to_owned()
                }
            }
            Some(a) => {
                if a.kind.supervises() {
                    nav.push(item("/org/registrations", "单位审核"));
                    nav.push(item("/org/units", "下属单位"));
                    nav.push(item("/org/staff", "人员查询"));
                    nav.push(item("/org/verification", "年度验证"));
                    if domain::policy::permits(a.kind, a.roles, domain::policy::Action::ManageRules)
                    {
                        nav.push(item("/org/rules", "验证规则"));
                    }
                } else {
                    nav.push(item("/org/staff", "人员管理"));
                    nav.push(item("/org/transfers", "调入申请"));
                    if domain::policy::permits(a.kind, a.roles, domain::policy::Action::ViewRecords)
                    {
                        nav.push(item("/org/records", "学时审核"));
                    }
                    nav.push(item("/org/verification", "年度验证"));
                    if domain::policy::permits(
                        a.kind,
                        a.roles,
                        domain::policy::Action::PrintCertificates,
                    ) {
                        nav.push(item("/org/certificates", "证书打印"));
                    }
                }
                if domain::policy::permits(a.kind, a.roles, domain::policy::Action::ViewCycles) {
                    nav.push(item("/org/cycles", "周期验证审核"));
                }
                if a.roles.contains(Role::Admin) {
                    nav.push(item("/org/members", "单位用户"));
                }
                nav.push(item("/org/info", "单位信息"));
                a.org.name.clone()
            }
        };
        nav.push(item("/act", "切换身份"));
        let mut crumbs = vec![("/".to_owned(), "首页".to_owned())];
        if path != "/" {
            crumbs.push((path.to_owned(), title.to_owned()));
        }
        Chrome {
            title: title.to_owned(),
            user_name: Some(user.account.real_name.clone()),
            acting_as,
            nav,
            crumbs,
            flash: user.session.take_flash(),
            csrf: user.session.csrf(),
        }
    }

    /// The frame for a page seen before signing in.
    pub fn public(title: &str, session: &Session) -> Chrome {
        Chrome {
            title: title.to_owned(),
            user_name: None,
            acting_as: String::new(),
            nav: Vec::new(),
            crumbs: Vec::new(),
            flash: session.take_flash(),
            csrf: session.csrf(),
        }
    }
}

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub async fn static_file(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return AppError::NotFound.into_response(),
    };
    (
        [
            (CONTENT_TYPE, kind),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
