//! A unit clerk's newer pages: the unit's information with the manual's fields, and a
//! declaration for a member of staff (代申报) that takes its proof and counts once confirmed.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn unit_information_and_declaration_journey() {
    use chrono::Datelike;

    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = App::start(true).await;
    const PW: &str = jxjy_web::demo::orgs::PASSWORD;
    const YZ: &str = "广州市第一中学";
    let zhangwei = app
        .state
        .store
        .account_by_identifier("zhangwei")
        .await
        .expect("store")
        .expect("zhangwei");
    let shanghai = chrono::FixedOffset::east_opt(8 * 3600).expect("+08:00");
    let today = chrono::Utc::now().with_timezone(&shanghai).date_naive();
    let new_year = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January");
    let start = (today - chrono::Duration::days(1)).max(new_year);
    let files = tempfile::tempdir().expect("a directory for the proof");
    let pdf = files.path().join("培训证明.pdf");
    std::fs::write(&pdf, super::records::tiny_pdf()).expect("write the proof");
    let pdf = pdf.display().to_string();
    let doc = zhangwei.doc_number.clone();
    browser
        .run(
            &app,
            "unit_information_and_declaration_journey",
            |p| async move {
                let mut notes = Vec::new();
                p.goto("/login").await?;
                p.sign_in("yizhong", PW).await?;
                p.act_for(YZ).await?;

                // 1. The unit's information: a postcode of two digits is named, then corrected.
                p.goto("/org/info").await?;
                p.fill("#email", "office@gzyz.example.cn").await?;
                p.fill("#postcode", "51").await?;
                p.choose("#nature", "public_institution").await?;
                p.click_to_next_page(By::XPath(
                    "//main//form[.//input[@id='postcode']]//button[normalize-space()='保存']",
                ))
                .await?;
                let error = p.field_error("postcode").await?;
                anyhow::ensure!(error.contains("6"), "the postcode's error: {error}");
                anyhow::ensure!(p.value("#email").await? == "office@gzyz.example.cn");
                shoot_noting(&p, "01-unit-info-error", true, &mut notes).await?;
                p.fill("#postcode", "510030").await?;
                p.click_to_next_page(By::XPath(
                    "//main//form[.//input[@id='postcode']]//button[normalize-space()='保存']",
                ))
                .await?;
                anyhow::ensure!(p.value("#postcode").await? == "510030");
                shoot_noting(&p, "02-unit-info-saved", true, &mut notes).await?;

                // 2. 代申报 for 张伟: saved unconfirmed, counted nowhere yet.
                p.goto("/org/records/new").await?;
                p.fill("#doc_number", &doc).await?;
                p.choose("#category", "professional").await?;
                p.fill("#course_name", "校本研修：新课标下的单元教学设计")
                    .await?;
                p.fill("#institution_name", "广州市教育研究院").await?;
                p.fill("#location", "广州市越秀区").await?;
                set_date(&p, "#start_date", start).await?;
                set_date(&p, "#end_date", today).await?;
                p.fill("#claimed", "6").await?;
                shoot_noting(&p, "03-declaration-form", true, &mut notes).await?;
                p.submit().await?;
                let path = p.path().await?;
                anyhow::ensure!(
                    path.starts_with("/org/records/"),
                    "the declaration's page: {path}; {}",
                    p.body_text().await?
                );
                let panel = p.text("main").await?;
                anyhow::ensure!(panel.contains("代申报确认"), "{panel}");
                anyhow::ensure!(panel.contains("代申报待确认"), "{panel}");

                // 3. Its proof, then 确认.
                p.d.find(By::Css("input#unit-file"))
                    .await?
                    .send_keys(&pdf)
                    .await?;
                p.click_to_next_page(By::XPath(
                    "//form[contains(@action,'/attachments')]//button[normalize-space()='上传']",
                ))
                .await?;
                let flash = p.flash().await?;
                anyhow::ensure!(flash.contains("已上传"), "{flash}");
                shoot_noting(&p, "04-declaration-proof", true, &mut notes).await?;
                p.click_to_next_page(By::XPath("//main//button[normalize-space()='确认']"))
                    .await?;
                let page = p.text("main").await?;
                anyhow::ensure!(!page.contains("代申报确认"), "confirmed: {page}");
                anyhow::ensure!(page.contains("已通过"), "{page}");
                shoot_noting(&p, "05-declaration-confirmed", true, &mut notes).await?;
                anyhow::ensure!(notes.is_empty(), "{notes:#?}");
                Ok(())
            },
        )
        .await;
}
