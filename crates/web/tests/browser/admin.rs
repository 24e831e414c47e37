//! The platform administrator's account management and security audit log.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn admin_pages() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    browser
        .run(&app, "admin_pages", |p| async move {
            p.goto("/login").await?;
            p.sign_in("admin", "Admin2026jx").await?;
            assert_eq!(p.path().await?, "/", "{}", p.body_text().await?);
            assert_eq!(p.text("main h1").await?, "您好，周海涛");
            let nav = p.text("#sidenav").await?;
            assert!(
                nav.contains("账号管理") && nav.contains("安全审计"),
                "admin nav: {nav}"
            );
            p.shoot("01-admin-home").await?;

            p.click_to_next_page(By::LinkText("账号管理")).await?;
            assert_eq!(p.path().await?, "/admin/accounts");
            assert_eq!(p.text("main h1").await?, "账号管理");
            // The newest accounts come first; the demo's first four are on the last page.
            let pager = p.text("nav.pager").await?;
            assert!(pager.contains("共"), "pagination with the total: {pager}");
            p.click_to_next_page(By::LinkText("下一页")).await?;
            let source = p.d.source().await?;
            for full in ["110101199003072711", "321101198110166954", "13800138000"] {
                assert!(!source.contains(full), "{full} appears unmasked");
            }
            p.fill("#q", "王芳").await?;
            p.submit().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("wangfang"), "wangfang listed: {table}");
            assert!(table.contains("待改密"), "wangfang must change: {table}");
            p.fill("#q", "张伟").await?;
            p.submit().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("1101**********2711"), "masked: {table}");
            let source = p.d.source().await?;
            for full in ["110101199003072711", "321101198110166954", "13800138000"] {
                assert!(!source.contains(full), "{full} appears unmasked");
            }
            p.shoot("02-accounts").await?;

            // Search by name.
            p.fill("#q", "张伟").await?;
            p.submit().await?;
            let rows = p.d.find_all(By::Css("table.list tbody tr")).await?;
            assert_eq!(rows.len(), 1, "one 张伟: {}", p.body_text().await?);
            assert!(rows[0].text().await?.contains("zhangwei"));
            p.shoot("03-accounts-search").await?;

            // Lock zhangwei, through the confirm dialog.
            p.mark().await?;
            p.d.find(By::Css("table.list tbody tr button.danger"))
                .await?
                .click()
                .await?;
            let question = p.d.get_alert_text().await?;
            assert!(question.contains("确定锁定吗"), "confirm: {question}");
            p.d.accept_alert().await?;
            p.wait_new_page().await?;
            let table = p.text("table.list").await?;
            assert!(table.contains("已锁定"), "zhangwei locked: {table}");
            let buttons = p.text("table.list tbody tr .row-actions").await?;
            assert!(buttons.contains("解锁"), "unlock offered: {buttons}");
            p.shoot("04-accounts-locked").await?;

            p.click_to_next_page(By::LinkText("安全审计")).await?;
            assert_eq!(p.path().await?, "/admin/audit");
            assert_eq!(p.text("main h1").await?, "安全审计");
            let rows = p.d.find_all(By::Css("table.list tbody tr")).await?;
            let mut lines = Vec::new();
            for r in &rows {
                lines.push(r.text().await?);
            }
            assert!(
                lines.iter().any(|l| l.contains("登录")
                    && l.contains("成功")
                    && l.contains("admin")
                    && l.contains("127.0.0.1")),
                "admin's sign-in is logged with the browser's address: {lines:#?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("锁定")),
                "the lock is logged: {lines:#?}"
            );
            let source = p.d.source().await?;
            assert!(!source.contains("110101199003072711"));
            p.shoot("05-audit").await?;
            Ok(())
        })
        .await;
}
