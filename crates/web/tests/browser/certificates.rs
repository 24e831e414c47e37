//! Certificates: a person's, the public verification page, and a unit's printing and batch.

use super::*;

/// Asks the server for `path` with the page's cookies and answers (status, content type).
async fn fetch_head(p: &Page, path: &str) -> anyhow::Result<(u64, String)> {
    let v = p
        .js(&format!(
            "var x = new XMLHttpRequest(); x.open('GET', {}, false); x.send(); \
             return [x.status, x.getResponseHeader('content-type') || ''];",
            serde_json::json!(path)
        ))
        .await?;
    Ok((
        v[0].as_u64().unwrap_or(0),
        v[1].as_str().unwrap_or("").to_owned(),
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_journey() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    let last_year = app
        .state
        .today()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .expect("year")
        - 1;
    // The demo regenerated one certificate of the school's staff: its first version stays
    // verifiable, as superseded.
    let yz = org_id(&app.state.store, "广州市第一中学")
        .await
        .expect("the school");
    let staff = app
        .state
        .store
        .staff_certificates(
            &store::records::StaffYearFilter {
                within: yz,
                year: last_year,
                page: 1,
                per_page: 200,
                ..Default::default()
            },
            true,
        )
        .await
        .expect("staff");
    let mut superseded = None;
    for r in &staff.items {
        for c in app
            .state
            .store
            .certificates_of(r.account_id)
            .await
            .expect("db")
        {
            if c.state == domain::certificate::CertificateState::Superseded {
                superseded = Some(c.code.clone());
            }
        }
    }
    assert!(
        superseded.is_some(),
        "the demo has a superseded certificate"
    );
    browser
        .run(&app, "certificate_journey", |p| async move {
            let mut notes = Vec::new();

            // 1. zhangwei issues last year's certificate and opens its PDF.
            p.goto("/login").await?;
            p.sign_in("zhangwei", PW).await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/me/certificates']"))
                .await?;
            assert_eq!(p.text("main h1").await?, "继续教育证书");
            shoot_noting(&p, "01-mine", false, &mut notes).await?;
            p.click_to_next_page(By::XPath(format!(
                "//table[contains(@class,'list')]//tr[td[@data-label='年度'][normalize-space()='{last_year}']]\
                 //button[normalize-space()='生成证书']"
            )))
            .await?;
            assert!(p.path().await?.starts_with("/me/certificates/"));
            assert!(p.flash().await?.contains("已生成证书"), "{}", p.flash().await?);
            let body = p.text("section.certificate").await?;
            assert!(body.contains("张伟") && body.contains("达标"), "{body}");
            let code = p.text(".cert-foot strong").await?;
            assert_eq!(code.len(), 12, "a 12-character code: {code}");
            let pdf = p
                .d
                .find(By::LinkText("下载打印（PDF）"))
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            assert_eq!(
                fetch_head(&p, &pdf).await?,
                (200, "application/pdf".to_owned())
            );
            shoot_noting(&p, "02-certificate", true, &mut notes).await?;
            p.sign_out().await?;

            // 2. Anyone checks it on the public page, typing the code as read off the paper.
            p.goto("/verify").await?;
            let typed = format!("{} {}", code[..6].to_lowercase(), &code[6..]);
            p.fill("#code", &typed).await?;
            p.submit().await?;
            assert_eq!(p.path().await?, format!("/verify/{code}"));
            let shown = p.text("main").await?;
            assert!(shown.contains("有效") && shown.contains("张*"), "{shown}");
            assert!(!shown.contains("张伟"), "the name is masked");
            shoot_noting(&p, "03-verify-valid", false, &mut notes).await?;
            p.goto("/verify/AAAAAAAAAAAA").await?;
            assert!(p.body_text().await?.contains("未找到该证书"));
            if let Some(old) = &superseded {
                p.goto(&format!("/verify/{old}")).await?;
                let shown = p.text("main").await?;
                assert!(shown.contains("已作废"), "{shown}");
                shoot_noting(&p, "04-verify-superseded", false, &mut notes).await?;
            }

            // 3. The unit prints: recount (nothing changed), then a batch as one ZIP.
            p.goto("/login").await?;
            p.sign_in("yizhong", PW).await?;
            p.goto("/act").await?;
            p.act_for("广州市第一中学").await?;
            p.click_to_next_page(By::Css("#sidenav a[href='/org/certificates']"))
                .await?;
            assert_eq!(
                p.text("main h1").await?,
                format!("继续教育证书打印（{last_year}年度）")
            );
            let rows = p.rows().await?;
            assert!(rows.iter().any(|r| r.contains("张伟")), "{rows:#?}");
            shoot_noting(&p, "05-unit-list", false, &mut notes).await?;
            p.click_to_next_page(By::XPath(
                "//tr[td[@data-label='姓名'][starts-with(normalize-space(), '张伟')]]//button[normalize-space()='重新统计']",
            ))
            .await?;
            assert!(p.flash().await?.contains("无需更新"), "{}", p.flash().await?);
            p.click_to_next_page(By::XPath(format!(
                "//button[normalize-space()='批量打印{last_year}年度证书（ZIP）']"
            )))
            .await?;
            assert!(p.path().await?.starts_with("/org/certificates/batch/"));
            p.wait_js(
                "the batch to finish",
                "document.body.innerText.indexOf('已完成') >= 0",
            )
            .await?;
            p.settled().await?;
            let zip = p
                .d
                .find(By::LinkText("下载压缩包（ZIP）"))
                .await?
                .attr("href")
                .await?
                .unwrap_or_default();
            assert_eq!(
                fetch_head(&p, &zip).await?,
                (200, "application/zip".to_owned())
            );
            shoot_noting(&p, "06-batch-done", false, &mut notes).await?;

            let _ = writeln!(
                std::io::stderr(),
                "certificate_journey: at {} px {}",
                NARROW.0,
                if notes.is_empty() {
                    "nothing sticks out".to_owned()
                } else {
                    format!("these stick out:\n  {}", notes.join("\n  "))
                }
            );
            Ok(())
        })
        .await;
}
