//! The platform administrator's pages, and that nobody else reaches them.

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;
use store::audit::AuditFilter;

on_both_engines!(only_platform_administrators_see_admin_pages, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    for path in ["/admin/accounts", "/admin/audit"] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path} must look absent to a person");
    }
    c.get("/").await;
    let target = app
        .state
        .store
        .account_by_identifier("lina")
        .await
        .unwrap()
        .unwrap();
    let r = c
        .post(&format!("/admin/accounts/{}/lock", target.id), &[])
        .await;
    assert_eq!(r.status, 404);
    let lina = app.state.store.account(target.id).await.unwrap().unwrap();
    assert!(lina.locked_until.is_none(), "nothing changed");
    let home = c.get("/").await;
    home.assert_lacks("账号管理");
});

on_both_engines!(admin_searches_accounts_with_masked_numbers, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("admin", "Admin2026jx").await.assert_redirect("/");
    let total = app
        .state
        .store
        .search_accounts(&Default::default(), app.state.now())
        .await
        .unwrap()
        .total;
    let r = c.get("/admin/accounts").await;
    assert_eq!(r.status, 200);
    r.assert_contains(&format!("共 {total} 条，第 1 / {} 页", total.div_ceil(20)));
    r.assert_lacks("110101199003072711");
    let r = c
        .get(&format!("/admin/accounts?page={}", total.div_ceil(20)))
        .await;
    r.assert_contains("待改密");
    r.assert_contains("1101**********2711");
    r.assert_lacks("110101199003072711");
    let r = c.get("/admin/accounts?q=%E5%BC%A0%E4%BC%9F").await; // 张伟
    r.assert_contains("zhangwei");
    r.assert_lacks("lina");
    r.assert_contains("共 1 条");
    let r = c.get("/admin/accounts?q=110101199003072711").await;
    r.assert_contains("zhangwei");
    r.assert_contains("共 1 条");
    let r = c.get("/admin/accounts?q=nobody").await;
    r.assert_contains("没有符合条件的账号");
});

on_both_engines!(admin_locks_unlocks_and_resets, |app| {
    with_demo(&app).await;
    let lina = app
        .state
        .store
        .account_by_identifier("lina")
        .await
        .unwrap()
        .unwrap();
    let mut person = Client::new(&app);
    person
        .sign_in("lina", "Study2026gd")
        .await
        .assert_redirect("/");

    let mut admin = Client::new(&app);
    admin
        .sign_in("admin", "Admin2026jx")
        .await
        .assert_redirect("/");
    admin.get("/admin/accounts").await;
    let r = admin
        .post(
            &format!("/admin/accounts/{}/lock", lina.id),
            &[("back", "/admin/accounts")],
        )
        .await;
    r.assert_redirect("/admin/accounts");
    admin
        .get("/admin/accounts?locked=1")
        .await
        .assert_contains("已锁定");
    person.get("/").await.assert_redirect("/login");
    let mut fresh = Client::new(&app);
    fresh
        .sign_in("lina", "Study2026gd")
        .await
        .assert_contains("管理员锁定");
    admin.get("/").await.assert_contains("锁定中的账号");

    admin.get("/admin/accounts").await;
    admin
        .post(
            &format!("/admin/accounts/{}/unlock", lina.id),
            &[("back", "/admin/accounts")],
        )
        .await
        .assert_redirect("/admin/accounts");
    fresh
        .sign_in("lina", "Study2026gd")
        .await
        .assert_redirect("/");

    admin.get("/admin/accounts").await;
    admin
        .post(
            &format!("/admin/accounts/{}/reset-password", lina.id),
            &[("back", "/admin/accounts")],
        )
        .await;
    let page = admin.get("/admin/accounts").await;
    page.assert_contains("临时密码：");
    let at = page.body.find("临时密码：").unwrap() + "临时密码：".len();
    let temp: String = page.body[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(temp.len(), 10);
    fresh.get("/").await.assert_redirect("/login");
    let mut c = Client::new(&app);
    c.sign_in("lina", "Study2026gd")
        .await
        .assert_contains("账号或密码不正确");
    c.sign_in("lina", &temp)
        .await
        .assert_redirect("/account/password");

    let mut events: Vec<String> = app
        .state
        .store
        .audit_entries(&AuditFilter {
            account_id: Some(lina.id),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.event)
        .collect();
    events.sort();
    events.dedup();
    for e in ["lock", "unlock", "password_reset", "signin"] {
        assert!(events.iter().any(|x| x == e), "audit has {e}: {events:?}");
    }
});

on_both_engines!(admin_reads_the_audit_log_with_filters, |app| {
    with_demo(&app).await;
    let mut p = Client::new(&app);
    p.sign_in("zhangwei", "Wrong2026pw").await;
    let mut admin = Client::new(&app);
    admin
        .sign_in("admin", "Admin2026jx")
        .await
        .assert_redirect("/");
    let r = admin.get("/admin/audit?event=signin&outcome=failure").await;
    assert_eq!(r.status, 200);
    r.assert_contains("zhangwei");
    r.assert_contains("198.51.100.7");
    r.assert_contains("密码错误");
    r.assert_contains("共 1 条");
    let r = admin.get("/admin/audit?event=signin&outcome=success").await;
    r.assert_lacks("密码错误");
    r.assert_contains("共 1 条");
    let r = admin.get("/admin/audit?from=2026-03-03").await;
    r.assert_contains("没有符合条件的审计记录");
    let r = admin.get("/admin/audit?from=2026-13-01").await;
    r.assert_contains("日期格式应为");
});
