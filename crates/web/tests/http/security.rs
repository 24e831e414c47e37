//! CSRF, Origin, headers, body limits, and who may open what.

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;

on_both_engines!(a_form_without_its_csrf_token_is_refused, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.get("/login").await;
    c.get("/captcha").await;
    let r = c
        .post(
            "/login",
            &[
                ("identifier", "zhangwei"),
                ("password", "Study2026gd"),
                ("captcha", CAPTCHA),
                ("csrf", ""),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    r.assert_contains("页面已过期");
    let r = c
        .post(
            "/login",
            &[
                ("identifier", "zhangwei"),
                ("password", "Study2026gd"),
                ("captcha", CAPTCHA),
                ("csrf", "0123456789abcdef"),
            ],
        )
        .await;
    assert_eq!(r.status, 403);
    // A browser with no session at all cannot post either.
    let mut stranger = Client::new(&app);
    let r = stranger
        .post_raw(
            "/login",
            &[("identifier", "zhangwei"), ("password", "Study2026gd")],
            None,
        )
        .await;
    assert_eq!(r.status, 403);
    let a = app
        .state
        .store
        .account_by_identifier("zhangwei")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.failed_count, 0, "a refused request changed nothing");
});

on_both_engines!(a_post_from_another_site_is_refused, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    c.get("/account/password").await;
    let csrf = c.csrf.clone().unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("current", "Study2026gd"),
        ("new", "Evil2026pass"),
        ("new2", "Evil2026pass"),
    ];
    let r = c
        .post_raw("/account/password", &fields, Some("https://evil.example"))
        .await;
    assert_eq!(r.status, 403);
    r.assert_contains("来自其他网站");
    let r = c
        .post_raw(
            "/logout",
            &[("csrf", csrf.as_str())],
            Some("http://jxjy.test"),
        )
        .await;
    r.assert_redirect("/login");
    let mut again = Client::new(&app);
    again
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
});

on_both_engines!(security_headers_are_on_every_page, |app| {
    let mut c = Client::new(&app);
    for path in ["/login", "/register", "/healthz", "/no-such-page"] {
        let r = c.get(path).await;
        let csp = r
            .headers
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(r.headers.get("referrer-policy").is_some());
    }
    let r = Client::new(&app).get("/login").await;
    let cookie = r
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!r.body.contains("<script>"), "no inline script");
});

on_both_engines!(an_oversized_body_is_refused, |app| {
    let mut c = Client::new(&app);
    c.get("/login").await;
    let big = "x".repeat(3 * 1024 * 1024);
    let r = c.post("/login", &[("identifier", &big)]).await;
    assert_eq!(r.status, 413);
});

on_both_engines!(signed_out_visitors_are_sent_to_sign_in, |app| {
    let mut c = Client::new(&app);
    c.get("/").await.assert_redirect("/login");
    c.get("/account/password")
        .await
        .assert_redirect("/login?next=%2Faccount%2Fpassword");
    c.get("/admin/accounts")
        .await
        .assert_redirect("/login?next=%2Fadmin%2Faccounts");
    let r = c.get("/no-such-page").await;
    assert_eq!(r.status, 404);
    r.assert_contains("页面不存在");
});

on_both_engines!(
    after_sign_in_the_person_returns_where_they_were_going,
    |app| {
        with_demo(&app).await;
        let mut c = Client::new(&app);
        c.get("/login?next=%2Faccount%2Fpassword").await;
        c.get("/captcha").await;
        let r = c
            .post(
                "/login",
                &[
                    ("identifier", "zhangwei"),
                    ("password", "Study2026gd"),
                    ("captcha", CAPTCHA),
                    ("next", "/account/password"),
                ],
            )
            .await;
        r.assert_redirect("/account/password");
        // Never to another site.
        let mut c = Client::new(&app);
        c.get("/login").await;
        c.get("/captcha").await;
        let r = c
            .post(
                "/login",
                &[
                    ("identifier", "zhangwei"),
                    ("password", "Study2026gd"),
                    ("captcha", CAPTCHA),
                    ("next", "//evil.example/x"),
                ],
            )
            .await;
        r.assert_redirect("/");
    }
);

on_both_engines!(the_region_picker_lists_districts_of_a_city, |app| {
    let mut c = Client::new(&app);
    let r = c.get("/regions/440100/children").await;
    assert_eq!(r.status, 200);
    r.assert_contains("天河区");
    r.assert_lacks("福田区");
    let cities = c.get("/regions/440000/children").await;
    let count = cities.body.matches("\"level\":\"city\"").count();
    assert_eq!(count, 21, "Guangdong has 21 prefecture-level cities");
    let r = c.get("/regions/441900/children").await;
    assert_eq!(r.body, "[]", "东莞 has no county level");
    assert_eq!(c.get("/regions/abc/children").await.body, "[]");
});

on_both_engines!(
    the_audit_log_records_the_peer_address_unless_a_proxy_is_trusted,
    |app| {
        // The test app trusts its proxy's X-Forwarded-For.
        let mut c = Client::new(&app);
        c.sign_in("nobody", "Wrong2026pw").await;
        // A server not behind a proxy takes the connection's address: the header is the
        // client's own word and could name anyone.
        let config = jxjy_web::Config {
            trust_proxy: false,
            ..jxjy_web::Config::default()
        };
        let mut state = jxjy_web::AppState::new(app.state.store.clone(), config);
        state.fixed_captcha = Some(CAPTCHA.to_owned());
        let mut direct = Client::with_router(jxjy_web::router(state));
        direct.ip = "10.9.9.9".into();
        direct.peer = Some(std::net::SocketAddr::from(([203, 0, 113, 5], 40000)));
        direct.sign_in("nobody", "Wrong2026pw").await;
        let entries = app
            .state
            .store
            .audit_entries(&store::audit::AuditFilter {
                per_page: 5,
                ..Default::default()
            })
            .await
            .unwrap();
        let ips: Vec<&str> = entries.items.iter().map(|e| e.ip.as_str()).collect();
        assert_eq!(ips, ["203.0.113.5", "198.51.100.7"]);
    }
);
