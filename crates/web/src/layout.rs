//! The page frame every screen shares: header, navigation by role, breadcrumb,
//! flash messages; and the embedded static files.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use store::accounts::Account;

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
    /// The frame for a signed-in page at `path`.
    pub fn for_user(title: &str, path: &str, account: &Account, session: &Session) -> Chrome {
        let mut nav = vec![
            NavItem {
                href: "/",
                label: "首页",
                active: path == "/",
            },
            NavItem {
                href: "/account/password",
                label: "修改密码",
                active: path == "/account/password",
            },
        ];
        if account.is_platform_admin {
            nav.push(NavItem {
                href: "/admin/accounts",
                label: "账号管理",
                active: path.starts_with("/admin/accounts"),
            });
            nav.push(NavItem {
                href: "/admin/audit",
                label: "安全审计",
                active: path.starts_with("/admin/audit"),
            });
        }
        let mut crumbs = vec![("/".to_owned(), "首页".to_owned())];
        if path != "/" {
            crumbs.push((path.to_owned(), title.to_owned()));
        }
        Chrome {
            title: title.to_owned(),
            user_name: Some(account.real_name.clone()),
            acting_as: if account.is_platform_admin {
                "平台管理员".to_owned()
            } else {
                "专业技术人员".to_owned()
            },
            nav,
            crumbs,
            flash: session.take_flash(),
            csrf: session.csrf(),
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
