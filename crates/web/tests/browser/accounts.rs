//! Registration, sign-in, the lockout and the first change of an initial password.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn register_then_sign_in_then_home() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(false).await;
    browser
        .run(&app, "register_then_sign_in_then_home", |p| async move {
            p.goto("/login").await?;
            assert_eq!(p.text("main h1").await?, "登录");
            assert!(p.displayed("img.captcha").await?, "captcha image shown");
            p.shoot("01-login").await?;

            p.click_to_next_page(By::LinkText("个人注册")).await?;
            assert_eq!(p.path().await?, "/register");
            assert_eq!(p.text("main h1").await?, "个人注册");
            assert_eq!(p.value("#country").await?, "CN");
            p.shoot_tall("02-register").await?;

            fill_registration(&p, NEW_DOC, NEW_PASSWORD).await?;
            p.shoot_tall("03-register-filled").await?;
            p.submit().await?;

            assert_eq!(
                p.path().await?,
                "/login",
                "registration should lead to sign-in; page says: {}",
                p.body_text().await?
            );
            let flash = p.text("div.flash").await?;
            assert!(flash.contains("注册成功"), "flash: {flash}");
            assert!(flash.contains(NEW_LOGIN), "flash names the login: {flash}");
            assert_eq!(
                p.value("#identifier").await?,
                NEW_LOGIN,
                "the new login name is filled in"
            );
            p.shoot("04-login-after-registration").await?;

            p.sign_in(NEW_LOGIN, NEW_PASSWORD).await?;
            assert_eq!(
                p.path().await?,
                "/",
                "sign-in should lead home; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, format!("您好，{NEW_NAME}"));
            let body = p.body_text().await?;
            assert!(body.contains("待办事项"), "home page: {body}");
            assert!(body.contains("我的账号"), "home page: {body}");
            assert!(body.contains("这是您第一次登录本系统"), "home page: {body}");
            assert_eq!(p.text("header .person").await?, NEW_NAME);
            assert_eq!(p.text("header button.link").await?, "退出");
            p.shoot("05-home").await?;

            // On a phone the navigation hides behind the 菜单 button.
            p.resize(NARROW).await?;
            assert!(!p.displayed("#sidenav").await?, "nav hidden at 375 px");
            let toggle = p.d.find(By::Css("[data-nav-toggle]")).await?;
            assert_eq!(toggle.text().await?, "菜单");
            toggle.click().await?;
            p.wait_js(
                "the navigation to open",
                "document.getElementById('sidenav').classList.contains('open')",
            )
            .await?;
            assert!(p.displayed("#sidenav").await?, "nav shown after 菜单");
            assert_eq!(toggle.attr("aria-expanded").await?.as_deref(), Some("true"));
            let nav = p.text("#sidenav").await?;
            assert!(nav.contains("修改密码"), "nav lists 修改密码: {nav}");
            assert!(
                !nav.contains("账号管理"),
                "no admin pages for a person: {nav}"
            );
            p.save("06-home-nav-open", NARROW.0).await?;

            // At desktop width the navigation is always there and the button is not.
            p.resize(WIDE).await?;
            assert!(p.displayed("#sidenav").await?, "nav shown at 1280 px");
            assert!(!toggle.is_displayed().await?, "no 菜单 button at 1280 px");
            Ok(())
        })
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_errors_are_shown_next_to_fields() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(false).await;
    let store = app.state.store.clone();
    browser
        .run(
            &app,
            "registration_errors_are_shown_next_to_fields",
            |p| async move {
                p.goto("/register").await?;
                // A wrong check digit (…2711 is right) and a repeated password that differs.
                fill_registration(&p, "110101199003072712", "Xuexi2026gx").await?;
                p.shoot_tall("01-register-filled-wrong").await?;
                p.submit().await?;

                assert_eq!(p.path().await?, "/register");
                let summary = p.text(".error-summary").await?;
                assert!(
                    summary.contains("请修改以下 2 处"),
                    "exactly the two mistakes are reported: {summary}"
                );
                let doc_error = p.field_error("doc_number").await?;
                assert!(
                    doc_error.contains("校验位"),
                    "doc_number error: {doc_error}"
                );
                assert!(p.field_has_error("doc_number").await?);
                assert_eq!(p.field_error("password2").await?, "两次输入的密码不一致");
                assert!(p.field_has_error("password2").await?);
                assert!(
                    !p.field_has_error("password").await?,
                    "the first password itself is fine"
                );
                assert!(!p.field_has_error("real_name").await?);

                // What was typed stays, except passwords and the captcha.
                assert_eq!(p.value("#login_name").await?, NEW_LOGIN);
                assert_eq!(p.value("#real_name").await?, NEW_NAME);
                assert_eq!(p.value("#mobile").await?, "13912345678");
                assert_eq!(p.value("#doc_number").await?, "110101199003072712");
                assert_eq!(p.value("#email").await?, "zhaomin@example.com");
                assert_eq!(p.value("#a1").await?, "王秀英");
                assert_eq!(p.value("#password").await?, "");
                assert_eq!(p.value("#password2").await?, "");
                assert_eq!(p.value("#captcha").await?, "");
                assert!(
                    p.d.find(By::Css("input[name=agree]"))
                        .await?
                        .is_selected()
                        .await?,
                    "the agreement stays ticked"
                );
                p.shoot_tall("02-register-errors").await?;

                assert!(
                    store.account_by_identifier(NEW_LOGIN).await?.is_none(),
                    "nothing was registered"
                );
                Ok(())
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn four_wrong_passwords_lock_the_account() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    browser
        .run(
            &app,
            "four_wrong_passwords_lock_the_account",
            |p| async move {
                p.goto("/login").await?;
                for (attempt, left) in [(1, 3), (2, 2), (3, 1)] {
                    p.sign_in("zhangwei", "Wrong2026pw").await?;
                    assert_eq!(p.path().await?, "/login");
                    assert!(
                        p.d.find_all(By::Css("#captcha ~ p.error"))
                            .await?
                            .is_empty(),
                        "attempt {attempt}: the captcha was accepted"
                    );
                    let msg = p.field_error("password").await?;
                    assert!(
                        msg.contains("账号或密码不正确") && msg.contains("再输错"),
                        "attempt {attempt}: {msg}"
                    );
                    assert!(
                        msg.contains(&format!("再输错{left}次")),
                        "attempt {attempt} leaves {left}: {msg}"
                    );
                    assert_eq!(p.value("#identifier").await?, "zhangwei");
                    if attempt == 1 {
                        p.shoot("01-wrong-password").await?;
                    }
                }

                p.sign_in("zhangwei", "Wrong2026pw").await?;
                let msg = p.field_error("password").await?;
                assert!(
                    msg.contains("账号已锁定") && msg.contains("15分钟"),
                    "fourth wrong password locks: {msg}"
                );
                p.shoot("02-locked").await?;

                // While locked, even the right password is refused.
                p.sign_in("zhangwei", "Study2026gd").await?;
                assert_eq!(p.path().await?, "/login", "a locked account stays out");
                let msg = p.field_error("password").await?;
                assert!(
                    msg.contains("账号已锁定") && msg.contains("15分钟"),
                    "right password while locked: {msg}"
                );
                p.shoot("03-locked-right-password").await?;
                Ok(())
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn initial_password_must_be_changed() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    let initial = wangfang_initial_password(&app);
    browser
        .run(&app, "initial_password_must_be_changed", |p| async move {
            p.goto("/login").await?;
            p.sign_in("wangfang", &initial).await?;
            assert_eq!(
                p.path().await?,
                "/account/password",
                "an initial password leads to the password page; page says: {}",
                p.body_text().await?
            );
            let notice = p.text("p.notice").await?;
            assert!(notice.contains("初始密码"), "notice: {notice}");
            p.shoot("01-password-forced").await?;

            // Until the password is changed, other pages lead back here.
            p.goto("/").await?;
            assert_eq!(p.path().await?, "/account/password");

            p.fill("#current", &initial).await?;
            p.fill("#new", "Gaimi2026ok").await?;
            p.fill("#new2", "Gaimi2026ok").await?;
            p.submit().await?;
            assert_eq!(
                p.path().await?,
                "/",
                "the new password leads home; page says: {}",
                p.body_text().await?
            );
            assert_eq!(p.text("main h1").await?, "您好，王芳");
            let flash = p.text("div.flash").await?;
            assert!(flash.contains("密码已修改"), "flash: {flash}");
            p.shoot("02-home-after-change").await?;
            Ok(())
        })
        .await;
}
