//! What every request goes through: a panic answered with the site's page, bodies over the
//! limit answered in words after being read, form keys freed however a request ends.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use tokio::io::AsyncWriteExt;
use tower::ServiceExt;

use crate::on_both_engines;
use crate::orgs::{account_id, org_named, signed_in};
use crate::records::{PDF, stored_record};
#[allow(unused_imports)]
use crate::support::*;

on_both_engines!(
    a_city_cut_inside_a_character_finds_employers_as_usual,
    |app| {
        with_demo(&app).await;
        let mut person = signed_in(&app, "zhangwei").await;
        // "广州" is six bytes: its fourth byte is inside "州".
        let r = person
            .get("/me/employment?city=%E5%B9%BF%E5%B7%9E&q=%E5%A4%A9%E6%B2%B3")
            .await;
        r.assert_eq_status(200);
        r.assert_contains("广州市天河中学");
        // A city code still narrows the search to its city.
        let r = person
            .get("/me/employment?city=440300&q=%E5%A4%A9%E6%B2%B3")
            .await;
        r.assert_eq_status(200);
        r.assert_lacks("广州市天河中学");
    }
);

on_both_engines!(a_handler_that_panics_gets_the_site_error_page, |app| {
    let site = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let typed = std::hint::black_box(String::from("广州"));
            typed.get(..4).map(str::to_owned).unwrap_or_else(|| {
                panic!("a handler that slices what was typed");
            })
        }),
    );
    let router = jxjy_web::with_platform_layers(site, app.state.clone());
    let mut c = Client::with_router(router);
    let r = c.get("/boom?city=%E5%B9%BF%E5%B7%9E").await;
    r.assert_eq_status(500);
    r.assert_contains("系统繁忙");
    r.assert_contains("您填写的内容没有丢失");
    assert!(
        r.headers.get("content-security-policy").is_some(),
        "the page goes out with the security headers of every page"
    );
});

on_both_engines!(
    a_body_over_the_limit_is_read_and_answered_with_a_page_naming_the_limit,
    |app| {
        // Declared above what any form may send (10 MB and room for the other fields).
        let total = app.state.config.body_allowance() + 1024 * 1024;
        let (mut tx, rx) = tokio::io::duplex(64 * 1024);
        let sender = tokio::spawn(async move {
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                let n = chunk.len().min(total - sent);
                tx.write_all(&chunk[..n]).await?;
                sent += n;
            }
            Ok::<usize, std::io::Error>(sent)
        });
        let req = Request::post("/me/records/1/attachments")
            .header(header::HOST, "jxjy.test")
            .header(
                header::CONTENT_TYPE,
                "multipart/form-data; boundary=----jxjytest",
            )
            .header(header::CONTENT_LENGTH, total)
            .body(Body::from_stream(tokio_util::io::ReaderStream::new(rx)))
            .expect("request");
        let res = app.router.clone().oneshot(req).await.expect("an answer");
        assert_eq!(res.status(), 413);
        let page = axum::body::to_bytes(res.into_body(), 1024 * 1024)
            .await
            .expect("page");
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains("文件过大"), "{page}");
        assert!(page.contains("10 MB"), "the page names the limit: {page}");
        // The browser could send it all, so it is still listening when the page comes.
        let sent = tokio::time::timeout(Duration::from_secs(10), sender)
            .await
            .expect("the body was read to its end")
            .expect("the sender ran");
        assert_eq!(
            sent.expect("the server read the whole body rather than closing on it"),
            total
        );
        // A client that waits to be told before it sends (Expect: 100-continue) is told at once.
        let (_still_open, rx) = tokio::io::duplex(1024);
        let req = Request::post("/me/records/1/attachments")
            .header(header::HOST, "jxjy.test")
            .header(header::EXPECT, "100-continue")
            .header(header::CONTENT_LENGTH, total)
            .body(Body::from_stream(tokio_util::io::ReaderStream::new(rx)))
            .expect("request");
        let res = tokio::time::timeout(Duration::from_secs(5), app.router.clone().oneshot(req))
            .await
            .expect("answered without waiting for a body that was never sent")
            .expect("an answer");
        assert_eq!(res.status(), 413);
    }
);

on_both_engines!(an_empty_file_is_refused_as_empty_not_as_missing, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    let id = stored_record(&app, me, yz, "draft").await;
    let mut person = signed_in(&app, "zhangwei").await;
    let page = format!("/me/records/{id}");
    person.get(&page).await;
    let upload = format!("/me/records/{id}/attachments");
    person
        .post_file(&upload, &[], "file", "结业证书.pdf", b"")
        .await
        .assert_redirect(&page);
    let shown = person.get(&page).await;
    shown.assert_contains("所选文件是空的（0 字节），请重新选择");
    shown.assert_lacks("请选择要上传的文件");
    // Choosing no file at all is still asked for.
    person.post_file(&upload, &[], "file", "", b"").await;
    person
        .get(&page)
        .await
        .assert_contains("请选择要上传的文件");
    // A real file still goes.
    person
        .post_file(&upload, &[], "file", "结业证书.pdf", PDF)
        .await
        .assert_redirect(&page);
    let list = app.state.store.attachments("ce_record", id).await.unwrap();
    assert_eq!(list.len(), 1);
});

on_both_engines!(
    a_form_sent_again_after_a_failed_attempt_is_processed_at_once,
    |app| {
        let mut c = Client::new(&app);
        c.get("/register").await;
        let key = c.form_key.clone().expect("the registration form has a key");
        let mut fields = registration("kaishi", "开诗", "110101199003072711", "Xuexi2026go");
        fields.push(("form_key", &key));
        // The database refuses the new account: the handler stops at an error after it
        // claimed the form's key.
        let store = &app.state.store;
        store
            .execute_unprepared("ALTER TABLE account RENAME TO account_away")
            .await
            .expect("rename");
        c.get("/captcha").await;
        let r = c.post("/register", &fields).await;
        r.assert_eq_status(500);
        r.assert_contains("系统繁忙");
        store
            .execute_unprepared("ALTER TABLE account_away RENAME TO account")
            .await
            .expect("rename back");
        // The same form (same key) sent again goes through, without waiting for a twin.
        c.get("/captcha").await;
        let started = Instant::now();
        let r = c.post("/register", &fields).await;
        r.assert_redirect("/login?identifier=kaishi");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "answered in {:?}",
            started.elapsed()
        );
        assert!(
            store
                .account_by_identifier("kaishi")
                .await
                .unwrap()
                .is_some()
        );
    }
);
