//! Registration and sign-in, as a person goes through them.

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;
use store::audit::AuditFilter;

async fn audit_count(app: &TestApp, event: &str, outcome: &str) -> u64 {
    app.state
        .store
        .audit_entries(&AuditFilter {
            event: Some(event.into()),
            outcome: Some(outcome.into()),
            per_page: 1,
            ..Default::default()
        })
        .await
        .expect("audit")
        .total
}

on_both_engines!(health_answers_when_the_database_does, |app| {
    let mut c = Client::new(&app);
    let r = c.get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, "ok");
});

on_both_engines!(register_then_sign_in_by_login_name_and_by_document, |app| {
    let mut c = Client::new(&app);
    let r = register(
        &mut c,
        &registration("Zhao_min", "赵敏", "321101198110166954", "Xuexi2026go"),
    )
    .await;
    r.assert_redirect("/login?identifier=Zhao_min");
    let page = c.get("/login").await;
    page.assert_contains("注册成功");

    let stored = app
        .state
        .store
        .account_by_document("321101198110166954")
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.real_name, "赵敏");
    assert_eq!(stored.login_name, "Zhao_min");
    assert_eq!(stored.gender.as_deref(), Some("M"));
    assert_eq!(
        stored.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1981-10-16")
    );
    assert!(
        stored.password_hash.starts_with("$argon2id$"),
        "argon2id hash"
    );
    assert!(
        stored.password_hash.contains("m=19456,t=2"),
        "19 MiB, 2 iterations: {}",
        stored.password_hash
    );
    assert!(
        !stored.answer_hashes[0].contains("陈秀英"),
        "answers are stored hashed"
    );
    assert_eq!(audit_count(&app, "register", "success").await, 1);

    // By login name, in any case.
    let r = c.sign_in("zhao_MIN", "Xuexi2026go").await;
    r.assert_redirect("/");
    let home = c.get("/").await;
    assert_eq!(home.status, 200);
    home.assert_contains("您好，赵敏");
    home.assert_contains("3211**********6954");
    home.assert_lacks("321101198110166954");

    // By document number, in a fresh browser.
    let mut other = Client::new(&app);
    other
        .sign_in("321101198110166954", "Xuexi2026go")
        .await
        .assert_redirect("/");
    other.get("/").await.assert_contains("您好，赵敏");
    assert_eq!(audit_count(&app, "signin", "success").await, 2);
});

on_both_engines!(a_legacy_fifteen_digit_number_is_stored_as_eighteen, |app| {
    let mut c = Client::new(&app);
    register(
        &mut c,
        &registration("laohao", "郝建国", "440106661007095", "Xuexi2026go"),
    )
    .await
    .assert_redirect("/login?identifier=laohao");
    let a = app
        .state
        .store
        .account_by_document("440106196610070958")
        .await
        .unwrap()
        .expect("converted number stored");
    assert_eq!(
        a.birth_date.map(|d| d.to_string()).as_deref(),
        Some("1966-10-07")
    );
    assert!(
        app.state
            .store
            .account_by_document("440106661007095")
            .await
            .unwrap()
            .is_none()
    );
    // The old number still signs in: it names the same document.
    let mut c = Client::new(&app);
    c.sign_in("440106196610070958", "Xuexi2026go")
        .await
        .assert_redirect("/");
});

on_both_engines!(
    bad_registration_input_is_shown_next_to_fields_and_kept,
    |app| {
        let mut c = Client::new(&app);
        let mut fields = registration("zhaomin", "赵敏", "110101199003072712", "Xuexi2026go");
        fields.retain(|(k, _)| *k != "password2");
        fields.push(("password2", "Different2026"));
        fields.retain(|(k, _)| *k != "mobile");
        fields.push(("mobile", "12345"));
        let r = register(&mut c, &fields).await;
        assert_eq!(r.status, 200);
        r.assert_contains("校验位不正确");
        r.assert_contains("两次输入的密码不一致");
        r.assert_contains("请修改以下 3 处后再提交");
        // What the person typed is still there, passwords aside.
        assert_eq!(r.input_value("real_name").as_deref(), Some("赵敏"));
        assert_eq!(r.input_value("login_name").as_deref(), Some("zhaomin"));
        assert_eq!(
            r.input_value("doc_number").as_deref(),
            Some("110101199003072712")
        );
        assert_eq!(r.input_value("a1").as_deref(), Some("陈秀英"));
        assert_eq!(
            r.input_value("password"),
            None,
            "passwords are never sent back"
        );
        assert!(
            app.state
                .store
                .account_by_identifier("zhaomin")
                .await
                .unwrap()
                .is_none(),
            "nothing stored"
        );
    }
);

on_both_engines!(every_field_rule_has_its_message, |app| {
    let cases: &[(&str, &str, &str)] = &[
        ("login_name", "", "登录账号"),
        ("login_name", "ab", "4"),
        ("login_name", "zhang wei", "字母、数字、下划线"),
        ("login_name", "1zhang", "字母开头"),
        ("password", "short1", "至少8位"),
        ("password", "onlyletters", "字母和数字"),
        ("password", "password1", "过于常见"),
        ("password", "ab19811016cd", "证件号码或出生日期"),
        ("real_name", "", "姓名"),
        ("real_name", "张3", "姓名"),
        ("mobile", "1391234567", "手机"),
        ("email", "not-an-email", "邮箱"),
        ("doc_number", "", "证件号码"),
        ("doc_number", "991011199003072711", "省级行政区划"),
        ("doc_number", "110101209903072711", "出生日期"),
        ("doc_number", "11010119900230271X", "出生日期"),
        ("a1", "", "答案"),
        ("captcha", "WRONG", "验证码不正确"),
        ("agree", "", "服务协议"),
        ("q2", domain::credentials::SECURITY_QUESTIONS[0], "不能重复"),
    ];
    let mut c = Client::new(&app);
    for (field, value, expected) in cases {
        let mut fields = registration("zhaomin", "赵敏", "321101198110166954", "Xuexi2026go");
        for (k, v) in fields.iter_mut() {
            if k == field {
                *v = value;
            }
        }
        if *field == "password" {
            for (k, v) in fields.iter_mut() {
                if *k == "password2" {
                    *v = value;
                }
            }
        }
        let r = register(&mut c, &fields).await;
        assert_eq!(r.status, 200, "{field}={value:?} should be refused");
        let error_id = format!("id=\"{field}-error\"");
        r.assert_contains(&error_id);
        let at = r.body.find(&error_id).expect("error paragraph");
        let message = &r.body[at..at + r.body[at..].find("</p>").expect("end")];
        assert!(
            message.contains(expected),
            "{field}={value:?}: message {message:?} should mention {expected:?}"
        );
    }
    assert!(
        app.state
            .store
            .account_by_identifier("zhaomin")
            .await
            .unwrap()
            .is_none()
    );
});

on_both_engines!(one_document_one_account, |app| {
    let mut c = Client::new(&app);
    register(
        &mut c,
        &registration("zhaomin", "赵敏", "321101198110166954", "Xuexi2026go"),
    )
    .await
    .assert_redirect("/login?identifier=zhaomin");
    let mut c2 = Client::new(&app);
    let r = register(
        &mut c2,
        &registration("zhaomin2", "赵敏", "321101198110166954", "Xuexi2026go"),
    )
    .await;
    assert_eq!(r.status, 200);
    r.assert_contains("该证件号码已注册过账号");
    r.assert_contains("忘记密码");
    let r = register(
        &mut c2,
        &registration("ZHAOMIN", "李雷", "110101199003072711", "Xuexi2026go"),
    )
    .await;
    r.assert_contains("该登录账号已被使用");
    assert!(
        app.state
            .store
            .account_by_document("110101199003072711")
            .await
            .unwrap()
            .is_none()
    );
});

on_both_engines!(a_double_click_creates_one_account, |app| {
    let mut c = Client::new(&app);
    c.get("/register").await;
    c.get("/captcha").await;
    let key = c.form_key.clone().expect("form key");
    let mut fields = registration("zhaomin", "赵敏", "321101198110166954", "Xuexi2026go");
    fields.push(("form_key", &key));
    let csrf = c.csrf.clone().expect("csrf");
    fields.push(("csrf", &csrf));
    // Both requests leave the browser before either answer comes back.
    let mut c2 = Client::new(&app);
    c2.share_cookies_from(&c);
    let (a, b) = tokio::join!(
        c.post_raw("/register", &fields, None),
        c2.post_raw("/register", &fields, None)
    );
    a.assert_redirect("/login?identifier=zhaomin");
    b.assert_redirect("/login?identifier=zhaomin");
    let page = app
        .state
        .store
        .search_accounts(&Default::default(), app.state.now())
        .await
        .unwrap();
    assert_eq!(page.total, 1, "exactly one account");
    assert_eq!(audit_count(&app, "register", "success").await, 1);
});

on_both_engines!(
    wrong_passwords_lock_after_three_for_fifteen_minutes,
    |app| {
        with_demo(&app).await;
        let mut c = Client::new(&app);
        for attempt in 1..=3 {
            let r = c.sign_in("zhangwei", "Wrong2026pw").await;
            assert_eq!(r.status, 200);
            r.assert_contains("账号或密码不正确");
            r.assert_contains(&format!("再输错{}次", 4 - attempt));
        }
        let r = c.sign_in("zhangwei", "Wrong2026pw").await;
        r.assert_contains("账号已锁定");
        r.assert_contains("15分钟");
        // Locked: even the right password is refused, and says how long.
        let r = c.sign_in("zhangwei", "Study2026gd").await;
        r.assert_contains("账号已锁定");
        assert_eq!(c.get("/").await.location.as_deref(), Some("/login"));
        assert_eq!(audit_count(&app, "lock", "success").await, 1);
        assert_eq!(audit_count(&app, "signin", "locked").await, 1);

        app.clock.advance(chrono::Duration::minutes(14));
        c.sign_in("zhangwei", "Study2026gd")
            .await
            .assert_contains("请1分钟后再试");
        app.clock.advance(chrono::Duration::minutes(1));
        c.sign_in("zhangwei", "Study2026gd")
            .await
            .assert_redirect("/");
        let a = app
            .state
            .store
            .account_by_identifier("zhangwei")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.failed_count, 0, "a successful sign-in resets the count");
        assert!(a.locked_until.is_none());
    }
);

on_both_engines!(a_success_resets_the_count_of_wrong_passwords, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    for _ in 0..3 {
        c.sign_in("zhangwei", "Wrong2026pw").await;
    }
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    let mut c = Client::new(&app);
    for _ in 0..3 {
        c.sign_in("zhangwei", "Wrong2026pw")
            .await
            .assert_contains("账号或密码不正确");
    }
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
});

on_both_engines!(
    unknown_names_get_the_same_answer_as_wrong_passwords,
    |app| {
        with_demo(&app).await;
        let mut c = Client::new(&app);
        let unknown = c.sign_in("nobody_here", "Wrong2026pw").await;
        unknown.assert_contains("账号或密码不正确");
        let audit = app
            .state
            .store
            .audit_entries(&AuditFilter {
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.items[0].outcome, "failure");
        assert_eq!(audit.items[0].account_id, None);
        // A typed document number is kept only masked.
        c.sign_in("440106199001011234", "Wrong2026pw").await;
        let audit = app
            .state
            .store
            .audit_entries(&AuditFilter {
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.items[0].identifier, "4401**********1234");
    }
);

on_both_engines!(the_captcha_is_checked_and_spent, |app| {
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
                ("captcha", "WRONG"),
            ],
        )
        .await;
    r.assert_contains("验证码不正确");
    assert_eq!(r.input_value("identifier").as_deref(), Some("zhangwei"));
    // The right text for a spent image does not work either: one image, one try.
    let r = c
        .post(
            "/login",
            &[
                ("identifier", "zhangwei"),
                ("password", "Study2026gd"),
                ("captcha", CAPTCHA),
            ],
        )
        .await;
    r.assert_contains("验证码不正确");
    // Captcha mistakes do not count toward the lock.
    let a = app
        .state
        .store
        .account_by_identifier("zhangwei")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.failed_count, 0);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
});

on_both_engines!(an_initial_password_must_be_changed_first, |app| {
    with_demo(&app).await;
    let initial = domain::password::initial_password("440106196610070958");
    assert_eq!(initial, "070958@Gd");
    let mut c = Client::new(&app);
    c.sign_in("wangfang", &initial)
        .await
        .assert_redirect("/account/password");
    // Nothing else opens until the password is changed.
    c.get("/").await.assert_redirect("/account/password");
    let page = c.get("/account/password").await;
    page.assert_contains("初始密码");
    let r = c
        .post(
            "/account/password",
            &[("current", &initial), ("new", &initial), ("new2", &initial)],
        )
        .await;
    assert_eq!(r.status, 200, "the initial password cannot be kept");
    let r = c
        .post(
            "/account/password",
            &[
                ("current", &initial),
                ("new", "Wangfang2026"),
                ("new2", "Wangfang2026"),
            ],
        )
        .await;
    r.assert_redirect("/");
    c.get("/").await.assert_contains("您好，王芳");
    let a = app
        .state
        .store
        .account_by_identifier("wangfang")
        .await
        .unwrap()
        .unwrap();
    assert!(!a.must_change_password);
    let mut fresh = Client::new(&app);
    fresh
        .sign_in("wangfang", &initial)
        .await
        .assert_contains("账号或密码不正确");
    fresh
        .sign_in("wangfang", "Wangfang2026")
        .await
        .assert_redirect("/");
});

on_both_engines!(sign_out_ends_the_session, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    let before = c.cookie(jxjy_web_cookie()).cloned();
    c.get("/").await;
    let r = c.post("/logout", &[]).await;
    r.assert_redirect("/login");
    c.get("/login").await.assert_contains("您已安全退出");
    c.get("/").await.assert_redirect("/login");
    assert_ne!(c.cookie(jxjy_web_cookie()).cloned(), before);
});

fn jxjy_web_cookie() -> &'static str {
    "jxjy_sid"
}

on_both_engines!(the_session_id_changes_at_sign_in, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.get("/login").await;
    let anonymous = c
        .cookie("jxjy_sid")
        .cloned()
        .expect("a session for the form");
    c.get("/captcha").await;
    c.post(
        "/login",
        &[
            ("identifier", "zhangwei"),
            ("password", "Study2026gd"),
            ("captcha", CAPTCHA),
        ],
    )
    .await
    .assert_redirect("/");
    let signed_in = c.cookie("jxjy_sid").cloned().expect("session");
    assert_ne!(
        anonymous, signed_in,
        "a planted session id is worthless after sign-in"
    );
    // The old id no longer opens anything.
    let mut planted = Client::new(&app);
    planted.set_cookie("jxjy_sid", &anonymous);
    planted.get("/").await.assert_redirect("/login");
});

on_both_engines!(idle_sessions_expire_after_thirty_minutes, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(c.get("/").await.status, 200);
    app.clock.advance(chrono::Duration::minutes(29));
    assert_eq!(
        c.get("/").await.status,
        200,
        "activity keeps the session alive"
    );
    app.clock.advance(chrono::Duration::minutes(31));
    c.get("/").await.assert_redirect("/login");
    c.get("/login").await.assert_contains("为了安全已自动退出");
});

on_both_engines!(changing_the_password_ends_other_sessions, |app| {
    with_demo(&app).await;
    let mut phone = Client::new(&app);
    phone
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    let mut desk = Client::new(&app);
    desk.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    desk.get("/account/password").await;
    let r = desk
        .post(
            "/account/password",
            &[
                ("current", "Study2026gd"),
                ("new", "Newpass2026x"),
                ("new2", "Newpass2026x"),
            ],
        )
        .await;
    r.assert_redirect("/");
    desk.get("/").await.assert_contains("密码已修改");
    phone.get("/").await.assert_redirect("/login");
    assert_eq!(audit_count(&app, "password_change", "success").await, 1);
});

on_both_engines!(password_change_checks_every_field, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd").await;
    c.get("/account/password").await;
    let r = c
        .post(
            "/account/password",
            &[("current", "nope"), ("new", "abc"), ("new2", "abd")],
        )
        .await;
    r.assert_contains("当前密码不正确");
    r.assert_contains("至少8位");
    r.assert_contains("两次输入的新密码不一致");
    let r = c
        .post(
            "/account/password",
            &[
                ("current", "Study2026gd"),
                ("new", "Study2026gd"),
                ("new2", "Study2026gd"),
            ],
        )
        .await;
    r.assert_contains("新密码不能与当前密码相同");
    let mut again = Client::new(&app);
    again
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
});

on_both_engines!(the_form_tells_what_a_document_number_says, |app| {
    let mut c = Client::new(&app);
    c.get("/register").await;
    let r = c
        .post(
            "/register/check-document",
            &[
                ("doc_type", "mainland_id"),
                ("doc_number", "440106661007095"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("\"ok\":true"), "{}", r.body);
    r.assert_contains("1966-10-07");
    r.assert_contains("男");
    r.assert_contains("440106196610070958");
    let r = c
        .post(
            "/register/check-document",
            &[
                ("doc_type", "mainland_id"),
                ("doc_number", "110101199003072712"),
            ],
        )
        .await;
    assert!(r.body.contains("\"ok\":false"));
    r.assert_contains("校验位");
    let r = c
        .post(
            "/register/check-document",
            &[
                ("doc_type", "mainland_id"),
                ("doc_number", "11010119900307002x"),
            ],
        )
        .await;
    assert!(
        r.body.contains("\"ok\":true"),
        "a lower-case x is accepted as X: {}",
        r.body
    );
    let r = c
        .post_raw(
            "/register/check-document",
            &[
                ("doc_type", "mainland_id"),
                ("doc_number", "440106661007095"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 403, "the check needs the form's token");
});

on_both_engines!(an_opened_account_starts_with_the_initial_password, |app| {
    let opened = jxjy_web::accounts::open_account(
        &app.state,
        jxjy_web::accounts::OpenAccount {
            login_name: "xiaoli",
            real_name: "肖丽",
            doc_type: domain::identity::DocumentType::MainlandId,
            doc_number: "11010119900307002x",
            mobile: "13912345678",
            email: "xiaoli@example.com",
            is_platform_admin: true,
        },
    )
    .await
    .expect("database")
    .unwrap_or_else(|e| panic!("refused: {:?}", e.messages()));
    assert_eq!(opened.initial_password, "07002X@Gd");
    let a = app.state.store.account(opened.id).await.unwrap().unwrap();
    assert!(a.must_change_password);
    assert_eq!(a.doc_number, "11010119900307002X");

    let mut c = Client::new(&app);
    c.sign_in("xiaoli", "07002X@Gd")
        .await
        .assert_redirect("/account/password");
    // No security questions yet: recovery sends the person to an administrator.
    let mut r = Client::new(&app);
    r.get("/recover").await;
    r.get("/captcha").await;
    let page = r
        .post(
            "/recover",
            &[("identifier", "xiaoli"), ("captcha", CAPTCHA)],
        )
        .await;
    page.assert_contains("尚未设置密码保护问题");

    let refused = jxjy_web::accounts::open_account(
        &app.state,
        jxjy_web::accounts::OpenAccount {
            login_name: "xiaoli2",
            real_name: "肖丽",
            doc_type: domain::identity::DocumentType::MainlandId,
            doc_number: "11010119900307002X",
            mobile: "13912345678",
            email: "xiaoli@example.com",
            is_platform_admin: false,
        },
    )
    .await
    .expect("database");
    let errors = refused
        .err()
        .expect("a second account for one document is refused");
    assert_eq!(errors.get("doc_number"), Some("该证件号码已有账号"));
});

on_both_engines!(sessions_end_after_their_absolute_lifetime, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    // Active all day long, a page every 20 minutes: still ended after 12 hours.
    for _ in 0..35 {
        app.clock.advance(chrono::Duration::minutes(20));
        assert_eq!(c.get("/").await.status, 200);
    }
    app.clock.advance(chrono::Duration::minutes(21));
    c.get("/").await.assert_redirect("/login");
});

on_both_engines!(the_captcha_can_appear_only_after_a_failed_sign_in, |app| {
    with_demo(&app).await;
    let config = jxjy_web::Config {
        captcha: jxjy_web::CaptchaMode::AfterFailure,
        trust_proxy: true,
        ..jxjy_web::Config::default()
    };
    let mut state = jxjy_web::AppState::new(app.state.store.clone(), config);
    state.clock = app.clock.clone();
    state.fixed_captcha = Some(CAPTCHA.to_owned());
    let mut c = Client::with_router(jxjy_web::router(state));
    let first = c.get("/login").await;
    first.assert_lacks("id=\"captcha\"");
    let r = c
        .post(
            "/login",
            &[("identifier", "zhangwei"), ("password", "Wrong2026pw")],
        )
        .await;
    r.assert_contains("账号或密码不正确");
    r.assert_contains("id=\"captcha\"");
    // From now on this browser must answer it.
    let r = c
        .post(
            "/login",
            &[("identifier", "zhangwei"), ("password", "Study2026gd")],
        )
        .await;
    r.assert_contains("验证码不正确");
    c.get("/captcha").await;
    c.post(
        "/login",
        &[
            ("identifier", "zhangwei"),
            ("password", "Study2026gd"),
            ("captcha", CAPTCHA),
        ],
    )
    .await
    .assert_redirect("/");
});

on_both_engines!(with_captchas_off_no_form_asks_for_one, |app| {
    with_demo(&app).await;
    let mut c = Client::with_router(captchas_off(&app));
    // A scripted run registers without ever fetching an image.
    c.get("/register").await.assert_lacks("id=\"captcha\"");
    let key = c.form_key.clone().expect("form key");
    let mut fields = registration("jiaoben", "焦本", "440106198503151233", "Xuexi2026go");
    fields.retain(|(k, _)| *k != "captcha");
    fields.push(("form_key", &key));
    c.post("/register", &fields)
        .await
        .assert_redirect("/login?identifier=jiaoben");
    assert!(
        app.state
            .store
            .account_by_identifier("jiaoben")
            .await
            .unwrap()
            .is_some()
    );
    // Recovery and sign-in do without it too.
    let mut r = Client::with_router(captchas_off(&app));
    r.get("/recover").await.assert_lacks("id=\"captcha\"");
    r.post("/recover", &[("identifier", "zhangwei")])
        .await
        .assert_redirect("/recover/answer");
    c.get("/login").await.assert_lacks("id=\"captcha\"");
    c.post(
        "/login",
        &[("identifier", "jiaoben"), ("password", "Xuexi2026go")],
    )
    .await
    .assert_redirect("/");
});

/// The site over the same database with JXJY_CAPTCHA=off (and no captcha text pinned).
fn captchas_off(app: &TestApp) -> axum::Router {
    let config = jxjy_web::Config {
        captcha: jxjy_web::CaptchaMode::Off,
        trust_proxy: true,
        ..jxjy_web::Config::default()
    };
    let mut state = jxjy_web::AppState::new(app.state.store.clone(), config);
    state.clock = app.clock.clone();
    jxjy_web::router(state)
}

on_both_engines!(a_legacy_fifteen_digit_number_signs_in, |app| {
    let mut c = Client::new(&app);
    register(
        &mut c,
        &registration("laohao", "郝建国", "440106661007095", "Xuexi2026go"),
    )
    .await
    .assert_redirect("/login?identifier=laohao");
    // The number the person registered with, in the form they typed it then.
    let mut c = Client::new(&app);
    c.sign_in("440106661007095", "Xuexi2026go")
        .await
        .assert_redirect("/");
    c.get("/").await.assert_contains("郝建国");
    // A wrong password with it counts against that account.
    let mut other = Client::new(&app);
    let r = other.sign_in(" 440106661007095 ", "Wrong2026pw").await;
    r.assert_contains("账号或密码不正确。再输错");
    let a = app
        .state
        .store
        .account_by_document("440106196610070958")
        .await
        .unwrap()
        .expect("account");
    assert_eq!(a.failed_count, 1);
    // The administrator finds the account by that number too.
    with_demo(&app).await;
    let mut admin = Client::new(&app);
    admin
        .sign_in("admin", "Admin2026jx")
        .await
        .assert_redirect("/");
    let r = admin.get("/admin/accounts?q=440106661007095").await;
    r.assert_contains("laohao");
    r.assert_contains("共 1 条");
});

async fn contact_of(app: &TestApp, login: &str) -> (String, String) {
    let a = app
        .state
        .store
        .account_by_identifier(login)
        .await
        .unwrap()
        .expect("account");
    (a.mobile, a.email)
}

on_both_engines!(a_person_changes_their_mobile_and_email, |app| {
    with_demo(&app).await;
    let before = contact_of(&app, "zhangwei").await;
    let mut c = Client::new(&app);
    c.sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");
    let page = c.get("/me/profile").await;
    page.assert_contains("联系方式");
    assert_eq!(page.input_value("mobile"), Some(before.0.clone()));

    // A wrong password: nothing changes, what was typed stays, the password does not.
    let r = c
        .post(
            "/me/contact",
            &[
                ("mobile", "13800138000"),
                ("email", "zw@example.cn"),
                ("password", "Wrong2026pw"),
            ],
        )
        .await;
    r.assert_eq_status(200);
    r.assert_contains("id=\"password-error\"");
    r.assert_contains("当前密码不正确");
    assert_eq!(r.input_value("mobile").as_deref(), Some("13800138000"));
    assert_eq!(r.input_value("email").as_deref(), Some("zw@example.cn"));
    assert_eq!(r.input_value("password"), None);
    assert_eq!(contact_of(&app, "zhangwei").await, before);

    // A bad mobile number: its message next to it, the typed number kept.
    let r = c
        .post(
            "/me/contact",
            &[
                ("mobile", "1380013800"),
                ("email", "zw@example.cn"),
                ("password", "Study2026gd"),
            ],
        )
        .await;
    r.assert_eq_status(200);
    r.assert_contains("id=\"mobile-error\"");
    r.assert_contains("手机号码应为11位数字");
    assert_eq!(r.input_value("mobile").as_deref(), Some("1380013800"));
    assert_eq!(contact_of(&app, "zhangwei").await, before);

    // Both right: changed, said, and audited without the values.
    let r = c
        .post(
            "/me/contact",
            &[
                ("mobile", "138 0013 8000"),
                ("email", "ZW@Example.CN"),
                ("password", "Study2026gd"),
            ],
        )
        .await;
    r.assert_redirect("/me/profile");
    let page = c.get("/me/profile").await;
    page.assert_contains("联系方式已修改");
    assert_eq!(page.input_value("mobile").as_deref(), Some("13800138000"));
    assert_eq!(
        contact_of(&app, "zhangwei").await,
        ("13800138000".to_owned(), "ZW@example.cn".to_owned())
    );
    assert_eq!(audit_count(&app, "contact_change", "success").await, 1);
    assert_eq!(audit_count(&app, "contact_change", "failure").await, 1);
    let entries = app
        .state
        .store
        .audit_entries(&AuditFilter {
            event: Some("contact_change".into()),
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.contains("13800138000") && !e.detail.contains("example")),
        "the log names what changed, not the values"
    );
});
