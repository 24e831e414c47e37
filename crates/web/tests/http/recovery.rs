//! Password recovery by the three security questions.

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;

async fn start(c: &mut Client, who: &str) -> Response {
    c.get("/recover").await;
    c.get("/captcha").await;
    c.post("/recover", &[("identifier", who), ("captcha", CAPTCHA)])
        .await
}

on_both_engines!(recovery_by_security_questions_sets_a_new_password, |app| {
    with_demo(&app).await;
    let mut other_device = Client::new(&app);
    other_device
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_redirect("/");

    let mut c = Client::new(&app);
    start(&mut c, "110101199003072711")
        .await
        .assert_redirect("/recover/answer");
    let page = c.get("/recover/answer").await;
    page.assert_contains(domain::credentials::SECURITY_QUESTIONS[0]);
    let r = c
        .post(
            "/recover/answer",
            &[
                ("a1", "广州"),
                ("a2", "深圳"),
                ("a3", "广州"),
                ("new", "Recover2026x"),
                ("new2", "Recover2026x"),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("答案不正确");
    assert_eq!(
        r.input_value("a1").as_deref(),
        Some("广州"),
        "answers typed are kept"
    );
    // Answers are compared forgivingly: spaces and full-width forms do not matter.
    let r = c
        .post(
            "/recover/answer",
            &[
                ("a1", " 广州 "),
                ("a2", "广州"),
                ("a3", "广州"),
                ("new", "Recover2026x"),
                ("new2", "Recover2026x"),
            ],
        )
        .await;
    r.assert_redirect("/login");
    c.get("/login").await.assert_contains("密码已重新设置");
    other_device.get("/").await.assert_redirect("/login");

    let mut fresh = Client::new(&app);
    fresh
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_contains("账号或密码不正确");
    fresh
        .sign_in("zhangwei", "Recover2026x")
        .await
        .assert_redirect("/");
});

on_both_engines!(wrong_answers_count_toward_the_lock, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    start(&mut c, "zhangwei")
        .await
        .assert_redirect("/recover/answer");
    for _ in 0..3 {
        c.post(
            "/recover/answer",
            &[
                ("a1", "x"),
                ("a2", "y"),
                ("a3", "z"),
                ("new", "Recover2026x"),
                ("new2", "Recover2026x"),
            ],
        )
        .await
        .assert_contains("答案不正确");
    }
    let r = c
        .post(
            "/recover/answer",
            &[
                ("a1", "x"),
                ("a2", "y"),
                ("a3", "z"),
                ("new", "Recover2026x"),
                ("new2", "Recover2026x"),
            ],
        )
        .await;
    r.assert_contains("账号已锁定");
    let r = c
        .post(
            "/recover/answer",
            &[
                ("a1", "广州"),
                ("a2", "广州"),
                ("a3", "广州"),
                ("new", "Recover2026x"),
                ("new2", "Recover2026x"),
            ],
        )
        .await;
    r.assert_contains("账号已锁定");
    let mut fresh = Client::new(&app);
    fresh
        .sign_in("zhangwei", "Study2026gd")
        .await
        .assert_contains("账号已锁定");
});

on_both_engines!(recovery_of_an_unknown_account_says_so, |app| {
    let mut c = Client::new(&app);
    let r = start(&mut c, "nobody").await;
    assert_eq!(r.status, 200);
    r.assert_contains("没有找到");
    c.get("/recover/answer").await.assert_redirect("/recover");
});

on_both_engines!(recovery_finds_an_account_by_its_legacy_number, |app| {
    let mut c = Client::new(&app);
    register(
        &mut c,
        &registration("laohao", "郝建国", "440106661007095", "Xuexi2026go"),
    )
    .await
    .assert_redirect("/login?identifier=laohao");
    let mut c = Client::new(&app);
    start(&mut c, "440106661007095")
        .await
        .assert_redirect("/recover/answer");
    c.get("/recover/answer")
        .await
        .assert_contains(domain::credentials::SECURITY_QUESTIONS[0]);
});
